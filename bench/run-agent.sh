#!/usr/bin/env bash
# bench/run-agent.sh - Kagi agent benchmarks, each against a baseline measured in the same run:
#   WebSocket "devices" round trip (p50/p99) against "hello" on the same socket and a plain HTTP GET on the same agent;
#   token insertion/removal to the event on a connected WebSocket client, against the agent's poll interval.
# Uses a throw-away SoftHSM2 token folder with two tokens. Prints a Markdown table.
#   BENCH_COUNT (2000) timed round trips, BENCH_WARMUP (300) untimed, BENCH_EVENTS (20) insert/remove cycles.
#   BENCH_KEEP=1 keeps the work folder (tokens and the build output, which is made afresh in it on every run).
set -euo pipefail
bench_name=bench-agent
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo"
bench_workdir kagi-bench-agent
artifacts="$work/artifacts"
softhsm_conf
for label in bench-a bench-b; do
    softhsm2-util --init-token --free --label "$label" --so-pin bench-so --pin bench-user > /dev/null
done
build_projects "$work/build.log" bench/Kagi.Bench.Agent
agent_dll="$(built_dll Kagi.Bench.Agent kagi-bench-agent)"
dotnet "$agent_dll"
