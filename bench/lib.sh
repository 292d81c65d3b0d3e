# shellcheck shell=bash
# bench/lib.sh - the set-up the bench/run*.sh scripts share. Sourced (not run) by each, after `set -euo pipefail`:
#
#   bench_name=bench-server   # the prefix of log/die lines (default: bench)
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Sets here (bench/), repo (the checkout), module (BENCH_MODULE, default SoftHSM2's) and artifacts (BENCH_ARTIFACTS,
# .NET build output kept outside src/ so that a benchmark never races a developer's own incremental build; default
# ${TMPDIR:-/tmp}/kagi-bench-artifacts). The functions are described where they are defined.

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC2034 # repo, module and artifacts are for the scripts that source this file.
repo="$(cd "$here/.." && pwd)"
module="${BENCH_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"
artifacts="${BENCH_ARTIFACTS:-${TMPDIR:-/tmp}/kagi-bench-artifacts}"
bench_name="${bench_name:-bench}"
bench_pids=()

# log MESSAGE...: progress on stderr. die MESSAGE...: an error on stderr, then exit 1.
log() { printf '[%s] %s\n' "$bench_name" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$bench_name" "$*" >&2; exit 1; }

# require_tools TOOL...: dies when one is not on the PATH.
require_tools() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || die "$tool not found (scripts/setup-system.sh installs the prerequisites)"
    done
}

# require_module: dies when $module is not a file.
require_module() { [[ -f "$module" ]] || die "PKCS#11 module $module not found (set BENCH_MODULE)"; }

# bench_workdir PREFIX: makes the throw-away work folder $work (${TMPDIR:-/tmp}/PREFIX.XXXXXX) and sets the EXIT trap
# that stops the processes given to bench_track and removes $work (kept, and its path logged, with BENCH_KEEP=1).
bench_workdir() {
    work="$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")"
    trap bench_cleanup EXIT
}
# bench_track PID...: processes to stop on exit.
bench_track() { bench_pids+=("$@"); }
bench_cleanup() {
    local pid
    for pid in "${bench_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
}

# softhsm_conf: an empty SoftHSM2 token folder $work/tokens and its configuration, exported as SOFTHSM2_CONF to every
# child process (the module reads it with getenv() at C_Initialize, and sees only the tokens that exist by then).
softhsm_conf() {
    mkdir -p "$work/tokens"
    printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/tokens" >"$work/softhsm2.conf"
    export SOFTHSM2_CONF="$work/softhsm2.conf"
}

# random_pins: random KAGI_BENCH_PIN and KAGI_BENCH_SO_PIN, exported: PINs travel only through the environment
# (pkcs11-tool's env:VAR form), never on a command line.
random_pins() {
    KAGI_BENCH_PIN="$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
    KAGI_BENCH_SO_PIN="$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
    export KAGI_BENCH_PIN KAGI_BENCH_SO_PIN
}

# init_token SLOT LABEL LOG: initializes the token in slot index SLOT of $module with the SO PIN KAGI_BENCH_SO_PIN;
# init_user_pin LABEL LOG: sets its user PIN to KAGI_BENCH_PIN. Output goes to LOG; on failure it is shown and they die.
init_token() {
    pkcs11-tool --module "$module" --init-token --slot-index "$1" --label "$2" --so-pin env:KAGI_BENCH_SO_PIN >>"$3" 2>&1 ||
        { cat "$3" >&2; die "token initialization failed"; }
}
init_user_pin() {
    pkcs11-tool --module "$module" --token-label "$1" --login --login-type so --so-pin env:KAGI_BENCH_SO_PIN \
        --init-pin --pin env:KAGI_BENCH_PIN >>"$2" 2>&1 || { cat "$2" >&2; die "user PIN initialization failed"; }
}

# build_projects LOG PROJECT...: dotnet build -c Release --artifacts-path $artifacts, quietly, one after the other;
# shows LOG and dies when one does not build.
build_projects() {
    local build_log="$1" project
    shift
    for project in "$@"; do
        dotnet build "$project" -c Release --artifacts-path "$artifacts" -nologo -v quiet >"$build_log" 2>&1 ||
            { cat "$build_log" >&2; die "$project does not build"; }
    done
}

# built_dll PROJECT ASSEMBLY: prints $artifacts/bin/PROJECT/release/ASSEMBLY.dll; dies when it is not there.
built_dll() {
    local dll="$artifacts/bin/$1/release/$2.dll"
    [[ -f "$dll" ]] || die "$dll not found after the build"
    printf '%s' "$dll"
}

# free_port: prints a TCP port that nothing listens on at 127.0.0.1 (from a random one in 18000-19999 upwards).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
    local port=$((18000 + RANDOM % 2000))
    while ! port_free "$port"; do port=$((port + 1)); done
    printf '%s' "$port"
}

# start_kagi_server LOG ARGUMENT...: kagi-server.dll ($server_dll) in the background with its output in LOG, stopped on
# exit; its pid in server_pid. The secret (KAGI__SECRETKEY) and any token PIN are given by the caller in the
# environment (VAR=... start_kagi_server ...), never as arguments.
start_kagi_server() {
    local server_log="$1"
    shift
    dotnet "${server_dll:?set server_dll first (built_dll Kagi.Server kagi-server)}" "$@" >"$server_log" 2>&1 &
    server_pid=$!
    bench_track "$server_pid"
}

# wait_ready PID LOG TRIES DELAY CHECK...: runs CHECK until it succeeds, at most TRIES times DELAY seconds apart, and
# returns 0; returns 1 after showing the end of LOG when the tries run out or process PID ends first.
wait_ready() {
    local pid="$1" wait_log="$2" tries="$3" delay="$4" i
    shift 4
    for ((i = 0; i < tries; i++)); do
        "$@" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep "$delay"
    done
    tail -n 20 "$wait_log" >&2
    return 1
}

# json_number NAME JSON: the number after "NAME": in a one-line JSON document, or nothing.
json_number() { printf '%s\n' "$2" | grep -o "\"$1\":[0-9.]*" | cut -d: -f2 || true; }

# machine_summary: "N CPU(s), CPU MODEL; load average at the end: L1 L5 L15". dotnet_summary: ".NET SDK V, KERNEL".
machine_summary() {
    local cpu
    cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
    printf '%s CPU(s), %s; load average at the end: %s' "$(nproc)" "${cpu:-unknown CPU}" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
dotnet_summary() { printf '.NET SDK %s, %s' "$(dotnet --version)" "$(uname -sr)"; }
