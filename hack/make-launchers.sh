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
#  edgecore  resident agent on small boxes: SerialGC, small heap and code cache (docs/benchmarks.md)
#  modbus-mapper  resident poller, one per node next to edgecore: smaller still, C1 only
LAUNCHERS=(
  "keadm:keadm:-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx256m"
  "cloudcore:cloudcore:-XX:+UseG1GC -Xms256m -Xmx2g -XX:+ExitOnOutOfMemoryError"
  "edgecore:edgecore:-XX:+UseSerialGC -Xss256k -Xmx64m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=24m -XX:CICompilerCount=2 -XX:TrimNativeHeapInterval=1000 -XX:+ExitOnOutOfMemoryError -Dio.netty.allocator.type=unpooled"
  "modbus-mapper:mappers/modbus:-XX:+UseSerialGC -Xss256k -Xmx32m -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=16m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:TrimNativeHeapInterval=1000 -XX:+ExitOnOutOfMemoryError -Dio.netty.allocator.type=unpooled"
)

written=()
for entry in "${LAUNCHERS[@]}"; do
  IFS=: read -r name module flags <<<"$entry"
  # the module's shaded jar (<artifactId>-<version>-all.jar; a module's directory need not be
  # its artifactId, e.g. mappers/modbus is modbus-mapper)
  jar=$(ls "$REPO/$module"/target/*-all.jar 2>/dev/null | head -n1 || true)
  [[ -n "$jar" ]] || continue # this deployable has no runnable jar yet
  cp "$jar" "$OUT/lib/$name.jar"
  cat >"$OUT/bin/$name" <<LAUNCHER
#!/usr/bin/env bash
# $name launcher, written by hack/make-launchers.sh. Extra JVM flags: KUBEEDGE_JAVA_OPTS.
set -euo pipefail
here="\$(cd "\$(dirname "\$(readlink -f "\${BASH_SOURCE[0]}")")" && pwd)"
source "\$here/../lib/java.sh"
java_home="\$(find_java21)"
flags=($flags --enable-native-access=ALL-UNNAMED)
if [[ "\$(_kj_java_major "\$java_home")" -ge 25 ]]; then flags+=(-XX:+UseCompactObjectHeaders); fi
# shellcheck disable=SC2086
exec "\$java_home/bin/java" "\${flags[@]}" -Dkubeedge.bin.dir="\$here" \${KUBEEDGE_JAVA_OPTS:-} -jar "\$here/../lib/$name.jar" "\$@"
LAUNCHER
  chmod +x "$OUT/bin/$name"
  written+=("$name")
done
echo "launchers in $OUT/bin: ${written[*]:-none}"
