#!/usr/bin/env bash
# Copies the deployables' shaded jars to _output/lib and writes their launchers to
# _output/bin. Run by `make build` after `mvnw package`.
set -euo pipefail
HACK="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HACK")"
OUT="$REPO/_output"
mkdir -p "$OUT/bin" "$OUT/lib"
cp "$HACK/lib/java.sh" "$OUT/lib/java.sh"
cp "$HACK/supervise.sh" "$OUT/bin/kubeedge-supervise"

# name : module : JVM flags. Every launcher pins its flags: JVM defaults scale with the
# host (a 24 GB box gets G1 and a 6 GB heap), which is wrong for an edge agent.
#  keadm     short-lived CLI: fast start-up over peak speed
#  cloudcore long-running hub: bounded heap, G1, pause-friendly
#  edgecore  resident agent on small boxes; resident memory measured in docs/benchmarks.md:
#            SerialGC (no GC threads, no remembered sets); -Xms8m -Xmn8m: the heap starts small and
#            the young generation stays 8 MiB, so only what lives is resident (the old generation
#            grows on demand; about 12 MiB live with 10 pods, 35 MiB after 100); -Xmx64m is the
#            ceiling with headroom for 100 pods; C1 only (TieredStopAtLevel=1; one compiler
#            thread on JDK 25, below) and a 16 MiB code cache: no C2 thread and its arenas;
#            no hsperfdata file (-UsePerfData); glibc heap trimmed every second; Netty unpooled
#            (no 1 MiB chunks); at most two malloc arenas (MALLOC_ARENA_MAX, set in the launcher);
#            logging set up in code, not from logback.xml (ConsoleLogging: 650 classes fewer).
#  modbus-mapper  resident poller, one per node next to edgecore: the same recipe, smaller heap
LAUNCHERS=(
  "keadm:keadm:-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx256m"
  "cloudcore:cloudcore:-XX:+UseG1GC -Xms256m -Xmx2g -XX:+ExitOnOutOfMemoryError"
  "edgecore:edgecore:-XX:+UseSerialGC -Xss256k -Xms8m -Xmn8m -Xmx64m -XX:MaxMetaspaceSize=80m -XX:ReservedCodeCacheSize=16m -XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000 -XX:+ExitOnOutOfMemoryError -Dio.netty.allocator.type=unpooled -Dkubeedge.log.config=builtin"
  "modbus-mapper:mappers/modbus:-XX:+UseSerialGC -Xss256k -Xms8m -Xmn8m -Xmx32m -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=16m -XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000 -XX:+ExitOnOutOfMemoryError -Dio.netty.allocator.type=unpooled"
)
# flags only some JDKs accept, added by the launcher after checking the JDK's version
EXTRA_25_edgecore="-XX:+UseCompactObjectHeaders -XX:CICompilerCount=1"
EXTRA_25_keadm="-XX:+UseCompactObjectHeaders"
EXTRA_25_cloudcore="-XX:+UseCompactObjectHeaders"
EXTRA_25_modbus_mapper="-XX:+UseCompactObjectHeaders -XX:CICompilerCount=1"
ENV_edgecore="export MALLOC_ARENA_MAX=2"
ENV_modbus_mapper="export MALLOC_ARENA_MAX=2"

written=()
for entry in "${LAUNCHERS[@]}"; do
  IFS=: read -r name module flags <<<"$entry"
  # the module's shaded jar (<artifactId>-<version>-all.jar; a module's directory need not be
  # its artifactId, e.g. mappers/modbus is modbus-mapper)
  jar=$(ls "$REPO/$module"/target/*-all.jar 2>/dev/null | head -n1 || true)
  [[ -n "$jar" ]] || continue # this deployable has no runnable jar yet
  cp "$jar" "$OUT/lib/$name.jar"
  extra25_var="EXTRA_25_${name//-/_}" env_var="ENV_${name//-/_}"
  extra25="${!extra25_var:-}" envline="${!env_var:-}"
  cat >"$OUT/bin/$name" <<LAUNCHER
#!/usr/bin/env bash
# $name launcher, written by hack/make-launchers.sh. Extra JVM flags: KUBEEDGE_JAVA_OPTS.
set -euo pipefail
here="\$(cd "\$(dirname "\$(readlink -f "\${BASH_SOURCE[0]}")")" && pwd)"
source "\$here/../lib/java.sh"
java_home="\$(find_java21)"
flags=($flags --enable-native-access=ALL-UNNAMED)
# JDK 25: compact object headers; C1 with a single compiler thread (21 is not checked for it)
if [[ "\$(_kj_java_major "\$java_home")" -ge 25 ]]; then flags+=($extra25); fi
${envline}
# shellcheck disable=SC2086
exec "\$java_home/bin/java" "\${flags[@]}" -Dkubeedge.bin.dir="\$here" \${KUBEEDGE_JAVA_OPTS:-} -jar "\$here/../lib/$name.jar" "\$@"
LAUNCHER
  chmod +x "$OUT/bin/$name"
  written+=("$name")
done
echo "launchers in $OUT/bin: ${written[*]:-none}"
