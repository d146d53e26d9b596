#!/usr/bin/env bash
# The image, end to end (not part of `pnpm test` or .ci/run: it builds images; a few minutes):
#   docker/test.sh
# Builds the offline bases when missing and the app image, then runs two replicas (A, B) from it,
# read-only, as uid 1000, on the host network bound to 127.0.0.1, against the machine's PostgreSQL
# (a fresh database) and Redis (a key prefix of its own), and checks:
#   1. the migrate one-shot, then both replicas ready (/readyz), with the cold start of A timed;
#   2. a sign-in on A, and the session cookie accepted by B (auth.me); a product page rendered on
#      the server by B (its title and JSON-LD in the HTML);
#   3. across replicas (docker/replicas.mjs): an order status changed on B reaches the buyer's socket
#      on A; an image uploaded through A is served by B; /metrics (METRICS_PORT, bearer token) on A
#      counts the requests it served, and answers 401 without the token;
#   4. SIGTERM to A under a steady load of searches (docker/load.mjs: bounded, loopback only), with
#      refused or reset connections re-sent to B as a load balancer does for GETs: sent / answered
#      / failed (RATE_LIMIT_PER_MINUTE is raised: the load comes from one IP);
#   5. A's exit code and drain time; idle RSS of both replicas, and B's after the load and its /metrics.
# Env: PGURL (postgresql://postgres@127.0.0.1:5432), REDIS_URL (redis://127.0.0.1:6379),
#      IMAGE (localhost/bazaar:dev), SKIP_BUILD=1, PORT_A/PORT_B (3701/3702), LOAD_SECONDS (10).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}
IMAGE=${IMAGE:-localhost/bazaar:dev}
PGURL=${PGURL:-postgresql://postgres@127.0.0.1:5432}
REDIS=${REDIS_URL:-redis://127.0.0.1:6379}
PORT_A=${PORT_A:-3701}
PORT_B=${PORT_B:-3702}
LOAD_SECONDS=${LOAD_SECONDS:-10}
DB=bazaar_image_test
METRICS_TOKEN=image-test-metrics-token-$$
# podman without systemd logs that it cannot schedule HEALTHCHECK timers (harmless): kept out of the way.
podman_err=$(mktemp)
PREFIX="bazaar-image-test-$$:"
ms() { echo $(( $(date +%s%N) / 1000000 )); }
fail() { echo "FAIL: $*"; exit 1; }

cleanup() { podman rm -f -t 0 bazaar-test-a bazaar-test-b >/dev/null 2>&1 || true; podman volume rm -f bazaar-test-data-a bazaar-test-data-b >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  "$here/base/build-base.sh" >/dev/null
  t=$(ms)
  # --format docker keeps HEALTHCHECK (the OCI format has no such field).
  podman build --format docker -f "$here/Dockerfile" -t "$IMAGE" \
    --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt "$root" >/dev/null
  echo "image built in $(( ($(ms) - t) / 1000 )) s"
fi
echo "image $IMAGE: $(podman image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')"

psql -q "$PGURL/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" 2>/dev/null
DATABASE_URL="$PGURL/$DB"
run() { # name port volume [extra args…]
  local name=$1 port=$2 vol=$3; shift 3
  podman run -d --name "$name" --network host --read-only --tmpfs /tmp \
    -v "$vol:/data" -e HOST=127.0.0.1 -e PORT="$port" -e PAYMENTS=test -e MAIL=off \
    -e DATABASE_URL="$DATABASE_URL" -e REDIS_URL="$REDIS" -e REDIS_KEY_PREFIX="$PREFIX" \
    -e RATE_LIMIT_PER_MINUTE=1000000 -e METRICS_PORT=$(( port + 1000 )) -e METRICS_TOKEN="$METRICS_TOKEN" \
    "$@" "$IMAGE" >/dev/null 2>"$podman_err"
}
scrape() { # port (the app's; metrics on port + 1000)
  curl -sf -H "authorization: Bearer $METRICS_TOKEN" "http://127.0.0.1:$(( $1 + 1000 ))/metrics"
}
search_count() { # metrics text on stdin → how many catalog.search calls were timed
  awk '/^marketplace_trpc_procedure_duration_seconds_count\{.*procedure="catalog.search"/ { n += $NF } END { print n + 0 }'
}
wait_ready() { # port timeout_s
  local deadline=$(( $(ms) + $2 * 1000 ))
  until curl -sf "http://127.0.0.1:$1/readyz" >/dev/null; do
    [ "$(ms)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

echo "== 1. migrate (one-shot), seed, two replicas"
# As the Kubernetes Job runs it: production, no PAYMENTS (a migration takes no payments).
migrated=$(podman run --rm --network host --read-only -e DATABASE_URL="$DATABASE_URL" "$IMAGE" node server/dist/cli/migrate.js 2>&1) ||
  { echo "$migrated"; fail "the migrate one-shot"; }
echo "$migrated" | tail -1
seeded=$(podman run --rm --network host --read-only -e NODE_ENV=development -e DATABASE_URL="$DATABASE_URL" "$IMAGE" node server/dist/cli/seed.js 2>&1) ||
  { echo "$seeded"; fail "the seed one-shot"; }
echo "$seeded" | tail -1
t=$(ms); run bazaar-test-a "$PORT_A" bazaar-test-data-a
wait_ready "$PORT_A" 60 || { podman logs bazaar-test-a | tail -20; fail "A not ready"; }
echo "A: podman run → /readyz 200 in $(( $(ms) - t )) ms (migrated database); server: $(podman logs bazaar-test-a 2>&1 | grep -o '^\[marketplace\] listening.*')"
run bazaar-test-b "$PORT_B" bazaar-test-data-b
wait_ready "$PORT_B" 60 || { podman logs bazaar-test-b | tail -20; fail "B not ready"; }
echo "B: ready; both: $(curl -s "127.0.0.1:$PORT_A/readyz") $(curl -s "127.0.0.1:$PORT_B/readyz")"
sleep 5
rss() { podman exec "$1" sh -c 'grep VmRSS /proc/1/status' | awk '{printf "%.0f MB", $2/1024}'; }
echo "idle RSS after start (5 s): A $(rss bazaar-test-a), B $(rss bazaar-test-b)"
health=$(podman healthcheck run bazaar-test-a >/dev/null 2>&1 && echo healthy || echo unhealthy)
echo "HEALTHCHECK (podman healthcheck run A): $health"
[ "$health" = healthy ] || fail "HEALTHCHECK"

echo "== 2. sign in on A, the cookie on B"
cookie=$(curl -s -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"json":{"email":"buyer@demo.test","password":"demo-password-1"}}' "http://127.0.0.1:$PORT_A/trpc/auth.login" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1)
[ -n "$cookie" ] || fail "no session cookie from A"
me=$(curl -s -H "cookie: $cookie" "http://127.0.0.1:$PORT_B/trpc/auth.me")
echo "B auth.me with A's cookie (${cookie%%=*}): $(echo "$me" | grep -o '"email":"[^"]*"')"
echo "$me" | grep -q buyer@demo.test || fail "B did not accept A's session"

echo "== 2b. a public page is rendered on the server (the renderer is in the image)"
product_id=$(curl -s "http://127.0.0.1:$PORT_A/trpc/catalog.search?input=%7B%22json%22%3A%7B%7D%7D" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)
[ -n "$product_id" ] || fail "no product to render"
page=$(curl -s -H 'accept: text/html' "http://127.0.0.1:$PORT_B/products/$product_id")
title=$(echo "$page" | grep -o '<title>[^<]*</title>' | head -1)
echo "B /products/$product_id: $title; JSON-LD $(echo "$page" | grep -c 'application/ld+json') block(s); dehydrated state: $(echo "$page" | grep -c 'id="ssr-state"') script"
echo "$page" | grep -q 'application/ld+json' || fail "the product page was not rendered on the server"

echo "== 3. across replicas: live events, uploads, metrics"
node "$here/replicas.mjs" "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_B" || fail "replicas"
unauthorized=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(( PORT_A + 1000 ))/metrics")
public=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT_A/metrics")
metrics_a=$(scrape "$PORT_A") || fail "no /metrics on A's metrics port"
echo "A /metrics: $(echo "$metrics_a" | grep -c '^marketplace_') marketplace_ samples, catalog.search timed $(echo "$metrics_a" | search_count)×, sockets $(echo "$metrics_a" | awk '/^marketplace_realtime_connected_sockets /{print $2}'), redis_up $(echo "$metrics_a" | awk '/^marketplace_redis_up/{printf "%s ", $2}'); without the token: $unauthorized; on the public port: $public"
[ "$unauthorized" = 401 ] && [ "$public" = 404 ] || fail "metrics must need the token and stay off the public port"
[ "$(echo "$metrics_a" | search_count)" -gt 0 ] || fail "A's /metrics did not count the searches"

echo "== 4. SIGTERM to A under steady searches (${LOAD_SECONDS} s, 4 workers, refused → B)"
node "$here/load.mjs" "$LOAD_SECONDS" 4 "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_B" > /tmp/bazaar-load.$$ &
load=$!
sleep $(( LOAD_SECONDS / 3 ))
t=$(ms)
podman stop -t 20 bazaar-test-a >/dev/null 2>"$podman_err"
echo "podman stop returned in $(( $(ms) - t )) ms; A's exit code $(podman inspect bazaar-test-a --format '{{.State.ExitCode}}')"
sigterm_at=$(podman logs -t bazaar-test-a 2>&1 | grep 'SIGTERM: shutting down' | awk '{print $1}' | head -1)
finished_at=$(podman inspect bazaar-test-a --format '{{.State.FinishedAt}}')
node -e 'const [a, b] = process.argv.slice(1).map((s) => Date.parse(s.replace(/^(\S+) (\S+) (\S+).*$/, "$1T$2$3").replace(/(\.\d{3})\d+/, "$1").replace(/([+-]\d\d)(\d\d)$/, "$1:$2")));
  console.log(`A: SIGTERM logged → process exited in ${Number.isFinite(b - a) ? b - a : "?"} ms`)' "$sigterm_at" "$finished_at" || true
wait $load
echo "load: $(cat /tmp/bazaar-load.$$)"
failed=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).failed)' /tmp/bazaar-load.$$)
rm -f /tmp/bazaar-load.$$

echo "== 5. B after the load"
sleep 3
echo "B RSS after serving the load: $(rss bazaar-test-b)"
echo "B /metrics: catalog.search timed $(scrape "$PORT_B" | search_count)× (the searches re-sent to B while A drained, and the replica checks)"
rm -f "$podman_err"
[ "$failed" = 0 ] || fail "$failed requests failed during the restart"
echo "OK"
