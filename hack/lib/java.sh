# shellcheck shell=bash
# find_java21: prints the path of a JDK home whose version is 21 or newer.
# Uses JAVA_HOME when it is new enough, else the newest JDK under /usr/lib/jvm.
# Fails with the exact package to install when there is none.

_kj_java_major() { # $1 = JDK home; prints the feature version, or nothing
  local rel="$1/release" v
  [[ -x "$1/bin/java" && -x "$1/bin/javac" ]] || return 0
  if [[ -r "$rel" ]]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")
  else
    v=$("$1/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
  fi
  [[ -n "$v" ]] && echo "$v"
}

find_java21() {
  local best="" best_v=0 home v
  if [[ -n "${JAVA_HOME:-}" ]]; then
    v=$(_kj_java_major "$JAVA_HOME")
    if [[ -n "$v" && "$v" -ge 21 ]]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for home in /usr/lib/jvm/*/; do
    home="${home%/}"
    [[ -L "$home" ]] && continue
    v=$(_kj_java_major "$home")
    if [[ -n "$v" && "$v" -ge 21 && "$v" -gt "$best_v" ]]; then best="$home"; best_v="$v"; fi
  done
  if [[ -z "$best" ]]; then
    {
      echo "error: kubeedge-java needs a JDK 21 or newer, and none was found."
      echo "  JAVA_HOME=${JAVA_HOME:-<unset>}; searched /usr/lib/jvm/*"
      echo "  install one: Debian 13+: apt-get install -y openjdk-21-jdk-headless;"
      echo "  Debian 12: a Temurin 21 or 25 JDK (Adoptium) unpacked under /usr/lib/jvm"
      echo "  (or point JAVA_HOME at a JDK >= 21)"
    } >&2
    return 1
  fi
  echo "$best"
}
