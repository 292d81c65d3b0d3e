#!/usr/bin/env bash
# bench/run.sh - Kagi signing-throughput and CLI start-up benchmark on a throw-away SoftHSM2 token.
#
#   bench/run.sh
#
# 1. Creates a temporary SoftHSM2 token directory + configuration (SOFTHSM2_CONF, exported to every child
#    process: the module reads it with getenv() at C_Initialize), initializes a token, and generates an
#    EC P-256 and an RSA-2048 key pair with pkcs11-tool. PINs are random, travel only through environment
#    variables (pkcs11-tool's env:VAR form) and never appear on a command line.
# 2. Builds the native loop (bench/native/build.sh) and the C# loop (bench/Kagi.Bench, Release).
# 3. For each mechanism (ecdsa, rsa) runs BENCH_ROUNDS rounds; each round runs the C loop and the C# loop
#    for BENCH_MS milliseconds each, alternating which one goes first (C,C# / C#,C / ...), so slow drifts
#    in machine load hit both sides equally. Reports the medians and the ratio C#/C (>= 0.95 is the target).
# 4. If src/Kagi.Cli builds and has a working `tokens` command, measures `kagi tokens` start-up wall time
#    against `pkcs11-tool --list-token-slots` in the same run (hyperfine when installed, else a date loop).
#
# Environment (all optional):
#   BENCH_ROUNDS     rounds per mechanism                      (default 5)
#   BENCH_MS         duration of one run, milliseconds          (default 3000)
#   BENCH_WARMUP     untimed signatures before each run         (default 200)
#   BENCH_CLI_RUNS   timed runs per command for the CLI part    (default 10)
#   BENCH_MODULE     PKCS#11 module                             (default /usr/lib/softhsm/libsofthsm2.so)
#   BENCH_ARTIFACTS  .NET build output (dotnet --artifacts-path; default ${TMPDIR:-/tmp}/kagi-bench-artifacts).
#                    Kept outside src/ so the benchmark never races a developer's own incremental build.
#   BENCH_KEEP=1     keep the temporary token directory (its path is printed)
#
# Output: progress on stderr, the Markdown results on stdout.
set -euo pipefail

bench_name=bench
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rounds="${BENCH_ROUNDS:-5}"
ms="${BENCH_MS:-3000}"
warmup="${BENCH_WARMUP:-200}"
cli_runs="${BENCH_CLI_RUNS:-10}"
token_label="kagi-bench"

require_tools pkcs11-tool dotnet gcc awk od
require_module
[[ "$rounds" =~ ^[1-9][0-9]*$ && "$ms" =~ ^[1-9][0-9]*$ && "$warmup" =~ ^[0-9]+$ && "$cli_runs" =~ ^[1-9][0-9]*$ ]] ||
    die "BENCH_ROUNDS, BENCH_MS, BENCH_CLI_RUNS must be positive integers, BENCH_WARMUP a non-negative one"

# --- 1. Private SoftHSM2 token ----------------------------------------------------------------------------
bench_workdir kagi-bench
softhsm_conf
random_pins

p11() { pkcs11-tool --module "$module" "$@"; }

log "initializing SoftHSM2 token '$token_label' in $work/tokens"
init_token 0 "$token_label" "$work/setup.log"
init_user_pin "$token_label" "$work/setup.log"
log "generating EC P-256 and RSA-2048 key pairs"
p11 --token-label "$token_label" --login --pin env:KAGI_BENCH_PIN \
    --keypairgen --key-type EC:prime256v1 --label bench-ec --id 01 >>"$work/setup.log" 2>&1 ||
    { cat "$work/setup.log" >&2; die "EC key generation failed"; }
p11 --token-label "$token_label" --login --pin env:KAGI_BENCH_PIN \
    --keypairgen --key-type rsa:2048 --label bench-rsa --id 02 >>"$work/setup.log" 2>&1 ||
    { cat "$work/setup.log" >&2; die "RSA key generation failed"; }

# --- 2. Builds ---------------------------------------------------------------------------------------------
log "building the native loop"
"$here/native/build.sh" >&2
signloop="$here/native/bin/signloop"

log "building bench/Kagi.Bench (Release, artifacts in $artifacts)"
build_projects "$work/build-bench.log" "$here/Kagi.Bench/Kagi.Bench.csproj"
bench_dll="$(built_dll Kagi.Bench kagi-bench)"

# --- helpers -----------------------------------------------------------------------------------------------
# median of the numbers given as arguments
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# ratio a/b with 3 decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }'; }
fmt() { awk -v v="$1" -v d="${2:-1}" 'BEGIN { printf "%.*f", d, v }'; }
# pull opsPerSecond out of the one JSON line a loop prints
ops_per_second() {
    local v
    v="$(json_number opsPerSecond "$1")"
    [[ -n "$v" ]] || die "unexpected output: $1"
    printf '%s' "$v"
}

run_c() {
    "$signloop" --module "$module" --token "$token_label" --key "$1" --mech "$2" --ms "$ms" --warmup "$warmup"
}
run_cs() {
    dotnet "$bench_dll" sign --module "$module" --token "$token_label" --key "$1" --mech "$2" --ms "$ms" --warmup "$warmup" \
        2>>"$work/cs-$2.log"
}

# --- 3. Sign throughput ------------------------------------------------------------------------------------
declare -A med_c med_cs med_pair rounds_c rounds_cs
for mech in ecdsa rsa; do
    case "$mech" in
        ecdsa) key=bench-ec ;;
        rsa) key=bench-rsa ;;
    esac
    c_vals=() cs_vals=() pair_vals=()
    for ((r = 1; r <= rounds; r++)); do
        if ((r % 2)); then
            c="$(ops_per_second "$(run_c "$key" "$mech")")"
            cs="$(ops_per_second "$(run_cs "$key" "$mech")")"
        else
            cs="$(ops_per_second "$(run_cs "$key" "$mech")")"
            c="$(ops_per_second "$(run_c "$key" "$mech")")"
        fi
        c_vals+=("$c") cs_vals+=("$cs") pair_vals+=("$(ratio "$cs" "$c")")
        log "$mech round $r/$rounds: C $c ops/s, C# $cs ops/s (C#/C $(ratio "$cs" "$c"))"
    done
    med_c[$mech]="$(median "${c_vals[@]}")"
    med_cs[$mech]="$(median "${cs_vals[@]}")"
    med_pair[$mech]="$(median "${pair_vals[@]}")"
    rounds_c[$mech]="${c_vals[*]}"
    rounds_cs[$mech]="${cs_vals[*]}"
done

# --- 4. CLI start-up ---------------------------------------------------------------------------------------
cli_status="" cli_table=""
# prints the median wall time in milliseconds of "$@" over $cli_runs runs (after 2 warm-up runs)
measure_loop() {
    local i t0 t1 times=()
    for ((i = 0; i < 2; i++)); do "$@" >/dev/null 2>&1; done
    for ((i = 0; i < cli_runs; i++)); do
        t0="$(date +%s%N)"
        "$@" >/dev/null 2>&1
        t1="$(date +%s%N)"
        times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')")
    done
    median "${times[@]}"
}

kagi_dll="$artifacts/bin/Kagi.Cli/release/kagi.dll"
log "building src/Kagi.Cli (Release)"
if ! dotnet build "$repo/src/Kagi.Cli/Kagi.Cli.csproj" -c Release --artifacts-path "$artifacts" -nologo -v quiet >"$work/build-cli.log" 2>&1; then
    first_error="$(grep -m1 -o 'error [A-Z]*[0-9]*:[^[]*' "$work/build-cli.log" || true)"
    cli_status="skipped: src/Kagi.Cli does not build (${first_error:-see dotnet build -c Release src/Kagi.Cli})"
elif [[ ! -f "$kagi_dll" ]]; then
    cli_status="skipped: $kagi_dll not found after the build"
elif ! tokens_out="$(timeout 60 dotnet "$kagi_dll" tokens --module "$module" 2>&1)"; then
    cli_status="skipped: \`kagi tokens --module $module\` failed (no \`tokens\` command yet?)"
elif [[ "$tokens_out" != *"$token_label"* ]]; then
    cli_status="skipped: \`kagi tokens --module $module\` exits 0 but does not list the token '$token_label' (no \`tokens\` command yet?)"
else
    log "measuring CLI start-up ($cli_runs runs each)"
    if command -v hyperfine >/dev/null; then
        tool="hyperfine $(hyperfine --version | awk '{ print $2 }')"
        # -N: no intermediate shell; the commands take no shell syntax.
        hyperfine -N --style none --warmup 2 --runs "$cli_runs" --export-csv "$work/cli.csv" \
            "pkcs11-tool --module $module --list-token-slots" \
            "dotnet $kagi_dll tokens --module $module" >&2
        # CSV columns: command,mean,stddev,median,user,system,min,max (seconds)
        base_ms="$(awk -F, 'NR == 2 { printf "%.1f", $4 * 1000 }' "$work/cli.csv")"
        kagi_ms="$(awk -F, 'NR == 3 { printf "%.1f", $4 * 1000 }' "$work/cli.csv")"
    else
        tool="date +%s%N loop"
        base_ms="$(fmt "$(measure_loop pkcs11-tool --module "$module" --list-token-slots)")"
        kagi_ms="$(fmt "$(measure_loop dotnet "$kagi_dll" tokens --module "$module")")"
    fi
    cli_status="measured with $tool, $cli_runs runs each after 2 warm-up runs"
    cli_table="| Command | Median wall time (ms) | Ratio vs baseline |
|---|---:|---:|
| \`pkcs11-tool --module <softhsm> --list-token-slots\` (baseline) | $base_ms | 1.00 |
| \`dotnet kagi.dll tokens --module <softhsm>\` | $kagi_ms | $(ratio "$kagi_ms" "$base_ms" | awk '{ printf "%.2f", $1 }') |"
fi
[[ -n "$cli_table" ]] || log "CLI start-up $cli_status"

# --- Report ------------------------------------------------------------------------------------------------
# largest "bytes/op" kagi-bench reported for a mechanism (managed allocations inside the timed loop)
alloc_per_op() { grep -ho '[0-9.]* bytes/op' "$work/cs-$1.log" 2>/dev/null | sort -g | tail -n1 || true; }

cat <<EOF
## Kagi benchmark results ($(date -u +%Y-%m-%dT%H:%MZ))

Machine: $(machine_summary).
$(dotnet_summary). Module: $module. Settings: BENCH_ROUNDS=$rounds BENCH_MS=$ms BENCH_WARMUP=$warmup.

### Sign throughput (C_SignInit + C_Sign, one session, one thread)

| Mechanism | C loop median (ops/s) | C# loop median (ops/s) | Ratio C#/C (medians) | Median of per-round ratios | Target >= 0.95 |
|---|---:|---:|---:|---:|:---:|
EOF
for mech in ecdsa rsa; do
    r="$(ratio "${med_cs[$mech]}" "${med_c[$mech]}")"
    met="$(awk -v r="$r" 'BEGIN { print (r >= 0.95) ? "met" : "NOT met" }')"
    case "$mech" in
        ecdsa) label="CKM_ECDSA, P-256, 32-byte hash" ;;
        rsa) label="CKM_RSA_PKCS, RSA-2048, 51-byte DigestInfo" ;;
    esac
    printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$(fmt "${med_c[$mech]}")" "$(fmt "${med_cs[$mech]}")" "$r" "$(fmt "${med_pair[$mech]}" 3)" "$met"
done
cat <<EOF

Per-round ops/s (round order alternates C-first / C#-first):

EOF
for mech in ecdsa rsa; do
    printf -- '- %s: C [%s]; C# [%s]\n' "$mech" "${rounds_c[$mech]}" "${rounds_cs[$mech]}"
done
printf -- '- C# managed allocations in the timed loop (worst run): ecdsa %s, rsa %s\n' "$(alloc_per_op ecdsa)" "$(alloc_per_op rsa)"
printf '\n### CLI start-up (`kagi tokens`)\n\n'
if [[ -n "$cli_table" ]]; then
    printf '%s\n\n%s\n' "$cli_table" "($cli_status)"
else
    printf 'CLI start-up measurement %s\n' "$cli_status"
fi
