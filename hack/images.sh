#!/usr/bin/env bash
# Builds kubeedge-java's test images as OCI archives, without Docker or a registry, and
# imports them into the private containerd of hack/containerd.sh (namespace k8s.io, where
# the CRI plugin looks). Idempotent: rebuilds an archive only when its inputs changed, and
# imports only what containerd lacks or holds at another digest.
#
#   hack/images.sh          build and import (containerd must be up: hack/containerd.sh up)
#   hack/images.sh build    only build the archives into $IMAGES_DIR
#   hack/images.sh list     what containerd holds in k8s.io
#   hack/images.sh mapper   build the modbus-mapper image and import it when containerd is up
#                           (only on request: jlink takes a while; needs the shaded jar of
#                           `hack/mvn.sh -pl mappers/modbus -am package`)
#
# The images (CRI normalises the short names to these fully-qualified ones):
#   docker.io/kubeedge-java/pause:3.10      a static pause binary from hack/images/pause.c
#   docker.io/kubeedge-java/busybox:1.35    Debian's busybox-static with all applet links
#   docker.io/kubeedge-java/vision:2026.05.0, also tagged registry.example.com/vision:2026.05.0
#                                           busybox httpd serving a page on :8080 (the seed's app)
#   docker.io/kubeedge-java/modbus-mapper:<version>  a jlink'ed JRE (from the JDK >= 21 that
#                                           hack/lib/java.sh finds), its glibc, and the mapper's jar;
#                                           for examples/seed/modbus-mapper-daemonset.yaml
#
# Settings (environment):
#   CONTAINERD_DIR   the containerd instance to import into  [<repo>/_output/containerd]
#   IMAGES_DIR       where the archives go                    [<repo>/_output/images]
set -euo pipefail

HACK="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HACK")"
DIR="$(realpath -m "${CONTAINERD_DIR:-$REPO/_output/containerd}")"
IMAGES_DIR="$(realpath -m "${IMAGES_DIR:-$REPO/_output/images}")"
SOCK="$DIR/containerd.sock"
NS=k8s.io
BUSYBOX=/bin/busybox

PAUSE_REF=docker.io/kubeedge-java/pause:3.10
BUSYBOX_REF=docker.io/kubeedge-java/busybox:1.35
VISION_REF=docker.io/kubeedge-java/vision:2026.05.0
VISION_ALIAS=registry.example.com/vision:2026.05.0
MAPPER_REPO=docker.io/kubeedge-java/modbus-mapper
# what the mapper needs of the JDK: grpc logs through java.logging, logback reads XML and may
# look up JNDI, Netty and protobuf use sun.misc.Unsafe (jdk.unsupported)
MAPPER_JRE_MODULES=java.base,java.logging,java.xml,java.naming,java.management,jdk.unsupported
# the launcher's flags (hack/make-launchers.sh): a small resident poller
MAPPER_JVM_FLAGS='"-XX:+UseSerialGC","-Xss256k","-Xmx32m","-XX:MaxMetaspaceSize=64m","-XX:ReservedCodeCacheSize=16m","-XX:TieredStopAtLevel=1","-XX:CICompilerCount=1","-XX:TrimNativeHeapInterval=1000","-XX:+ExitOnOutOfMemoryError","-Dio.netty.allocator.type=unpooled","--enable-native-access=ALL-UNNAMED"'

log() { echo "images: $*" >&2; }
die() { echo "images: error: $*" >&2; exit 1; }

# --- building ---------------------------------------------------------------

# fresh NAME INPUTS...: true when $IMAGES_DIR/NAME.tar was built from exactly these inputs
fresh() {
  local name="$1" stamp; shift
  stamp=$(cat "$@" | sha256sum | cut -d' ' -f1)
  [[ -f "$IMAGES_DIR/$name.tar" && "$(cat "$IMAGES_DIR/$name.stamp" 2>/dev/null)" == "$stamp" ]] && return 0
  echo "$stamp" >"$IMAGES_DIR/$name.stamp.new"
  return 1
}

finish() { # NAME REF ROOTFS [oci-image.py args]: write the archive and its stamp and digest
  local name="$1" ref="$2" rootfs="$3"; shift 3
  python3 "$HACK/oci-image.py" --rootfs "$rootfs" --name "$ref" --out "$IMAGES_DIR/$name.tar" "$@" \
    >"$IMAGES_DIR/$name.digest"
  mv "$IMAGES_DIR/$name.stamp.new" "$IMAGES_DIR/$name.stamp"
  rm -rf "$rootfs"
  log "built $ref ($(<"$IMAGES_DIR/$name.digest"))"
}

base_rootfs() { # DIR: the directories and files every image has
  local r="$1"
  mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,sys,root,var/run}
  install -d -m 1777 "$r/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
  chmod 0755 "$r"/{bin,sbin,usr,usr/bin,usr/sbin,etc,dev,proc,sys,var,var/run} && chmod 0700 "$r/root"
}

busybox_rootfs() { # DIR: base plus /bin/busybox and a link per applet where Debian puts it
  local r="$1" applet
  base_rootfs "$r"
  install -m 0755 "$BUSYBOX" "$r/bin/busybox"
  while read -r applet; do
    [[ -n "$applet" && "$applet" != bin/busybox ]] || continue
    mkdir -p "$r/$(dirname "$applet")"
    [[ -e "$r/$applet" ]] || ln -s /bin/busybox "$r/$applet"
  done < <("$BUSYBOX" --list-full)
  [[ -L "$r/bin/sh" ]] || die "$BUSYBOX has no sh applet"
}

build_pause() {
  local src="$HACK/images/pause.c" r
  fresh pause "$src" "$HACK/oci-image.py" "$0" && return 0
  command -v gcc >/dev/null || die "gcc is missing (apt-get install gcc libc6-dev)"
  r="$IMAGES_DIR/pause.rootfs"
  rm -rf "$r" && mkdir -p "$r"
  gcc -static -Os -s -Wall -Wextra -Werror -o "$r/pause" "$src"
  finish pause "$PAUSE_REF" "$r" --entrypoint '["/pause"]' --label org.opencontainers.image.title=pause
}

build_busybox() {
  local r
  fresh busybox "$BUSYBOX" "$HACK/oci-image.py" "$0" && return 0
  r="$IMAGES_DIR/busybox.rootfs"
  rm -rf "$r" && busybox_rootfs "$r"
  finish busybox "$BUSYBOX_REF" "$r" --cmd '["sh"]' --label org.opencontainers.image.title=busybox
}

build_vision() {
  local r
  fresh vision "$BUSYBOX" "$HACK/oci-image.py" "$0" && return 0
  r="$IMAGES_DIR/vision.rootfs"
  rm -rf "$r" && busybox_rootfs "$r"
  mkdir -p "$r/var/www"
  # the page is written at start, so it names the pod that serves it
  cat >"$r/bin/vision" <<'EOF'
#!/bin/sh
# line3-vision stand-in: serves a small status page on $PORT (8080) with busybox httpd.
set -e
PORT="${PORT:-8080}"
cat >/var/www/index.html <<HTML
<!doctype html>
<title>line3-vision</title>
<h1>line3-vision 2026.05.0</h1>
<p>host: $(hostname)</p>
HTML
echo "vision: serving on :$PORT"
exec httpd -f -v -p "$PORT" -h /var/www
EOF
  chmod 0755 "$r/bin/vision"
  finish vision "$VISION_REF" "$r" --entrypoint '["/bin/vision"]' --expose 8080/tcp \
    --env PORT=8080 --label org.opencontainers.image.title=vision --label org.opencontainers.image.version=2026.05.0
}

copy_libs() { # ROOTFS FILES...: the shared libraries FILES load (ldd), copied to the same paths
  local r="$1" lib; shift
  for lib in $(ldd "$@" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | sort -u); do
    [[ "$lib" == "$r"/* || -e "$r$lib" ]] || cp -L --parents "$lib" "$r"
  done
}

mapper_jar() {
  ls "$REPO"/mappers/modbus/target/modbus-mapper-*-all.jar 2>/dev/null | head -n1 || true
}

mapper_ref() { # JAR: the image reference, tagged with the jar's version
  local v
  v=$(basename "$1" | sed 's/^modbus-mapper-\(.*\)-all\.jar$/\1/')
  echo "$MAPPER_REPO:$v"
}

build_modbus_mapper() {
  local jar ref java_home r flags natives
  jar=$(mapper_jar)
  [[ -n "$jar" ]] || die "no modbus-mapper jar: run hack/mvn.sh -B -ntp -pl mappers/modbus -am package first"
  ref=$(mapper_ref "$jar")
  # shellcheck source=lib/java.sh
  source "$HACK/lib/java.sh"
  java_home=$(find_java21)
  mkdir -p "$IMAGES_DIR"
  fresh modbus-mapper "$jar" "$java_home/release" "$HACK/oci-image.py" "$0" && return 0
  r="$IMAGES_DIR/modbus-mapper.rootfs"
  rm -rf "$r" && base_rootfs "$r"
  log "jlink $MAPPER_JRE_MODULES from $java_home"
  "$java_home/bin/jlink" --add-modules "$MAPPER_JRE_MODULES" --strip-debug --no-header-files \
    --no-man-pages --compress=zip-6 --output "$r/opt/java"
  install -D -m 0644 "$jar" "$r/opt/modbus-mapper/modbus-mapper.jar"
  # glibc for the JRE, and for the natives Netty (epoll) and jSerialComm unpack from the jar
  natives="$IMAGES_DIR/modbus-mapper.natives"
  rm -rf "$natives" && mkdir -p "$natives"
  (cd "$natives" && unzip -qo "$jar" 'META-INF/native/libnetty_transport_native_epoll_x86_64.so' \
    'Linux/x86_64/*' 2>/dev/null || true)
  copy_libs "$r" "$r/opt/java/bin/java" $(find "$r/opt/java/lib" "$natives" -name '*.so')
  rm -rf "$natives"
  flags="$MAPPER_JVM_FLAGS"
  if [[ "$(_kj_java_major "$java_home")" -ge 25 ]]; then flags="$flags,\"-XX:+UseCompactObjectHeaders\""; fi
  if [[ $EUID -eq 0 ]] && command -v unshare >/dev/null; then
    # the image's own java runs the jar before it is packed: chrooted, with a /proc of its own
    # (ld.so finds $ORIGIN through it) in a private mount namespace that dies with the check
    unshare --mount --propagation private --fork sh -c \
      'mount -t proc proc "$1/proc" && chroot "$1" /opt/java/bin/java -jar /opt/modbus-mapper/modbus-mapper.jar --version' \
      sh "$r" >/dev/null || die "the image's JRE cannot run the mapper (missing module or library?)"
  fi
  finish modbus-mapper "$ref" "$r" \
    --entrypoint "[\"/opt/java/bin/java\",$flags,\"-jar\",\"/opt/modbus-mapper/modbus-mapper.jar\"]" \
    --label org.opencontainers.image.title=modbus-mapper \
    --label "org.opencontainers.image.version=${ref##*:}"
}

cmd_mapper() {
  build_modbus_mapper
  if ctr --address "$SOCK" version >/dev/null 2>&1; then
    import_one modbus-mapper "$(mapper_ref "$(mapper_jar)")"
  else
    log "containerd is not running at $SOCK: built $IMAGES_DIR/modbus-mapper.tar only"
  fi
}

cmd_build() {
  [[ -x "$BUSYBOX" ]] || die "$BUSYBOX is missing: run hack/install-deps.sh (busybox-static)"
  file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
    die "$BUSYBOX is not statically linked: install busybox-static, not busybox"
  mkdir -p "$IMAGES_DIR"
  build_pause
  build_busybox
  build_vision
}

# --- importing ----------------------------------------------------------------

ctr_() { ctr --address "$SOCK" --namespace "$NS" "$@"; }

held_digest() { # REF: the manifest digest containerd holds for REF, if any
  ctr_ images ls 2>/dev/null | awk -v r="$1" '$1 == r {print $3}'
}

snapshotter() {
  sed -n 's/^ *snapshotter = "\(.*\)"/\1/p' "$DIR/config.toml" 2>/dev/null | head -n1
}

import_one() { # NAME REF
  local name="$1" ref="$2" want
  want=$(<"$IMAGES_DIR/$name.digest")
  if [[ "$(held_digest "$ref")" == "$want" ]]; then
    return 0
  fi
  ctr_ images import --snapshotter "$(snapshotter)" "$IMAGES_DIR/$name.tar" >/dev/null
  [[ "$(held_digest "$ref")" == "$want" ]] || die "imported $IMAGES_DIR/$name.tar but containerd has no $ref at $want"
  log "imported $ref"
}

cmd_import() {
  ctr --address "$SOCK" version >/dev/null 2>&1 || die "containerd is not running at $SOCK: run hack/containerd.sh up"
  import_one pause "$PAUSE_REF"
  import_one busybox "$BUSYBOX_REF"
  import_one vision "$VISION_REF"
  if [[ "$(held_digest "$VISION_ALIAS")" != "$(<"$IMAGES_DIR/vision.digest")" ]]; then
    ctr_ images tag --force "$VISION_REF" "$VISION_ALIAS" >/dev/null
    log "tagged $VISION_ALIAS"
  fi
}

cmd_list() {
  ctr_ images ls
}

case "${1:-all}" in
  all) cmd_build; cmd_import; log "ready: $PAUSE_REF $BUSYBOX_REF $VISION_REF $VISION_ALIAS" ;;
  build) cmd_build ;;
  import) cmd_import ;;
  list) cmd_list ;;
  mapper) cmd_mapper ;;
  -h | --help | help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' ;;
  *) echo "usage: $0 [build|import|list|mapper]   (--help for settings)" >&2; exit 2 ;;
esac
