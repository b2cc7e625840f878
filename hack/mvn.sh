#!/usr/bin/env bash
# Runs the Maven wrapper with a JDK >= 21 (JAVA_HOME if new enough, else the newest
# under /usr/lib/jvm); the default `java` on this kind of machine is 17.
set -euo pipefail
HACK="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HACK/lib/java.sh"
JAVA_HOME="$(find_java21)"
export JAVA_HOME
exec "$HACK/../mvnw" "$@"
