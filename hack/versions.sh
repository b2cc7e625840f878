# shellcheck shell=bash
# One place for the versions of what the project builds or downloads itself.
# hack/k8s/go.mod and hack/etcd/go.mod pin the same versions; keep them in step.

KUBE_VERSION="v1.37.2"
ETCD_VERSION="v3.7.3"

# Where built control-plane binaries are cached, shared by every checkout.
KJ_CACHE_ROOT="${KUBEEDGE_JAVA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeedge-java}"
