#!/usr/bin/env bash
# Load benchmarks of `samstyr serve` (BENCHMARKS.md, "## Server"). Needs wrk (`apt-get install
# wrk`) and python3. Everything runs on 127.0.0.1 and stops by itself.
#   scripts/bench-server.sh [check|mixed|million|startup|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/samstyr}
PORT=${PORT:-18080}
ADDR=127.0.0.1:$PORT
DUR=${DUR:-20s}
what=${1:-all}

rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$1/status"; }
# CPU seconds (user + system) the process has used so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
start() {
  rm -f /tmp/samstyr-bench-serve.out
  "$BIN" serve --addr "$ADDR" --quiet "$@" > /tmp/samstyr-bench-serve.out 2>&1 &
  SERVER=$!
  trap 'kill -TERM "$SERVER" 2>/dev/null || true' EXIT
  for _ in $(seq 100); do grep -q listening /tmp/samstyr-bench-serve.out 2>/dev/null && break; sleep 0.05; done
}
stop() { kill -TERM "$SERVER"; wait "$SERVER" || true; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ $what == check || $what == all ]]; then
  start
  for format in json text; do
    echo "== POST /v1/check?format=$format, one initiative (digihelse.json, 3.3 KB), 64 connections, $DUR"
    before=$(cpu "$SERVER")
    /usr/bin/time -f "wrk CPU: %U s user, %S s system" \
      wrk -t2 -c64 -d"$DUR" --latency -s scripts/server-load/check.lua "http://$ADDR/v1/check?as_of=2026-06-01&format=$format"
    echo "server CPU: $(awk -v a="$before" -v b="$(cpu "$SERVER")" 'BEGIN {printf "%.2f", b - a}') s"
    echo "load now: $(cut -d' ' -f1-3 /proc/loadavg)"
  done
  echo "server RSS after: $(rss "$SERVER")"
  stop
fi
if [[ $what == mixed || $what == all ]]; then
  start
  echo "== mixed load on POST /v1/check, 64 connections, 60 s, plus 20 + 20 slow clients"
  python3 scripts/server-load/slow.py "$ADDR" 20 45 > /tmp/samstyr-bench-slow.txt &
  SLOW=$!
  echo "server RSS at start: $(rss "$SERVER")"
  wrk -t2 -c64 -d60s --latency -s scripts/server-load/mixed.lua "http://$ADDR/v1/check?as_of=2026-06-01"
  wait "$SLOW"; cat /tmp/samstyr-bench-slow.txt
  echo "server RSS after: $(rss "$SERVER")"
  curl -s "http://$ADDR/metrics" | grep -E 'requests_total\{route="/v1/check"' || true
  stop
fi
if [[ $what == million || $what == all ]]; then
  start
  echo "== memory over a million requests (POST /v1/check, 64 connections)"
  # wrk cannot stop after N requests; the first run is short (about 10 000 requests), the second
  # long enough for a million at the rate measured above.
  wrk -t2 -c64 -d1s -s scripts/server-load/check.lua "http://$ADDR/v1/check?as_of=2026-06-01" | grep -E 'requests in'
  echo "RSS after the first: $(rss "$SERVER")"
  wrk -t2 -c64 -d"${MILLION_DUR:-130s}" -s scripts/server-load/check.lua "http://$ADDR/v1/check?as_of=2026-06-01" | grep -E 'requests in|Requests/sec'
  echo "RSS at the end: $(rss "$SERVER")"
  curl -s "http://$ADDR/metrics" | grep -E '^samstyr_http_requests_total\{route="/v1/check"'
  stop
fi
if [[ $what == startup || $what == all ]]; then
  echo "== startup to ready (embedded rules)"
  python3 scripts/server-load/startup.py "$BIN" 20
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
