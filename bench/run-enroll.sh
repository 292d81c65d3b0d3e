#!/usr/bin/env bash
# bench/run-enroll.sh - end-to-end enrollment time on SoftHSM2, split by step, against a real server (issue item 13).
#
#   bench/run-enroll.sh
#
# 1. Builds src/Kagi.Server and bench/Kagi.Bench.Enroll (Release, --artifacts-path outside src/).
# 2. Creates a throw-away SoftHSM2 token directory with 4 * BENCH_ROUNDS + 4 tokens (random SO PIN, only in the
#    environment: pkcs11-tool's env:VAR form), because SoftHSM2 sees only the tokens that exist when it is loaded.
# 3. Starts kagi-server.dll on https://127.0.0.1:<free port> (Kestrel, TLS from its own CA, SQLite in a throw-away
#    data folder, random secret in KAGI__SECRETKEY, storage PINs with the shipped PBKDF2 cost, mails as .eml files).
# 4. kagi-bench-enroll: per key type (EC P-256, RSA-2048) one untimed warm-up, then BENCH_ROUNDS rounds, each with one
#    "split" enrollment (every step timed, each followed by its baseline: the same token operation through the raw
#    PKCS#11 binding, or bare HTTPS round trips to /health) and one "flow" enrollment (CertificateStorageFlow as
#    `kagi enroll` runs it, timed as a whole); the order of key types and of split/flow alternates between rounds.
#    Every enrollment starts from a freshly distributed token with the operator steps done (untimed).
# 5. Prints Markdown on stdout (progress on stderr).
#
# Environment (all optional):
#   BENCH_ROUNDS     rounds per key type                         (default 5)
#   BENCH_MODULE     PKCS#11 module                              (default /usr/lib/softhsm/libsofthsm2.so)
#   BENCH_ARTIFACTS  .NET build output (default ${TMPDIR:-/tmp}/kagi-bench-artifacts)
#   BENCH_KEEP=1     keep the work folder (tokens, server data and log)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
rounds="${BENCH_ROUNDS:-5}"
module="${BENCH_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"
artifacts="${BENCH_ARTIFACTS:-${TMPDIR:-/tmp}/kagi-bench-artifacts}"

log() { printf '[bench-enroll] %s\n' "$*" >&2; }
die() { printf '[bench-enroll] error: %s\n' "$*" >&2; exit 1; }

for tool in pkcs11-tool dotnet curl od python3; do
    command -v "$tool" >/dev/null || die "$tool not found (scripts/setup-system.sh installs the prerequisites)"
done
[[ -f "$module" ]] || die "PKCS#11 module $module not found (set BENCH_MODULE)"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer"

work="$(mktemp -d "${TMPDIR:-/tmp}/kagi-bench-enroll.XXXXXX")"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- 1. Builds ---------------------------------------------------------------------------------------------
log "building src/Kagi.Server and bench/Kagi.Bench.Enroll (Release, artifacts in $artifacts)"
for project in "$repo/src/Kagi.Server/Kagi.Server.csproj" "$here/Kagi.Bench.Enroll/Kagi.Bench.Enroll.csproj"; do
    dotnet build "$project" -c Release --artifacts-path "$artifacts" -nologo -v quiet >"$work/build.log" 2>&1 ||
        { cat "$work/build.log" >&2; die "$project does not build"; }
done
server_dll="$artifacts/bin/Kagi.Server/release/kagi-server.dll"
bench_dll="$artifacts/bin/Kagi.Bench.Enroll/release/kagi-bench-enroll.dll"

# --- 2. Tokens ---------------------------------------------------------------------------------------------
mkdir -p "$work/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/tokens" >"$work/softhsm2.conf"
export SOFTHSM2_CONF="$work/softhsm2.conf"
KAGI_BENCH_SO_PIN="$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export KAGI_BENCH_SO_PIN
tokens=$((4 * rounds + 4))
log "initializing $tokens SoftHSM2 tokens"
for ((i = 0; i < tokens; i++)); do
    pkcs11-tool --module "$module" --init-token --slot-index "$i" --label "enroll-bench-$i" --so-pin env:KAGI_BENCH_SO_PIN \
        >>"$work/setup.log" 2>&1 || { cat "$work/setup.log" >&2; die "token initialization failed"; }
done

# --- 3. Server ---------------------------------------------------------------------------------------------
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="https://127.0.0.1:$port"
data="$work/server"
log "starting kagi-server on $url"
KAGI__SECRETKEY="$(head -c 32 /dev/urandom | base64)" dotnet "$server_dll" --urls "$url" --Kagi:DataDirectory="$data" \
    --Kagi:PublicOrigin="$url" --Kagi:Mail:Language=en --Kagi:EnrollmentRequestsPerMinute=100000 \
    --Logging:LogLevel:Default=Warning >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 240); do
    if [[ -f "$data/ca/root.pem" ]] && curl -sf --cacert "$data/ca/root.pem" "$url/health" >/dev/null; then break; fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; die "the server stopped"; }
    sleep 0.5
done
curl -sf --cacert "$data/ca/root.pem" "$url/health" >/dev/null || die "the server did not come up"

# --- 4. Benchmark ------------------------------------------------------------------------------------------
dotnet "$bench_dll" --server "$url" --root "$data/ca/root.pem" --api-key-file "$data/operator-api-key.txt" \
    --mail "$data/mail" --module "$module" --rounds "$rounds"
printf '\nSettings: BENCH_ROUNDS=%s; .NET SDK %s, %s. Reproduce: `bench/run-enroll.sh`.\n' "$rounds" "$(dotnet --version)" "$(uname -sr)"
