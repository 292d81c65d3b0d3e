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

bench_name=bench-enroll
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rounds="${BENCH_ROUNDS:-5}"

require_tools pkcs11-tool dotnet curl od
require_module
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer"

bench_workdir kagi-bench-enroll

# --- 1. Builds ---------------------------------------------------------------------------------------------
log "building src/Kagi.Server and bench/Kagi.Bench.Enroll (Release, artifacts in $artifacts)"
build_projects "$work/build.log" "$repo/src/Kagi.Server/Kagi.Server.csproj" "$here/Kagi.Bench.Enroll/Kagi.Bench.Enroll.csproj"
server_dll="$(built_dll Kagi.Server kagi-server)"
bench_dll="$(built_dll Kagi.Bench.Enroll kagi-bench-enroll)"

# --- 2. Tokens ---------------------------------------------------------------------------------------------
softhsm_conf
random_pins
tokens=$((4 * rounds + 4))
log "initializing $tokens SoftHSM2 tokens"
for ((i = 0; i < tokens; i++)); do
    init_token "$i" "enroll-bench-$i" "$work/setup.log"
done

# --- 3. Server ---------------------------------------------------------------------------------------------
url="https://127.0.0.1:$(free_port)"
data="$work/server"
log "starting kagi-server on $url"
KAGI__SECRETKEY="$(head -c 32 /dev/urandom | base64)" start_kagi_server "$work/server.log" --urls "$url" --Kagi:DataDirectory="$data" \
    --Kagi:PublicOrigin="$url" --Kagi:Mail:Language=en --Kagi:EnrollmentRequestsPerMinute=100000 \
    --Logging:LogLevel:Default=Warning
healthy() { [[ -f "$data/ca/root.pem" ]] && curl -sf --cacert "$data/ca/root.pem" "$url/health" >/dev/null; }
wait_ready "$server_pid" "$work/server.log" 240 0.5 healthy || die "the server did not come up"

# --- 4. Benchmark ------------------------------------------------------------------------------------------
dotnet "$bench_dll" --server "$url" --root "$data/ca/root.pem" --api-key-file "$data/operator-api-key.txt" \
    --mail "$data/mail" --module "$module" --rounds "$rounds"
printf '\nSettings: BENCH_ROUNDS=%s; %s. Reproduce: `bench/run-enroll.sh`.\n' "$rounds" "$(dotnet_summary)"
