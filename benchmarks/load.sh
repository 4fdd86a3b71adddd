#!/usr/bin/env bash
# Load test of the production topology, on loopback, in one run: nginx (deploy/relations-proxy.conf,
# its proxy_cache) in front of gunicorn (3 workers, production settings), Redis as the shared cache
# (DJANGO_CACHE_URL), and the PostgreSQL database DATABASE_URL names (already running). wrk against:
#
#   - a page from nginx's cache (a record's page, through nginx: X-Proxy-Cache HIT);
#   - a page from Redis (the same page straight from gunicorn: Django's page cache, X-Cache hit);
#   - an uncached filtered list (a new querystring each request, benchmarks/vary.lua, from gunicorn);
#   - a static file (through nginx).
#
# Then: six downloads at once (each about 20,000 events) while a page is fetched every 0.2 s (its
# slowest time, the downloads' statuses and the workers' largest resident memory); and a takedown (a
# record returned to draft), timed until gunicorn, then nginx, answer 404 for it.
#
#   apt-get install wrk nginx redis-server      # Debian's
#   DATABASE_URL=postgres://relations:…@127.0.0.1:5432/<a benchmark database> benchmarks/load.sh [seconds] [connections]
#
# The database is one `manage.py benchmark site --sizes 100000 --keep --database-name <name>` left
# filled. Environment: WORKERS (default 3), PORT (gunicorn), NGINX_PORT, REDIS_PORT (default: free
# ones), S_MAXAGE (DJANGO_PROXY_CACHE_SECONDS, default 10), DOWNLOAD_QUERY (the downloads' filters,
# default year_from=2017: some 16,000 events of 100,000; o=title for the whole list).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${1:-15}
CONNECTIONS=${2:-16}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=${PORT:-$(free_port)}
NGINX_PORT=${NGINX_PORT:-$(free_port)}
REDIS_PORT=${REDIS_PORT:-$(free_port)}
WORKERS=${WORKERS:-3}
S_MAXAGE=${S_MAXAGE:-10}
DOWNLOAD_QUERY=${DOWNLOAD_QUERY:-year_from=2017}
: "${DATABASE_URL:?Set DATABASE_URL to a filled benchmark database}"
for tool in wrk nginx redis-server; do
  command -v $tool >/dev/null || [ -x /usr/sbin/$tool ] || { echo "$tool is missing: apt-get install $tool" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" --loglevel warning \
  >"$WORK/redis.log" 2>&1 &
PIDS+=($!)

export DJANGO_DEBUG=0 DJANGO_SECRET_KEY="load-test-only-$(head -c 24 /dev/urandom | base64)" \
  DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_HSTS_SECONDS=0 \
  DJANGO_BEHIND_PROXY=1 DJANGO_CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0" DJANGO_PROXY_CACHE_SECONDS="$S_MAXAGE" \
  DJANGO_STATIC_ROOT="$WORK/static" DJANGO_LOG_LEVEL=WARNING
PY=.venv/bin/python
$PY manage.py collectstatic --noinput -v0
read -r DETAIL TAKEDOWN < <($PY manage.py shell -c "
from relations.models import Event
listed = Event.objects.listed().order_by('pk')
middle = listed.count() // 2
print(listed[middle].get_absolute_url(), listed[middle + 1].slug)" 2>/dev/null | tail -1)
STATIC=$($PY manage.py shell -c "from django.templatetags.static import static; print(static('css/site.css'))" 2>/dev/null | tail -1)

.venv/bin/gunicorn relations.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --timeout 120 --log-level warning \
  --error-logfile "$WORK/gunicorn.log" &
GUNICORN=$!
PIDS+=($GUNICORN)

mkdir -p "$WORK/nginx-cache" "$WORK/nginx-temp"
cat >"$WORK/nginx.conf" <<EOF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx-temp/body;
    proxy_temp_path $WORK/nginx-temp/proxy;
    fastcgi_temp_path $WORK/nginx-temp/fastcgi;
    uwsgi_temp_path $WORK/nginx-temp/uwsgi;
    scgi_temp_path $WORK/nginx-temp/scgi;
    upstream relations { server 127.0.0.1:$PORT; keepalive 16; }
    proxy_cache_path $WORK/nginx-cache levels=1:2 keys_zone=relations:10m max_size=1g inactive=1h use_temp_path=off;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        include $ROOT/deploy/relations-proxy.conf;
    }
}
EOF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon off;' &
PIDS+=($!)

DIRECT="http://127.0.0.1:$PORT"
PROXY="http://127.0.0.1:$NGINX_PORT"
for _ in $(seq 100); do curl -s -o /dev/null "$DIRECT/robots.txt" && curl -s -o /dev/null "$PROXY/robots.txt" && break; sleep 0.2; done
kill -0 $GUNICORN 2>/dev/null || { echo "gunicorn did not start:" >&2; cat "$WORK/gunicorn.log" >&2; exit 1; }
header() { curl -s -o /dev/null -D - "${@:2}" | tr -d '\r' | awk -v name="$1" 'tolower($1) == tolower(name) ":" {print $2}'; }

for _ in $(seq 5); do curl -s -o /dev/null "$PROXY$DETAIL"; curl -s -o /dev/null "$DIRECT$DETAIL"; done
echo "Page from nginx's cache $DETAIL: X-Proxy-Cache $(header X-Proxy-Cache "$PROXY$DETAIL")"
echo "Page from Redis (gunicorn): X-Cache $(header X-Cache "$DIRECT$DETAIL"); Cache-Control: $(curl -s -o /dev/null -D - "$DIRECT$DETAIL" | tr -d '\r' | awk 'tolower($1) == "cache-control:" {$1 = ""; print}')"
echo "Uncached list: X-Cache $(header X-Cache "$DIRECT/en/events/?country=ID&v=check-$RANDOM")"
curl -s -o /dev/null "$PROXY$STATIC"
echo "Static file $STATIC: X-Proxy-Cache $(header X-Proxy-Cache "$PROXY$STATIC")"
ETAG=$(header ETag "$DIRECT$DETAIL")
echo "Conditional GET with its ETag: HTTP $(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG" "$DIRECT$DETAIL")"
echo "nginx: 1 worker; gunicorn: $WORKERS workers; Redis; wrk: 2 threads, $CONNECTIONS connections, ${DURATION}s each; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

run() {  # label, then wrk's arguments
  local label=$1; shift
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "$@")
  local rps p50 p99 non2xx sockerr
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); non2xx=${non2xx:-0}
  sockerr=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out"); sockerr=${sockerr:-0}
  printf "%-32s %12s %10s %10s %8s\n" "$label" "$rps" "$p50" "$p99" "$((non2xx + sockerr))"
  echo "$label|$rps" >>"$WORK/rates"
}

printf "%-32s %12s %10s %10s %8s\n" "page" "requests/s" "p50" "p99" "errors"
run "page from nginx's cache" "$PROXY$DETAIL"
run "page from Redis (gunicorn)" "$DIRECT$DETAIL"
run "uncached filtered list" -s benchmarks/vary.lua "$DIRECT"
run "static file (nginx)" "$PROXY$STATIC"
awk -F'|' '{rate[$1] = $2} END {
  c = rate["page from nginx'"'"'s cache"]; u = rate["uncached filtered list"]; s = rate["static file (nginx)"];
  printf "\nnginx-cached / static: %.2f (goal: at least 0.5); nginx-cached / uncached: %.1f (goal: at least 10)\n", c / s, c / u
}' "$WORK/rates"

# --- six downloads at once --------------------------------------------------------------------
echo
echo "Six downloads at once (/en/events/download.csv?$DOWNLOAD_QUERY, a querystring each), through nginx (DJANGO_DOWNLOAD_CONCURRENCY 2):"
worker_rss() { ps -o rss= --ppid "$GUNICORN" | awk '{ if ($1 > max) max = $1 } END { print int(max / 1024) }'; }
RSS_BEFORE=$(worker_rss)
sample_page() { curl -s -o /dev/null -w "%{http_code} %{time_total}\n" "$PROXY/en/events/?country=PH&v=$1-$RANDOM$RANDOM"; }
summary() { awk -v what="$1" '{ n++; if ($2 > max) max = $2; if ($1 != 200) bad++ } END {
  printf "%s: %d uncached list pages, slowest %.3f s, %d not 200\n", what, n, max, bad }' "$2"; }
for _ in $(seq 10); do sample_page before; sleep 0.2; done >"$WORK/page-times-before"
for n in 1 2 3 4 5 6; do
  curl -s -o /dev/null -w "download $n: HTTP %{http_code}, %{size_download} bytes, %{time_total} s\n" \
    "$PROXY/en/events/download.csv?$DOWNLOAD_QUERY&v=$n-$RANDOM" >"$WORK/download-$n" &
  PIDS+=($!)
  DOWNLOADS+=($!)
done
: >"$WORK/page-times"
RSS_MAX=$RSS_BEFORE
while :; do
  running=0
  for pid in "${DOWNLOADS[@]}"; do kill -0 "$pid" 2>/dev/null && running=1; done
  [ $running = 1 ] || break
  sample_page during >>"$WORK/page-times"
  rss=$(worker_rss); [ "$rss" -gt "$RSS_MAX" ] && RSS_MAX=$rss
  sleep 0.2
done
cat "$WORK"/download-*
summary "Before" "$WORK/page-times-before"
summary "Meanwhile" "$WORK/page-times"
echo "gunicorn workers' largest resident memory: $RSS_BEFORE MB before, $RSS_MAX MB during"

# --- a takedown -------------------------------------------------------------------------------
echo
TAKEDOWN_URL="/en/events/$TAKEDOWN/"
for _ in 1 2 3; do curl -s -o /dev/null "$PROXY$TAKEDOWN_URL"; done
echo "Takedown of $TAKEDOWN_URL (nginx: X-Proxy-Cache $(header X-Proxy-Cache "$PROXY$TAKEDOWN_URL"); s-maxage $S_MAXAGE s):"
SET_STATUS="from relations.models import Event; import time; e = Event.objects.get(slug='$TAKEDOWN'); e.publication_status = '%s'; e.save(); print(time.time())"
# The change is made in another process while this one polls both, every 0.1 s.
# shellcheck disable=SC2059
($PY manage.py shell -c "$(printf "$SET_STATUS" draft)" 2>/dev/null | tail -1 >"$WORK/t0") &
CHANGE=$!
gone() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 404 ]; }
DIRECT_GONE= PROXY_GONE=
START=$(date +%s.%N)
while [ -z "$PROXY_GONE" ] || [ -z "$DIRECT_GONE" ]; do
  now=$(date +%s.%N)
  # The time a 404 was received: the change was visible by then.
  [ -z "$DIRECT_GONE" ] && gone "$DIRECT$TAKEDOWN_URL" && DIRECT_GONE=$(date +%s.%N)
  [ -z "$PROXY_GONE" ] && gone "$PROXY$TAKEDOWN_URL" && PROXY_GONE=$(date +%s.%N)
  awk -v now="$now" -v start="$START" 'BEGIN { exit !(now - start > 120) }' && break
  sleep 0.1
done
wait "$CHANGE"
awk -v t0="$(cat "$WORK/t0")" -v d="${DIRECT_GONE:-0}" -v p="${PROXY_GONE:-0}" -v s="$S_MAXAGE" 'BEGIN {
  if (!p) { print "nginx still served the record 120 s after it was taken down"; exit }
  printf "404 from gunicorn (Redis page cache) %.2f s after the change was saved; from nginx after %.2f s (bound: s-maxage %d s plus one revalidation)\n", d - t0, p - t0, s }'
# shellcheck disable=SC2059
$PY manage.py shell -c "$(printf "$SET_STATUS" published)" >/dev/null 2>&1

if [ -s "$WORK/gunicorn.log" ]; then echo; echo "gunicorn's error log:"; cat "$WORK/gunicorn.log"; fi
if grep -qv "could not be resolved\|^$" "$WORK/nginx-error.log" 2>/dev/null; then echo; echo "nginx's error log:"; cat "$WORK/nginx-error.log"; fi
