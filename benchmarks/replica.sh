#!/usr/bin/env bash
# The load test with a streaming replica, on loopback, in one run: a second PostgreSQL cluster is
# made a streaming replica of the primary that DATABASE_URL names (Debian's pg_createcluster, then
# pg_basebackup), gunicorn (3 workers, production settings, Redis as the shared cache) is started
# with DATABASE_REPLICA_URLS naming it, and wrk asks for uncached filtered event lists (a new
# querystring each request, benchmarks/vary.lua):
#
#   1. the primary alone (no DATABASE_REPLICA_URLS), for comparison;
#   2. with the replica: requests/s, errors, and the transactions each server ran meanwhile
#      (pg_stat_database.xact_commit of the database): the public's reads move to the replica;
#   3. the same, with the replica stopped halfway through (`pg_ctlcluster … stop -m fast`, which
#      cuts its connections): errors (the goal is none), and where the reads went before and after.
#
# The replica cluster is dropped at the end. Run as root (pg_createcluster, and psql as postgres):
#
#   apt-get install wrk redis-server postgresql      # Debian's
#   DATABASE_URL=postgres://…@127.0.0.1:5432/<a benchmark database> benchmarks/replica.sh [seconds] [connections]
#
# The database is one `manage.py benchmark site --sizes 100000 --keep --database-name <name>` left
# filled. The whole cluster is copied to the replica: keep other large databases out of it.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
CONNECTIONS=${2:-8}
WORKERS=${WORKERS:-3}
: "${DATABASE_URL:?Set DATABASE_URL to a filled benchmark database}"
[ "$(id -u)" = 0 ] || { echo "Run as root: it makes and drops a PostgreSQL cluster." >&2; exit 1; }
for tool in wrk redis-server pg_createcluster pg_basebackup; do
  command -v $tool >/dev/null || { echo "$tool is missing: apt-get install wrk redis-server postgresql" >&2; exit 1; }
done
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
REDIS_PORT=$(free_port)
REPLICA_PORT=$(free_port)

# The primary: the database's name and port, from DATABASE_URL; its cluster, from the port.
read -r DB PRIMARY_PORT < <(python3 -c "
from urllib.parse import urlsplit; import sys; u = urlsplit(sys.argv[1]); print(u.path.lstrip('/'), u.port or 5432)" "$DATABASE_URL")
read -r VERSION PRIMARY_CLUSTER < <(pg_lsclusters -h | awk -v port="$PRIMARY_PORT" '$3 == port && $4 == "online" {print $1, $2}')
[ -n "${PRIMARY_CLUSTER:-}" ] || { echo "No running cluster on port $PRIMARY_PORT" >&2; exit 1; }
REPLICA=relations_replica_$$
REPLICA_URL=$(python3 -c "
from urllib.parse import urlsplit, urlunsplit; import sys; u = urlsplit(sys.argv[1])
print(urlunsplit(u._replace(netloc=u.netloc.rsplit('@', 1)[0] + '@127.0.0.1:' + sys.argv[2])))" "$DATABASE_URL" "$REPLICA_PORT")

WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  pg_dropcluster --stop "$VERSION" "$REPLICA" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== A streaming replica of cluster $VERSION/$PRIMARY_CLUSTER (port $PRIMARY_PORT) on port $REPLICA_PORT"
pg_createcluster "$VERSION" "$REPLICA" -p "$REPLICA_PORT" >/dev/null
DATA=$(pg_lsclusters -h | awk -v name="$REPLICA" '$2 == name {print $6}')
rm -rf "${DATA:?}"/*
START=$(date +%s.%N)
# Over the primary's Unix socket as postgres (Debian's pg_hba.conf: local replication all peer);
# -R writes standby.signal and primary_conninfo: the copy starts as a hot standby that streams.
su postgres -c "pg_basebackup -p $PRIMARY_PORT -D $DATA -R -X stream -c fast"
pg_ctlcluster "$VERSION" "$REPLICA" start
for _ in $(seq 60); do pg_isready -q -h 127.0.0.1 -p "$REPLICA_PORT" && break; sleep 0.5; done
sql() { su postgres -c "psql -p $1 -d $DB -Atqc \"$2\""; }
echo "Copied $(sql "$REPLICA_PORT" "select pg_size_pretty(pg_database_size('$DB'))") in $(awk -v s="$START" -v e="$(date +%s.%N)" 'BEGIN {printf "%.0f", e - s}') s; in recovery: $(sql "$REPLICA_PORT" "select pg_is_in_recovery()"); streaming: $(sql "$PRIMARY_PORT" "select state || ', replay lag ' || coalesce(replay_lag::text, '0') from pg_stat_replication")"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" --loglevel warning \
  >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
export DJANGO_DEBUG=0 DJANGO_SECRET_KEY="load-test-only-$(head -c 24 /dev/urandom | base64)" \
  DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_HSTS_SECONDS=0 \
  DJANGO_CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0" DJANGO_LOG_LEVEL=WARNING DJANGO_STATIC_ROOT="$WORK/static"
.venv/bin/python manage.py collectstatic --noinput -v0

GUNICORN=
serve() {  # with the replica URLs given, or none
  [ -n "$GUNICORN" ] && { kill "$GUNICORN"; wait "$GUNICORN" 2>/dev/null || true; }
  DATABASE_REPLICA_URLS="$1" .venv/bin/gunicorn relations.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --timeout 120 --log-level warning --error-logfile "$WORK/gunicorn.log" 2>>"$WORK/gunicorn.log" &
  GUNICORN=$!
  PIDS+=($GUNICORN)
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/robots.txt" && break; sleep 0.2; done
  # Warm each worker, and let the record's last change age past DJANGO_REPLICA_LAG_SECONDS.
  for n in $(seq 12); do curl -s -o /dev/null "http://127.0.0.1:$PORT/en/events/?country=ID&v=warm-$n"; done
}
commits() { sql "$1" "select xact_commit from pg_stat_database where datname = '$DB'"; }
# The stats a replica keeps are its own; both are read after a short wait for the stats to settle.
snapshot() { sleep 1; echo "$(commits "$PRIMARY_PORT") $(commits "$REPLICA_PORT" 2>/dev/null || echo 0)"; }
run() {  # label; prints requests/s, p50, p99 and errors
  local out rps p50 p99 non2xx sockerr
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s benchmarks/vary.lua "http://127.0.0.1:$PORT")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); non2xx=${non2xx:-0}
  sockerr=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out"); sockerr=${sockerr:-0}
  printf "%-44s %10s %8s %8s %7s" "$1" "$rps" "$p50" "$p99" "$((non2xx + sockerr))"
}
share() {  # before after: the transactions each ran between two snapshots
  read -r p0 r0 <<<"$1"; read -r p1 r1 <<<"$2"
  printf " %10d %10d\n" $((p1 - p0)) $((r1 - r0))
}

echo "gunicorn: $WORKERS workers; Redis; wrk: 2 threads, $CONNECTIONS connections, ${DURATION}s each; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf "%-44s %10s %8s %8s %7s %10s %10s\n" "uncached filtered event list" "requests/s" "p50" "p99" "errors" "primary tx" "replica tx"
serve ""
# Once unmeasured: the lists' option counts are computed once per filtered view (relations.cache).
run "(warming up, not counted)" >/dev/null
before=$(snapshot); run "primary alone"; share "$before" "$(snapshot)"
serve "$REPLICA_URL"
before=$(snapshot); run "with the replica"; share "$before" "$(snapshot)"

# Halfway through, the replica is stopped: its connections are cut mid-query.
before=$(snapshot)
(sleep "$((DURATION / 2))"; commits "$REPLICA_PORT" >"$WORK/replica-at-stop"; commits "$PRIMARY_PORT" >"$WORK/primary-at-stop"
 pg_ctlcluster "$VERSION" "$REPLICA" stop -m fast; date +%s.%N >"$WORK/stopped") &
STOPPER=$!
run "replica stopped halfway through"
wait "$STOPPER"
after=$(snapshot)
read -r p0 r0 <<<"$before"
read -r p1 _ <<<"$after"
printf " %10s %10s\n" "" ""
printf "  %-42s %10d %10d\n" "  first half (replica up)" $(($(cat "$WORK/primary-at-stop") - p0)) $(($(cat "$WORK/replica-at-stop") - r0))
printf "  %-42s %10d %10s\n" "  second half (replica stopped)" $((p1 - $(cat "$WORK/primary-at-stop"))) "-"
echo
echo "Replica left out by the workers (gunicorn's log): $(grep -c "cannot be reached" "$WORK/gunicorn.log" || true) times"
# A query cut mid-page is answered by relations.resilience (logged "Database unavailable") or by
# Django's 500 handler; either way relations.cache renders the page again from the primary.
echo "Pages rendered again from the primary after the replica failed mid-request: $(grep -Ec "^Internal Server Error|^Database unavailable" "$WORK/gunicorn.log" || true) (logged; the reader got the page)"
others=$(grep -Ev "cannot be reached|^Internal Server Error|^Database unavailable|^\s|^Traceback|^[A-Za-z.]*Error:|^$|^The above exception|^During handling" "$WORK/gunicorn.log" || true)
[ -z "$others" ] || { echo "Other lines in gunicorn's log:"; echo "$others"; }
