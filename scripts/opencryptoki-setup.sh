#!/usr/bin/env bash
# opencryptoki-setup.sh - make opencryptoki's software token ("swtok") usable
# for Kagi's tests on a machine without systemd (containers, CI).
#
# TEST CREDENTIALS (test-only values; never use them for real keys):
#   token label : kagi-ock
#   SO PIN      : 12345678   (opencryptoki's factory default SO PIN is 87654321;
#                             the script changes it to this value)
#   user PIN    : 123456
# The soft token accepts PINs of 4 to 8 characters.
#
# What it does, idempotently (a second run on a ready machine changes nothing):
#   1. makes sure group 'pkcs11' and the run/lock/data directories exist with
#      the owner and mode the Debian package uses (root:pkcs11, 0770);
#   2. reads the soft token's slot number from /etc/opencryptoki/opencryptoki.conf;
#   3. starts the slot daemon 'pkcsslotd' directly if it is not running;
#   4. only if the soft token slot is then NOT visible (e.g. another configured
#      token breaks the daemon), backs the configuration up to
#      opencryptoki.conf.kagi-orig and writes a configuration that holds only
#      the soft token slot (same slot number); `--restore` puts the original back.
#      On stock Debian 12 (opencryptoki 3.8.1) this is not needed: the
#      TPM/ICA/CCA/EP11 slots whose hardware or library is missing are silently
#      left out of the slot list;
#   5. initializes the token with the label/PINs above if it is not initialized;
#      if it is, makes sure the SO PIN is ours and the user PIN is the known one
#      and not locked (it is reset with the SO PIN via C_InitPIN when needed;
#      this keeps the token's objects);
#   6. writes scripts/opencryptoki.env (OCK_MODULE, OCK_SLOT, OCK_TOKEN_LABEL,
#      OCK_SO_PIN, OCK_USER_PIN) and prints the module path and slot.
#
# Usage:
#   scripts/opencryptoki-setup.sh              set up (default)
#   scripts/opencryptoki-setup.sh --reinit     wipe the token first (its data directory is moved to
#                                              /var/lib/opencryptoki/swtok.kagi-old): all objects are lost
#   scripts/opencryptoki-setup.sh --minimal-conf   force step 4 (soft-token-only configuration)
#   scripts/opencryptoki-setup.sh --restore    restore the original opencryptoki.conf, if we changed it
#   scripts/opencryptoki-setup.sh --stop       stop pkcsslotd
#
# Notes:
#   * Root does not need to be in group pkcs11. A non-root user must be LISTED
#     as a member of pkcs11 in /etc/group (usermod -aG pkcs11 USER); having
#     the gid only as a supplementary group of the process is not enough, and
#     opencryptoki 3.8 then fails C_Initialize with a misleading CKR_HOST_MEMORY.
#   * Debian 12's soft token (3.8.1) has no EC support at all (no
#     CKM_EC_KEY_PAIR_GEN, no CKM_ECDSA) and no CKM_SHA256_RSA_PKCS; RSA keys
#     with CKM_RSA_PKCS (host-hashed DigestInfo) and the PSS variants work.
#   * Never call C_InitToken (pkcs11-tool --init-token) on the initialized
#     token: with a non-default SO PIN, opencryptoki 3.8 then leaves the SO
#     unable to log in (CKR_FUNCTION_FAILED). Use --reinit instead.
#   * Test tools get PINs on their command lines here (pkcs11-tool requires
#     that); this is acceptable only because these are fixed test PINs.
set -euo pipefail

readonly TOKEN_LABEL="kagi-ock"
readonly SO_PIN="12345678"
readonly USER_PIN="123456"
readonly DEFAULT_SO_PIN="87654321"    # opencryptoki's factory default

readonly CONF="/etc/opencryptoki/opencryptoki.conf"
readonly CONF_BACKUP="$CONF.kagi-orig"
readonly PIDFILE="/var/run/pkcsslotd.pid"
readonly SOCKET="/var/run/pkcsslotd.socket"
readonly SLOTD="/usr/sbin/pkcsslotd"
readonly TOKEN_DIR="/var/lib/opencryptoki/swtok"          # the soft token's data
readonly TOKEN_SHM="/dev/shm/var.lib.opencryptoki.swtok"  # its shared-memory state

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly ENV_FILE="${OCK_ENV_FILE:-$SCRIPT_DIR/opencryptoki.env}"

# CK_TOKEN_INFO flag bits (PKCS#11 v2.40).
readonly CKF_USER_PIN_INITIALIZED=$((0x8))
readonly CKF_TOKEN_INITIALIZED=$((0x400))
readonly CKF_USER_PIN_COUNT_LOW=$((0x10000))
readonly CKF_USER_PIN_FINAL_TRY=$((0x20000))
readonly CKF_USER_PIN_LOCKED=$((0x40000))
readonly CKF_USER_PIN_TO_BE_CHANGED=$((0x80000))
readonly CKF_SO_PIN_LOCKED=$((0x400000))
readonly CKF_SO_PIN_TO_BE_CHANGED=$((0x800000))

log() { echo "[opencryptoki-setup] $*"; }
die() { echo "[opencryptoki-setup] ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- arguments
mode="setup"
reinit=0
force_minimal=0
for arg in "$@"; do
    case "$arg" in
        --restore) mode="restore" ;;
        --stop) mode="stop" ;;
        --reinit) reinit=1 ;;
        --minimal-conf) force_minimal=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$arg' (see --help)" ;;
    esac
done

# ------------------------------------------------------------------ root
if [[ $EUID -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        exec sudo -- "${BASH_SOURCE[0]}" "$@"
    fi
    die "must run as root (sudo is not available)"
fi

# --------------------------------------------------------------- daemon
# Print the pid of a live (non-zombie) pkcsslotd, or fail.
daemon_pid() {
    local pid comm state
    if [[ -r $PIDFILE ]]; then
        pid="$(<"$PIDFILE")"
        if [[ $pid =~ ^[0-9]+$ ]] && comm="$(cat "/proc/$pid/comm" 2>/dev/null)" && [[ $comm == pkcsslotd ]]; then
            # The 3rd field of /proc/PID/stat is the state; a zombie is not running.
            state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo Z)"
            if [[ $state != Z ]]; then
                echo "$pid"
                return 0
            fi
        fi
    fi
    # No usable pid file: look for the process itself.
    for comm in /proc/[0-9]*/comm; do
        if [[ "$(cat "$comm" 2>/dev/null)" == pkcsslotd ]]; then
            pid="${comm#/proc/}"
            pid="${pid%/comm}"
            state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo Z)"
            if [[ $state != Z ]]; then
                echo "$pid"
                return 0
            fi
        fi
    done
    return 1
}

start_daemon() {
    if daemon_pid >/dev/null; then
        return 0
    fi
    rm -f "$PIDFILE"    # a stale pid file left by a killed daemon
    log "starting $SLOTD"
    # pkcsslotd daemonizes but keeps inherited descriptors above 2 open; close
    # them so that a caller capturing our output through a pipe is not kept
    # waiting for EOF by the daemon.
    (
        for fd in /proc/"$BASHPID"/fd/*; do
            fd="${fd##*/}"
            if [[ $fd -gt 2 ]]; then eval "exec $fd>&-" 2>/dev/null || true; fi
        done
        exec "$SLOTD" </dev/null >/dev/null 2>&1
    ) || die "$SLOTD failed to start"

    for _ in $(seq 50); do
        if [[ -S $SOCKET ]] && daemon_pid >/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    die "$SLOTD did not come up (no $SOCKET after 5 s)"
}

stop_daemon() {
    local pid state
    pid="$(daemon_pid)" || { rm -f "$PIDFILE"; return 0; }
    log "stopping pkcsslotd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)"
        # In a container whose init does not reap orphans, it may stay a zombie.
        if [[ $state == gone || $state == Z ]]; then
            rm -f "$PIDFILE"
            return 0
        fi
        sleep 0.1
    done
    die "pkcsslotd (pid $pid) did not stop"
}

# ----------------------------------------------------------- --stop / --restore
if [[ $mode == stop ]]; then
    stop_daemon
    exit 0
fi

if [[ $mode == restore ]]; then
    if [[ ! -f $CONF_BACKUP ]]; then
        log "nothing to restore: $CONF was not changed by this script"
        exit 0
    fi
    was_running=0
    if daemon_pid >/dev/null; then was_running=1; stop_daemon; fi
    cp -p "$CONF_BACKUP" "$CONF"
    rm -f "$CONF_BACKUP"
    log "restored the original $CONF"
    if [[ $was_running == 1 ]]; then start_daemon; fi
    exit 0
fi

# ------------------------------------------------------------ prerequisites
for tool in "$SLOTD" pkcsconf pkcs11-tool; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found; run scripts/setup-system.sh first"
done
[[ -f $CONF ]] || die "$CONF not found; is the opencryptoki package installed?"

# The PKCS#11 module applications load (Debian: /usr/lib/<multiarch>/pkcs11/).
find_module() {
    local m
    for m in /usr/lib/*/pkcs11/libopencryptoki.so /usr/lib64/pkcs11/libopencryptoki.so \
             /usr/lib64/opencryptoki/libopencryptoki.so /usr/lib/opencryptoki/libopencryptoki.so; do
        if [[ -e $m ]]; then echo "$m"; return 0; fi
    done
    return 1
}
MODULE="$(find_module)" || die "libopencryptoki.so not found; is the opencryptoki package installed?"

# The slot whose stdll is the software token (libpkcs11_sw.so, alias PKCS11_SW.so).
find_sw_slot() {
    awk '
        { sub(/#.*/, "") }
        /^[[:space:]]*slot[[:space:]]+[0-9]+/ { match($0, /[0-9]+/); slot = substr($0, RSTART, RLENGTH) }
        /stdll[[:space:]]*=/ {
            v = $0; sub(/.*=[[:space:]]*/, "", v); gsub(/["[:space:]]/, "", v)
            if (slot != "" && v ~ /(libpkcs11_sw|PKCS11_SW)\.so$/) { print slot; exit }
        }' "$1"
}
SLOT="$(find_sw_slot "$CONF")"
[[ -n $SLOT ]] || die "no soft token slot (stdll = libpkcs11_sw.so) in $CONF"

# ------------------------------------------------------------- --reinit
# Wiping the token's files (rather than calling C_InitToken on an initialized
# token) is deliberate: opencryptoki 3.8's C_InitToken on a token whose SO PIN
# is not the factory default leaves the SO unable to log in (C_Login as SO
# then fails with CKR_FUNCTION_FAILED). A fresh data directory always works.
if [[ $reinit == 1 ]]; then
    stop_daemon
    if [[ -d $TOKEN_DIR ]]; then
        rm -rf "$TOKEN_DIR.kagi-old"
        mv "$TOKEN_DIR" "$TOKEN_DIR.kagi-old"
        log "--reinit: moved the old token data to $TOKEN_DIR.kagi-old"
    fi
    rm -f "$TOKEN_SHM"
fi

# -------------------------------------------------------- group, directories
if ! getent group pkcs11 >/dev/null; then
    log "creating system group pkcs11"
    groupadd --system pkcs11
fi
# The same set the Debian package's tmpfiles.d and init script create.
for d in /var/lock/opencryptoki /var/lock/opencryptoki/swtok \
         /var/lib/opencryptoki "$TOKEN_DIR" "$TOKEN_DIR/TOK_OBJ" \
         /var/log/opencryptoki; do
    if [[ ! -d $d ]]; then
        log "creating $d"
        mkdir -p "$d"
    fi
    # Only touch what is wrong, so that a ready machine is left as it is.
    [[ "$(stat -c %G "$d")" == pkcs11 ]] || chgrp pkcs11 "$d"
    [[ "$(stat -c %a "$d")" == 770 ]] || chmod 0770 "$d"
done

# ---------------------------------------------------------- token queries
TOKEN_LABEL_NOW=""
TOKEN_FLAGS=0
# Fill TOKEN_LABEL_NOW / TOKEN_FLAGS from `pkcsconf -t`; fail if the slot has no token.
read_token_info() {
    local out
    out="$(pkcsconf -c "$SLOT" -t 2>&1)" || return 1
    TOKEN_LABEL_NOW="$(sed -n 's/^[[:space:]]*Label:[[:space:]]*//p' <<<"$out" | sed 's/[[:space:]]*$//')"
    local hex
    hex="$(sed -n 's/^[[:space:]]*Flags:[[:space:]]*\(0x[0-9A-Fa-f]*\).*/\1/p' <<<"$out")"
    [[ -n $hex ]] || return 1
    TOKEN_FLAGS=$((hex))
}
has_flag() { (( (TOKEN_FLAGS & $1) != 0 )); }

p11() { pkcs11-tool --module "$MODULE" --slot "$SLOT" "$@"; }
user_login_ok() { p11 --login --pin "$USER_PIN" --list-objects >/dev/null 2>&1; }

# ------------------------------------------------------------------ daemon
start_daemon
if [[ $force_minimal == 1 ]] || ! read_token_info; then
    if [[ $force_minimal == 0 ]]; then
        log "soft token slot $SLOT is not visible with the current $CONF"
    fi
    if [[ ! -f $CONF_BACKUP ]]; then
        cp -p "$CONF" "$CONF_BACKUP"
        log "CHANGED: saved the original configuration as $CONF_BACKUP"
    fi
    version_line="$(grep -m1 -E '^[[:space:]]*version[[:space:]]' "$CONF_BACKUP" || true)"
    {
        [[ -n $version_line ]] && echo "$version_line"
        echo "# Written by Kagi's scripts/opencryptoki-setup.sh: only the software token."
        echo "# The original is $CONF_BACKUP; 'opencryptoki-setup.sh --restore' puts it back."
        echo "slot $SLOT"
        echo "{"
        echo "stdll = libpkcs11_sw.so"
        echo "}"
    } >"$CONF.kagi-tmp"
    if ! cmp -s "$CONF.kagi-tmp" "$CONF"; then
        mv "$CONF.kagi-tmp" "$CONF"
        log "CHANGED: $CONF now configures only the soft token (slot $SLOT); restarting pkcsslotd"
        stop_daemon
        start_daemon
    else
        rm -f "$CONF.kagi-tmp"
    fi
    read_token_info || die "soft token slot $SLOT still not visible; see pkcsconf -s / pkcs11-tool --module $MODULE -L"
fi
if [[ -f $CONF_BACKUP ]]; then
    log "note: $CONF is Kagi's soft-token-only configuration (run with --restore to undo)"
fi

# ------------------------------------------------------------------- token
if ! has_flag $CKF_TOKEN_INITIALIZED; then
    log "initializing the soft token in slot $SLOT with label '$TOKEN_LABEL'"
    # A never-initialized soft token has the factory SO PIN.
    p11 --init-token --label "$TOKEN_LABEL" --so-pin "$DEFAULT_SO_PIN" >/dev/null \
        || die "C_InitToken with the factory SO PIN failed; re-run with --reinit"
    read_token_info || die "token info unavailable after C_InitToken"
fi

if [[ $TOKEN_LABEL_NOW != "$TOKEN_LABEL" ]]; then
    die "the soft token in slot $SLOT is labelled '$TOKEN_LABEL_NOW', not '$TOKEN_LABEL'; re-run with --reinit to wipe and re-initialize it"
fi
if has_flag $CKF_SO_PIN_LOCKED; then
    die "the SO PIN of the soft token is locked; re-run with --reinit to wipe and re-initialize the token"
fi
if has_flag $CKF_SO_PIN_TO_BE_CHANGED; then
    log "changing the SO PIN from the factory default to the test SO PIN"
    p11 --login --login-type so --so-pin "$DEFAULT_SO_PIN" --change-pin --new-pin "$SO_PIN" >/dev/null \
        || die "could not change the SO PIN from the factory default; re-run with --reinit"
    read_token_info || die "token info unavailable"
fi

# The user PIN must be initialized, known and not locked. C_InitPIN by the SO
# sets it and clears the retry counter (and keeps the token's objects).
reset_user_pin=0
if ! has_flag $CKF_USER_PIN_INITIALIZED; then
    reset_user_pin=1
elif has_flag $((CKF_USER_PIN_LOCKED | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_TO_BE_CHANGED)); then
    reset_user_pin=1
elif ! user_login_ok; then
    reset_user_pin=1
fi
if [[ $reset_user_pin == 1 ]]; then
    log "setting the user PIN (C_InitPIN as SO)"
    p11 --init-pin --login --login-type so --so-pin "$SO_PIN" --new-pin "$USER_PIN" >/dev/null \
        || die "C_InitPIN as SO failed (SO PIN not $SO_PIN?); re-run with --reinit to wipe and re-initialize the token"
    user_login_ok || die "user login still fails after C_InitPIN"
fi

read_token_info || die "token info unavailable"
printf -v flags_hex '0x%X' "$TOKEN_FLAGS"
if has_flag $((CKF_USER_PIN_LOCKED | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW)); then
    die "token flags still show PIN trouble: $flags_hex"
fi

# --------------------------------------------------------------- env file
env_content="# Generated by scripts/opencryptoki-setup.sh; TEST credentials only.
OCK_MODULE=$MODULE
OCK_SLOT=$SLOT
OCK_TOKEN_LABEL=$TOKEN_LABEL
OCK_SO_PIN=$SO_PIN
OCK_USER_PIN=$USER_PIN"
if [[ ! -f $ENV_FILE ]] || [[ "$(<"$ENV_FILE")" != "$env_content" ]]; then
    printf '%s\n' "$env_content" >"$ENV_FILE"
    # When run through sudo, leave the file to the invoking user.
    if [[ -n ${SUDO_UID:-} && -n ${SUDO_GID:-} ]]; then chown "$SUDO_UID:$SUDO_GID" "$ENV_FILE"; fi
    log "wrote $ENV_FILE"
fi

log "ready: token '$TOKEN_LABEL', flags $flags_hex"
echo "OCK_MODULE=$MODULE"
echo "OCK_SLOT=$SLOT"
