#!/usr/bin/env bash
# setup-system.sh - install the Debian packages Kagi's build and tests need,
# then prepare opencryptoki's software token (scripts/opencryptoki-setup.sh).
#
# Idempotent and fast when everything is present: packages are checked with
# `dpkg -s` first; `apt-get update` and `apt-get install` run only when
# something is missing.
#
# Runs as root; otherwise it uses sudo when available, and if it is not, it
# prints the missing packages and fails.
#
# Packages:
#   softhsm2                  SoftHSM v2 PKCS#11 module + softhsm2-util
#   opensc                    pkcs11-tool
#   opencryptoki              opencryptoki (pkcsslotd, pkcsconf, soft token)
#   libengine-pkcs11-openssl  OpenSSL engine for PKCS#11 (openssl/curl with token keys: TLS client-auth test, demo)
#   libp11-kit-dev            <p11-kit/pkcs11.h> for the native benchmark (bench/native)
#   gcc, libc6-dev            to build bench/native
#   openssl, curl             certificate tooling; curl logs in over TLS with the token key
#   postgresql                the server's tests run on PostgreSQL too (scripts/postgres-setup.sh)
#   python3-aiosmtpd          a real SMTP server for the mail tests
#   chromium, fonts-noto-cjk  the agent's browser tests (Playwright drives Debian's Chromium; Japanese fonts for the screenshots)
set -euo pipefail

readonly PACKAGES=(
    softhsm2
    opensc
    opencryptoki
    libengine-pkcs11-openssl
    libp11-kit-dev
    gcc
    libc6-dev
    openssl
    curl
    postgresql
    python3-aiosmtpd
    chromium
    fonts-noto-cjk
)

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR

log() { echo "[setup-system] $*"; }
die() { echo "[setup-system] ERROR: $*" >&2; exit 1; }

# A package counts as installed only in dpkg state "install ok installed"
# (plain `dpkg -s` also succeeds for removed-but-not-purged packages).
is_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

# Run a command as root: directly, through sudo, or not at all.
as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        return 127
    fi
}

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian/Ubuntu only"

missing=()
for pkg in "${PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
    if [[ $EUID -ne 0 ]] && ! command -v sudo >/dev/null 2>&1; then
        die "not root and sudo is not available; as root, run:
    apt-get update && apt-get install -y ${missing[*]}"
    fi
    log "installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    for pkg in "${missing[@]}"; do
        is_installed "$pkg" || die "package $pkg is still not installed"
    done
else
    log "all packages present"
fi

# opencryptoki's slot daemon and soft token (it re-runs itself with sudo if needed).
"$SCRIPT_DIR/opencryptoki-setup.sh"
"$SCRIPT_DIR/postgres-setup.sh"
