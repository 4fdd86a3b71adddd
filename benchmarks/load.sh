#!/usr/bin/env bash
# Load test: gunicorn on loopback with production settings (debug off, whitenoise, the page cache),
# and wrk against three URLs in turn, in the same run: a cached detail page, an uncached filtered
# list (a new querystring on every request: benchmarks/vary.lua) and a static file. Prints requests/s,
# latency (p50, p99) and errors for each, and the two ratios the README's goals are about.
#
#   apt-get install wrk      # Debian's wrk 4
#   DATABASE_URL=postgres://relations:…@127.0.0.1:5432/<a benchmark database> benchmarks/load.sh [seconds] [connections]
#
# The database is one `manage.py benchmark site --sizes 100000 --keep --database-name <name>` left
# filled. Environment: WORKERS (gunicorn workers, default 2: one per core), PORT (default: a free one).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
CONNECTIONS=${2:-16}
PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
WORKERS=${WORKERS:-2}
: "${DATABASE_URL:?Set DATABASE_URL to a filled benchmark database}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

WORK=$(mktemp -d)
export DJANGO_DEBUG=0 DJANGO_SECRET_KEY="load-test-only-$(head -c 24 /dev/urandom | base64)" \
  DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_HSTS_SECONDS=0 \
  DJANGO_STATIC_ROOT="$WORK/static" DJANGO_LOG_LEVEL=WARNING
PY=.venv/bin/python
$PY manage.py collectstatic --noinput -v0
DETAIL=$($PY manage.py shell -c "from relations.models import Event; e = Event.objects.listed().order_by('pk')[Event.objects.listed().count() // 2]; print(e.get_absolute_url())" 2>/dev/null | tail -1)
STATIC=$($PY manage.py shell -c "from django.templatetags.static import static; print(static('css/site.css'))" 2>/dev/null | tail -1)

.venv/bin/gunicorn relations.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --log-level warning \
  --error-logfile "$WORK/gunicorn.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/robots.txt" && break; sleep 0.2; done
kill -0 $SERVER 2>/dev/null || { echo "gunicorn did not start:" >&2; cat "$WORK/gunicorn.log" >&2; exit 1; }

BASE="http://127.0.0.1:$PORT"
# Warm each worker's cache with the detail page, and check what each URL answers.
for _ in $(seq 10); do curl -s -o /dev/null "$BASE$DETAIL"; done
echo "Cached detail page $DETAIL: $(curl -s -o /dev/null -D - "$BASE$DETAIL" | tr -d '\r' | grep -i '^x-cache:')"
echo "Uncached list:      $(curl -s -o /dev/null -D - "$BASE/en/events/?country=ID&v=check-$RANDOM" | tr -d '\r' | grep -i '^x-cache:')"
echo "Static file $STATIC: HTTP $(curl -s -o /dev/null -w '%{http_code}' "$BASE$STATIC")"
echo "gunicorn: $WORKERS workers; wrk: 2 threads, $CONNECTIONS connections, ${DURATION}s each; $(nproc) cores"
echo

run() {  # label, then wrk's arguments
  local label=$1; shift
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@")
  local rps p50 p99 non2xx sockerr
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); non2xx=${non2xx:-0}
  sockerr=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out"); sockerr=${sockerr:-0}
  printf "%-28s %12s %10s %10s %8s\n" "$label" "$rps" "$p50" "$p99" "$((non2xx + sockerr))"
  echo "$label $rps" >>"$WORK/rates"
}

printf "%-28s %12s %10s %10s %8s\n" "page" "requests/s" "p50" "p99" "errors"
run "cached detail page" "$BASE$DETAIL"
run "uncached filtered list" -s benchmarks/vary.lua "$BASE"
run "static file" "$BASE$STATIC"

awk '{rate[$1" "$2] = $NF} END {
  c = rate["cached detail"]; u = rate["uncached filtered"]; s = rate["static file"];
  printf "\ncached / static: %.2f (goal: at least 0.5); cached / uncached: %.1f (goal: at least 5)\n", c / s, c / u
}' "$WORK/rates"
if [ -s "$WORK/gunicorn.log" ]; then echo; echo "gunicorn's error log:"; cat "$WORK/gunicorn.log"; fi
