#!/usr/bin/env bash
# postgres-setup.sh - a local PostgreSQL for Kagi's registry tests (and CI), on
# a machine with or without systemd (containers).
#
# TEST CREDENTIALS (test-only values; the role can create databases, nothing more):
#   role     : kagi_test   (LOGIN CREATEDB, not superuser)
#   password : kagi-test-only   (override with KAGI_TEST_POSTGRES_PASSWORD)
#   database : kagi_test   (owned by kagi_test; tests create and drop their own databases next to it)
#
# What it does, idempotently (a second run on a ready machine changes nothing):
#   1. installs the Debian package 'postgresql' if it is missing (apt-get update
#      runs only when the package is not known to apt yet);
#   2. picks the newest installed major version and its cluster 'main'
#      (creates the cluster if there is none);
#   3. makes the cluster listen on 127.0.0.1 only (conf.d/kagi.conf) and makes
#      sure password (scram-sha-256) logins from 127.0.0.1 are allowed;
#   4. starts the cluster with pg_ctlcluster if it is down (restarts it when
#      step 3 changed the listen address);
#   5. creates or updates role kagi_test and database kagi_test;
#   6. writes scripts/postgres.env:
#        KAGI_TEST_POSTGRES=Host=127.0.0.1;Port=...;Username=kagi_test;Password=...;Database=kagi_test
#      and checks that a password login over TCP works.
#
# Usage:
#   scripts/postgres-setup.sh           set up (default)
#   scripts/postgres-setup.sh --stop    stop the cluster
set -euo pipefail

readonly ROLE="kagi_test"
readonly DATABASE="kagi_test"
readonly PASSWORD="${KAGI_TEST_POSTGRES_PASSWORD:-kagi-test-only}"
readonly CLUSTER="main"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly ENV_FILE="${KAGI_POSTGRES_ENV_FILE:-$SCRIPT_DIR/postgres.env}"

log() { echo "[postgres-setup] $*"; }
die() { echo "[postgres-setup] ERROR: $*" >&2; exit 1; }

mode="setup"
for arg in "$@"; do
    case "$arg" in
        --stop) mode="stop" ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$arg' (see --help)" ;;
    esac
done

# ------------------------------------------------------------------ root
if [[ $EUID -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        exec sudo --preserve-env=KAGI_TEST_POSTGRES_PASSWORD,KAGI_POSTGRES_ENV_FILE -- "${BASH_SOURCE[0]}" "$@"
    fi
    die "must run as root (sudo is not available)"
fi

[[ $PASSWORD =~ ^[A-Za-z0-9._-]+$ ]] || die "the password may hold only letters, digits, '.', '_' and '-'"

# ------------------------------------------------------------- package
is_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

if ! is_installed postgresql; then
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install PostgreSQL yourself, then re-run"
    if ! apt-cache show postgresql >/dev/null 2>&1; then
        log "apt-get update (the package lists do not know postgresql yet)"
        DEBIAN_FRONTEND=noninteractive apt-get update -q
    fi
    log "installing postgresql"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql
    is_installed postgresql || die "package postgresql is still not installed"
fi

for tool in pg_lsclusters pg_ctlcluster pg_createcluster runuser; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (postgresql-common should provide it)"
done

# ------------------------------------------------------------- cluster
# The newest major version with server binaries installed.
VERSION="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -1 || true)"
[[ -n $VERSION ]] || die "no PostgreSQL server under /usr/lib/postgresql"
[[ -x /usr/lib/postgresql/$VERSION/bin/postgres ]] || die "/usr/lib/postgresql/$VERSION/bin/postgres missing"

cluster_status() { pg_lsclusters -h "$VERSION" "$CLUSTER" 2>/dev/null | awk '{print $4}'; }
cluster_port() { pg_lsclusters -h "$VERSION" "$CLUSTER" 2>/dev/null | awk '{print $3}'; }

if [[ $mode == stop ]]; then
    if [[ "$(cluster_status)" == online* ]]; then
        log "stopping cluster $VERSION/$CLUSTER"
        pg_ctlcluster "$VERSION" "$CLUSTER" stop
    fi
    exit 0
fi

if [[ -z "$(cluster_status)" ]]; then
    log "creating cluster $VERSION/$CLUSTER"
    pg_createcluster "$VERSION" "$CLUSTER" >/dev/null
fi

CONF_DIR="/etc/postgresql/$VERSION/$CLUSTER"
[[ -d $CONF_DIR ]] || die "$CONF_DIR missing"
grep -Eq "^[[:space:]]*include_dir[[:space:]]*=[[:space:]]*'conf.d'" "$CONF_DIR/postgresql.conf" \
    || die "$CONF_DIR/postgresql.conf does not include conf.d; set listen_addresses = '127.0.0.1' there yourself"

restart=0
KAGI_CONF="$CONF_DIR/conf.d/kagi.conf"
kagi_conf_content="# Written by Kagi's scripts/postgres-setup.sh: local connections only.
listen_addresses = '127.0.0.1'"
if [[ ! -f $KAGI_CONF ]] || [[ "$(<"$KAGI_CONF")" != "$kagi_conf_content" ]]; then
    mkdir -p "$CONF_DIR/conf.d"
    printf '%s\n' "$kagi_conf_content" >"$KAGI_CONF"
    chown postgres:postgres "$KAGI_CONF"
    log "wrote $KAGI_CONF (listen on 127.0.0.1 only)"
    restart=1
fi

# Debian's default pg_hba.conf allows scram-sha-256 logins from 127.0.0.1/32 for every role; add the rule if not.
HBA="$CONF_DIR/pg_hba.conf"
reload=0
if ! grep -Eq "^[[:space:]]*host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+(scram-sha-256|md5)" "$HBA" \
   && ! grep -Eq "^[[:space:]]*host[[:space:]]+[^[:space:]]+[[:space:]]+$ROLE[[:space:]]+127\.0\.0\.1/32" "$HBA"; then
    # pg_hba.conf is read top-down; the rule goes first so that no earlier reject/peer line wins.
    { echo "host    all    $ROLE    127.0.0.1/32    scram-sha-256    # added by Kagi's scripts/postgres-setup.sh"; cat "$HBA"; } >"$HBA.kagi-tmp"
    chown postgres:postgres "$HBA.kagi-tmp"
    chmod --reference="$HBA" "$HBA.kagi-tmp"
    mv "$HBA.kagi-tmp" "$HBA"
    log "allowed password logins of $ROLE from 127.0.0.1 in $HBA"
    reload=1
fi

status="$(cluster_status)"
if [[ $status != online* ]]; then
    log "starting cluster $VERSION/$CLUSTER"
    # A stale pid file from a killed container would stop pg_ctl; postgres checks it itself, so only a dead pid is removed.
    pidfile="/var/lib/postgresql/$VERSION/$CLUSTER/postmaster.pid"
    if [[ -f $pidfile ]] && ! kill -0 "$(head -1 "$pidfile")" 2>/dev/null; then
        rm -f "$pidfile"
    fi
    pg_ctlcluster "$VERSION" "$CLUSTER" start
elif [[ $restart == 1 ]]; then
    log "restarting cluster $VERSION/$CLUSTER (listen address changed)"
    pg_ctlcluster "$VERSION" "$CLUSTER" restart
elif [[ $reload == 1 ]]; then
    pg_ctlcluster "$VERSION" "$CLUSTER" reload
fi

PORT="$(cluster_port)"
[[ $PORT =~ ^[0-9]+$ ]] || die "could not read the port of cluster $VERSION/$CLUSTER"

# Wait until the server accepts connections (start returns early on some versions).
for _ in $(seq 50); do
    if runuser -u postgres -- psql -X -q -p "$PORT" -d postgres -c 'select 1' >/dev/null 2>&1; then
        break
    fi
    sleep 0.2
done

psql_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" -d postgres "$@"; }

# ------------------------------------------------------------ role, database
role_exists="$(psql_admin -tA -c "select 1 from pg_roles where rolname = '$ROLE'")"
if [[ $role_exists != 1 ]]; then
    log "creating role $ROLE"
    psql_admin -c "create role $ROLE login createdb password '$PASSWORD'"
else
    # Keep the role as documented: login, createdb, the known password (ALTER is harmless when nothing differs).
    psql_admin -c "alter role $ROLE login createdb nosuperuser password '$PASSWORD'"
fi

db_exists="$(psql_admin -tA -c "select 1 from pg_database where datname = '$DATABASE'")"
if [[ $db_exists != 1 ]]; then
    log "creating database $DATABASE"
    psql_admin -c "create database $DATABASE owner $ROLE encoding 'UTF8' template template0"
fi

# --------------------------------------------------------------- env file
env_content="# Generated by scripts/postgres-setup.sh; TEST credentials only.
KAGI_TEST_POSTGRES=Host=127.0.0.1;Port=$PORT;Username=$ROLE;Password=$PASSWORD;Database=$DATABASE"
if [[ ! -f $ENV_FILE ]] || [[ "$(<"$ENV_FILE")" != "$env_content" ]]; then
    printf '%s\n' "$env_content" >"$ENV_FILE"
    if [[ -n ${SUDO_UID:-} && -n ${SUDO_GID:-} ]]; then chown "$SUDO_UID:$SUDO_GID" "$ENV_FILE"; fi
    log "wrote $ENV_FILE"
fi

# ------------------------------------------------------------------ check
PGPASSWORD="$PASSWORD" psql -X -q -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d "$DATABASE" -tA -c 'select 1' >/dev/null \
    || die "password login of $ROLE over 127.0.0.1:$PORT failed"

log "ready: PostgreSQL $VERSION on 127.0.0.1:$PORT, role $ROLE, database $DATABASE"
