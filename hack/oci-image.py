#!/usr/bin/env python3
"""Writes a single-layer OCI image archive from a directory, without Docker or a registry.

The archive is an OCI image layout in a tar (oci-layout, index.json, blobs/sha256/...), the
form `ctr images import` reads. The layer is reproducible: entries sorted, owned by root,
mtime 0, gzip without a timestamp, so the same directory always gives the same digests.

    oci-image.py --rootfs DIR --name docker.io/kubeedge-java/busybox:1.35 --out busybox.tar \
        [--entrypoint '["/bin/sh"]'] [--cmd '["-c","..."]'] [--env K=V ...] \
        [--workdir /] [--expose 8080/tcp ...] [--label k=v ...]

Prints the manifest digest.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def layer_tar(rootfs):
    """The uncompressed layer: every entry under rootfs, sorted, owned by root, mtime 0."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        paths = []
        for top, dirs, files in os.walk(rootfs):
            dirs.sort()
            for name in dirs + sorted(files):
                paths.append(os.path.join(top, name))
        for path in sorted(paths, key=lambda p: os.path.relpath(p, rootfs)):
            rel = os.path.relpath(path, rootfs)
            info = tar.gettarinfo(path, arcname=rel)
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mtime = 0
            info.pax_headers = {}
            if info.isreg():
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    return buf.getvalue()


def gzip_bytes(data):
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return out.getvalue()


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def pairs(values, what):
    result = {}
    for value in values or []:
        key, sep, val = value.partition("=")
        if not sep or not key:
            sys.exit(f"oci-image: {what} must be KEY=VALUE, not {value!r}")
        result[key] = val
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rootfs", required=True, help="directory holding the image's files")
    parser.add_argument("--name", required=True, help="full reference, e.g. docker.io/x/y:tag")
    parser.add_argument("--out", required=True, help="archive to write")
    parser.add_argument("--entrypoint", help="JSON array")
    parser.add_argument("--cmd", help="JSON array")
    parser.add_argument("--env", action="append", help="KEY=VALUE; repeatable")
    parser.add_argument("--workdir", default="/")
    parser.add_argument("--expose", action="append", help="PORT/PROTO; repeatable")
    parser.add_argument("--label", action="append", help="KEY=VALUE; repeatable")
    args = parser.parse_args()

    if not os.path.isdir(args.rootfs):
        sys.exit(f"oci-image: no directory {args.rootfs}")
    if ":" not in args.name.rsplit("/", 1)[-1]:
        sys.exit(f"oci-image: --name needs a tag: {args.name}")

    diff = layer_tar(args.rootfs)
    layer = gzip_bytes(diff)

    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    env.update(pairs(args.env, "--env"))
    container_config = {"Env": [f"{k}={v}" for k, v in env.items()], "WorkingDir": args.workdir}
    if args.entrypoint:
        container_config["Entrypoint"] = json.loads(args.entrypoint)
    if args.cmd:
        container_config["Cmd"] = json.loads(args.cmd)
    if args.expose:
        container_config["ExposedPorts"] = {port: {} for port in args.expose}
    labels = pairs(args.label, "--label")
    if labels:
        container_config["Labels"] = labels

    config = canonical({
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": container_config,
        "rootfs": {"type": "layers", "diff_ids": [sha256(diff)]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "hack/oci-image.py"}],
    })
    manifest = canonical({
        "schemaVersion": 2,
        "mediaType": MANIFEST,
        "config": {"mediaType": CONFIG, "digest": sha256(config), "size": len(config)},
        "layers": [{"mediaType": LAYER, "digest": sha256(layer), "size": len(layer)}],
    })
    tag = args.name.rsplit(":", 1)[1]
    index = canonical({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": MANIFEST,
            "digest": sha256(manifest),
            "size": len(manifest),
            "platform": {"architecture": "amd64", "os": "linux"},
            "annotations": {
                # containerd names the imported image after this one
                "io.containerd.image.name": args.name,
                "org.opencontainers.image.ref.name": tag,
            },
        }],
    })

    files = [("oci-layout", canonical({"imageLayoutVersion": "1.0.0"})), ("index.json", index)]
    for blob in (layer, config, manifest):
        files.append(("blobs/sha256/" + sha256(blob).split(":", 1)[1], blob))

    tmp = args.out + ".tmp"
    with tarfile.open(tmp, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for directory in ("blobs", "blobs/sha256"):
            info = tarfile.TarInfo(directory)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(info)
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    os.replace(tmp, args.out)
    print(sha256(manifest))


if __name__ == "__main__":
    main()
