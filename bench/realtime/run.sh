#!/usr/bin/env bash
# Runs the real-time benchmark: `pnpm --filter @marketplace/bench realtime [-- --sizes=1000 ...]`.
# Needs PostgreSQL (BENCH_PG_URL) and Redis (BENCH_REDIS_URL); see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each client socket and each server socket is a file descriptor: 5,000 of each, plus slack.
want=16384
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
  ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
fi
echo "[bench] ulimit -n: $(ulimit -n)"

exec node --max-old-space-size=4096 --import tsx realtime/run.ts "$@"
