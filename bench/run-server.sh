#!/usr/bin/env bash
# bench/run-server.sh - Kagi CA/RA server benchmarks, each against a baseline measured in the same run.
#
#   bench/run-server.sh
#
# 1. Builds src/Kagi.Server and bench/Kagi.Bench.Server (Release, --artifacts-path outside src/).
# 2. Starts real servers (kagi-server.dll, Kestrel, plain HTTP on 127.0.0.1 with Kagi:AllowHttpOnLoopback=true,
#    SQLite in a throw-away data folder, rate limit raised out of the way), each with its own data folder, port and
#    random secret (given as KAGI__SECRETKEY in the environment, never on a command line):
#      software   software P-256 CA key (CaBootstrap default), Logging:LogLevel:Default=Warning
#      shipped    the same with the logging as shipped (no appsettings.json: the server's built-in levels)
#      softhsm    CA keys on a throw-away SoftHSM2 token (Kagi:Ca:Pkcs11Module; PIN in KAGI__CA__TOKENPIN), Warning
# 3. BENCH_ROUNDS rounds; in each round, in alternating order (forward, then backward, ...):
#      sign/software/sign32, sign/software/issue    the software server's CA key, in-process (kagi-bench-server sign)
#      http/software/cC for C in BENCH_CONCURRENCY  HTTP issuance (kagi-bench-server issue)
#      sign/softhsm/sign32, sign/softhsm/issue      the SoftHSM2 server's CA key objects, in-process
#    An HTTP job prepares BENCH_COUNT + BENCH_WARMUP orders untimed (see bench/Kagi.Bench.Server/IssueBench.cs),
#    sends BENCH_WARMUP certificate requests, then times BENCH_COUNT requests. Before round 1 every server gets 600
#    untimed certificate requests (JIT warm-up).
# 4. A/B: software server against shipped, and against softhsm, from one client process alternating bursts of
#    BENCH_AB_BURST requests (A B, B A, ...) at K = BENCH_COMPARE_CONCURRENCY (kagi-bench-server ab).
# 5. BENCH_ROUNDS rounds of storage-PIN verification (1 and 2 threads, 600 PINs in a fresh database; and 1 thread with
#    BENCH_PIN_HISTORY used PINs of earlier enrollments in the table) against raw PBKDF2, alternating order.
# 6. Once: the in-process breakdown of one issuance and the micro-benchmarks of its crypto operations.
# 7. Prints Markdown (kagi-bench-server report) on stdout; the raw JSON lines are in the work folder (BENCH_KEEP=1).
#
# Environment (all optional):
#   BENCH_ROUNDS                rounds                                                  (default 5)
#   BENCH_COUNT                 timed certificate requests per HTTP job                 (default 1000)
#   BENCH_WARMUP                untimed certificate requests before them                (default 200)
#   BENCH_CONCURRENCY           client concurrencies against the software server        (default "1 4 16")
#   BENCH_COMPARE_CONCURRENCY   concurrency of the logging and SoftHSM2 comparisons     (default 4)
#   BENCH_AB_PAIRS              interleaved burst pairs per A/B comparison              (default 10)
#   BENCH_AB_BURST              certificate requests per burst                          (default 200)
#   BENCH_MS                    duration of an in-process signing loop, ms              (default 3000)
#   BENCH_PIN_MS                duration of a PIN/PBKDF2 run, ms                        (default 6000)
#   BENCH_PIN_ITERATIONS        PBKDF2 iterations                                       (default 210000)
#   BENCH_PIN_HISTORY           used PINs already in the table for pins-history/1       (default 20000)
#   BENCH_MODULE                PKCS#11 module for the SoftHSM2 part; BENCH_MODULE=none skips it
#                                                                           (default /usr/lib/softhsm/libsofthsm2.so)
#   BENCH_ARTIFACTS             .NET build output (default ${TMPDIR:-/tmp}/kagi-bench-artifacts)
#   BENCH_KEEP=1                keep the work folder (data folders, server logs, results.jsonl)
set -euo pipefail

bench_name=bench-server
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rounds="${BENCH_ROUNDS:-5}"
count="${BENCH_COUNT:-1000}"
warmup="${BENCH_WARMUP:-200}"
concurrency="${BENCH_CONCURRENCY:-1 4 16}"
compare="${BENCH_COMPARE_CONCURRENCY:-4}"
ab_pairs="${BENCH_AB_PAIRS:-10}"
ab_burst="${BENCH_AB_BURST:-200}"
ms="${BENCH_MS:-3000}"
pin_ms="${BENCH_PIN_MS:-6000}"
pin_iterations="${BENCH_PIN_ITERATIONS:-210000}"
pin_history="${BENCH_PIN_HISTORY:-20000}"
origin="https://kagi.bench"

require_tools dotnet
for n in "$rounds" "$count" "$warmup" "$compare" "$ab_pairs" "$ab_burst" "$ms" "$pin_ms" "$pin_iterations" "$pin_history" $concurrency; do
    [[ "$n" =~ ^[0-9]+$ && "$n" -gt 0 ]] || die "BENCH_* values must be positive integers (got '$n')"
done
use_token=1
if [[ "$module" == none ]]; then
    use_token=0
elif [[ ! -f "$module" ]] || ! command -v pkcs11-tool >/dev/null; then
    log "no $module or no pkcs11-tool: skipping the SoftHSM2 part"
    use_token=0
fi

bench_workdir kagi-bench-server
results="$work/results.jsonl"
declare -A srv_pid srv_url srv_secret

# --- 1. Builds ----------------------------------------------------------------------------------------------
log "building src/Kagi.Server and bench/Kagi.Bench.Server (Release, artifacts in $artifacts)"
build_projects "$work/build.log" "$repo/src/Kagi.Server/Kagi.Server.csproj" "$here/Kagi.Bench.Server/Kagi.Bench.Server.csproj"
server_dll="$(built_dll Kagi.Server kagi-server)"
bench_dll="$(built_dll Kagi.Bench.Server kagi-bench-server)"
# The load generator shares the 2 cores with the server: its thread pool does not spin-wait for work (halves its CPU).
bench() { DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 dotnet "$bench_dll" "$@"; }

# --- 2. SoftHSM2 token for the CA keys -------------------------------------------------------------------------
if ((use_token)); then
    softhsm_conf
    random_pins
    log "initializing SoftHSM2 token 'kagi-bench-ca' in $work/tokens"
    init_token 0 kagi-bench-ca "$work/token.log"
    init_user_pin kagi-bench-ca "$work/token.log"
    token_serial="$(pkcs11-tool --module "$module" --list-token-slots 2>/dev/null | awk -F': *' '/serial num/ { print $2; exit }' | tr -d ' ')"
    [[ -n "$token_serial" ]] || die "could not read the SoftHSM2 token's serial number"
fi

# --- 3. Servers ------------------------------------------------------------------------------------------------
healthy() (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    IFS= read -r -t 2 line <&3 || true
    [[ "$line" == *" 200 "* ]]
)
# start_server NAME LOGLEVEL|shipped [extra server arguments...]
start_server() {
    local name="$1" level="$2" port dir
    shift 2
    dir="$work/$name"
    mkdir -p "$dir"
    port="$(free_port)"
    srv_secret[$name]="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
    srv_url[$name]="http://127.0.0.1:$port"
    local args=(--urls "${srv_url[$name]}" --Kagi:AllowHttpOnLoopback=true --Kagi:DataDirectory="$dir/data"
        --Kagi:PublicOrigin="$origin" --Kagi:EnrollmentRequestsPerMinute=1000000000)
    [[ "$level" == shipped ]] || args+=(--Logging:LogLevel:Default="$level")
    KAGI__SECRETKEY="${srv_secret[$name]}" KAGI__CA__TOKENPIN="${KAGI_BENCH_PIN:-}" \
        start_kagi_server "$dir/server.log" "${args[@]}" "$@"
    srv_pid[$name]=$server_pid
    wait_ready "$server_pid" "$dir/server.log" 300 0.2 healthy "$port" || die "server '$name' did not start"
    log "server '$name' (pid $server_pid) on ${srv_url[$name]}"
}

start_server software Warning
start_server shipped shipped
token_args=()
if ((use_token)); then
    token_args=(--ca-module "$module" --ca-token-serial "$token_serial")
    start_server softhsm Warning --Kagi:Ca:Pkcs11Module="$module" --Kagi:Ca:TokenSerial="$token_serial"
fi

# --- jobs ----------------------------------------------------------------------------------------------------
# record JOB ROUND JSON
record() {
    [[ "$3" == "{"* ]] || die "job $1 printed no result: $3"
    printf '{"job":"%s","round":%s,"result":%s}\n' "$1" "$2" "$3" >>"$results"
}
# run_job JOB ROUND: runs one job by name and records its JSON line
run_job() {
    local job="$1" round="$2" out kind server what
    IFS=/ read -r kind server what <<<"$job"
    case "$kind" in
        sign)
            local extra=()
            [[ "$server" == softhsm ]] && extra=("${token_args[@]}")
            out="$(KAGI__SECRETKEY="${srv_secret[$server]}" KAGI__CA__TOKENPIN="${KAGI_BENCH_PIN:-}" \
                bench sign --data "$work/$server/data" --origin "$origin" --what "$what" --ms "$ms" "${extra[@]}" 2>>"$work/jobs.log")" ||
                die "job $job failed: $out (see $work/jobs.log with BENCH_KEEP=1)"
            ;;
        http)
            local target="$server"
            out="$(KAGI__SECRETKEY="${srv_secret[$target]}" bench issue --url "${srv_url[$target]}" --data "$work/$target/data" \
                --origin "$origin" --count "$count" --warmup "$warmup" --concurrency "${what#c}" \
                --server-pid "${srv_pid[$target]}" 2>>"$work/jobs.log")" || die "job $job failed: $out"
            ;;
        pins | pins-history)
            local history=0
            [[ "$kind" == pins-history ]] && history="$pin_history"
            out="$(bench pins --data "$work/$kind-$round-$server" --threads "$server" --ms "$pin_ms" \
                --iterations "$pin_iterations" --pins 600 --history "$history" 2>>"$work/jobs.log")" || die "job $job failed: $out"
            rm -rf "$work/$kind-$round-$server"
            ;;
        pbkdf2)
            out="$(bench pbkdf2 --threads "$server" --ms "$pin_ms" --iterations "$pin_iterations" 2>>"$work/jobs.log")" ||
                die "job $job failed: $out"
            ;;
        *) die "unknown job $job" ;;
    esac
    record "$job" "$round" "$out"
    log "round $round $job: $(json_number opsPerSecond "$out")/s"
}

# --- 4. Issuance and signing rounds ---------------------------------------------------------------------------------
# Server warm-up (not recorded): enough requests for tiered JIT to settle in every server before round 1.
for name in "${!srv_pid[@]}"; do
    log "warming up server '$name'"
    KAGI__SECRETKEY="${srv_secret[$name]}" bench issue --url "${srv_url[$name]}" --data "$work/$name/data" --origin "$origin" \
        --count 500 --warmup 100 --concurrency "$compare" >/dev/null 2>>"$work/jobs.log" || die "warm-up of '$name' failed"
done
jobs=(sign/software/sign32 sign/software/issue)
for c in $concurrency; do jobs+=("http/software/c$c"); done
((use_token)) && jobs+=(sign/softhsm/sign32 sign/softhsm/issue)
for ((r = 1; r <= rounds; r++)); do
    order=("${jobs[@]}")
    if ((r % 2 == 0)); then
        order=()
        for ((i = ${#jobs[@]} - 1; i >= 0; i--)); do order+=("${jobs[$i]}"); done
    fi
    for job in "${order[@]}"; do run_job "$job" "$r"; done
done

# --- 5. A/B comparisons at BENCH_COMPARE_CONCURRENCY: interleaved bursts against two servers from one client -------
# ab_job JOB A B
ab_job() {
    local out
    log "A/B: ${srv_url[$2]} ($2) against ${srv_url[$3]} ($3), $ab_pairs pairs of $ab_burst requests"
    out="$(KAGI_BENCH_SECRET_A="${srv_secret[$2]}" KAGI_BENCH_SECRET_B="${srv_secret[$3]}" bench ab \
        --url-a "${srv_url[$2]}" --data-a "$work/$2/data" --pid-a "${srv_pid[$2]}" \
        --url-b "${srv_url[$3]}" --data-b "$work/$3/data" --pid-b "${srv_pid[$3]}" \
        --origin "$origin" --pairs "$ab_pairs" --burst "$ab_burst" --concurrency "$compare" --warmup "$warmup" 2>>"$work/jobs.log")" ||
        die "job $1 failed: $out"
    record "$1" 1 "$out"
    log "$1: B/A $(json_number medianPairRatio "$out")"
}
ab_job ab/shipped-logging software shipped
((use_token)) && ab_job ab/softhsm software softhsm

# --- 6. Storage PINs ---------------------------------------------------------------------------------------------
pin_jobs=(pins/1 pbkdf2/1 pins/2 pbkdf2/2 pins-history/1)
for ((r = 1; r <= rounds; r++)); do
    order=("${pin_jobs[@]}")
    ((r % 2 == 0)) && order=(pins-history/1 pbkdf2/2 pins/2 pbkdf2/1 pins/1)
    for job in "${order[@]}"; do run_job "$job" "$r"; done
done

# --- 7. Breakdown and micro-benchmarks (once) ----------------------------------------------------------------------
log "in-process breakdown"
out="$(bench breakdown --data "$work/breakdown" --origin "$origin" --count 1000 --warmup 300 --e2e-count 500 \
    --concurrency "1 4" --busy-timeout-ms 5000 2>>"$work/jobs.log")"
record breakdown 1 "$out"
log "micro-benchmarks"
out="$(KAGI__SECRETKEY="${srv_secret[software]}" bench micro --data "$work/software/data" --origin "$origin" 2>>"$work/jobs.log")"
record micro 1 "$out"

# --- Report ------------------------------------------------------------------------------------------------------
commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty="$(git -C "$repo" status --porcelain -- src 2>/dev/null | head -c1 || true)"
cat <<EOF
## Kagi server benchmark results ($(date -u +%Y-%m-%dT%H:%MZ))

Commit $commit$([[ -n "$dirty" ]] && printf ' (with uncommitted changes in src/)'). Machine: $(machine_summary).
$(dotnet_summary),
$(openssl version 2>/dev/null || echo "OpenSSL unknown"). Data folders on $(df -T "$work" | awk 'NR == 2 { print $2 }').
Settings: BENCH_ROUNDS=$rounds BENCH_COUNT=$count BENCH_WARMUP=$warmup BENCH_CONCURRENCY="$concurrency"
BENCH_COMPARE_CONCURRENCY=$compare BENCH_AB_PAIRS=$ab_pairs BENCH_AB_BURST=$ab_burst BENCH_MS=$ms BENCH_PIN_MS=$pin_ms BENCH_PIN_ITERATIONS=$pin_iterations BENCH_PIN_HISTORY=$pin_history.

EOF
bench report --results "$results"
