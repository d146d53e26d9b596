#!/usr/bin/env bash
# Plays the demo overlay's app Deployment with `podman kube play` against this machine's
# PostgreSQL (127.0.0.1:5432, trust auth) and Redis (127.0.0.1:6379) — see play.ts — then shows
# /readyz, a sign-in and a search, and takes it down. Needs the image (docker/test.sh builds it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/../containers.conf}
export PLAY_PORT=${PLAY_PORT:-3730}
db=bazaar_kube_play
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
# Demo data first (the same image's seed one-shot; the Deployment's pods migrate on start anyway).
podman run --rm --network host --read-only -e NODE_ENV=development \
  -e DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db" localhost/bazaar:dev node server/dist/cli/seed.js | tail -1
file=$(mktemp --suffix=.yaml)
(cd "$here/.." && node --import tsx k8s/play.ts) > "$file"
trap 'podman kube down "$file" >/dev/null 2>&1 || true; rm -f "$file"' EXIT
podman kube play "$file"
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PLAY_PORT/readyz" >/dev/null && break; sleep 0.5; done
echo "pods: $(podman pod ps --format '{{.Name}} {{.Status}}' | grep bazaar)"
echo "container: $(podman ps --format '{{.Names}} {{.Status}}' | grep bazaar-pod | grep -v infra)"
echo "GET /readyz → $(curl -s "http://127.0.0.1:$PLAY_PORT/readyz")"
cookie=$(curl -s -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"json":{"email":"buyer@demo.test","password":"demo-password-1"}}' "http://127.0.0.1:$PLAY_PORT/trpc/auth.login" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1)
echo "sign-in → cookie ${cookie%%=*}; auth.me → $(curl -s -H "cookie: $cookie" "http://127.0.0.1:$PLAY_PORT/trpc/auth.me" | grep -o '"email":"[^"]*"')"
q=$(node -e 'process.stdout.write(encodeURIComponent(JSON.stringify({json:{q:"mug"}})))')
echo "catalog.search q=mug → $(curl -s "http://127.0.0.1:$PLAY_PORT/trpc/catalog.search?input=$q" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s).result.data.json;console.log(`${r.facets.total} results, first: ${r.items[0]?.title}`)})')"
ctr=$(podman ps --format '{{.Names}}' | grep '^bazaar-pod' | grep -v infra | head -1)
echo "in the pod: user $(podman exec "$ctr" id -u), root fs read-only: $(podman exec "$ctr" sh -c 'touch /app/x 2>/dev/null && echo no || echo yes')"
