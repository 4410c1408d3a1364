#!/usr/bin/env bash
# One wrk run on loopback, for bench/compare: prints "value=REQUESTS_PER_SECOND".
#   wrk-rps.sh URL [WRK OPTION…]        (e.g. -H "Authorization: Bearer TOKEN")
# SD_BENCH_WRK_SECONDS (default 5) and SD_BENCH_WRK_CONNECTIONS (default 4) tune it.
set -euo pipefail

url=$1
shift

out=$(wrk -t1 -c"${SD_BENCH_WRK_CONNECTIONS:-4}" -d"${SD_BENCH_WRK_SECONDS:-5}s" "$@" "$url")

# An answer other than 200 would measure the wrong thing.
if grep -q "Non-2xx or 3xx responses" <<<"$out"; then
  echo "wrk: $url answered with errors:" >&2
  echo "$out" >&2
  exit 1
fi

awk '/^Requests\/sec:/ { print "value=" $2 }' <<<"$out"
