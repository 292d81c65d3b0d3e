#!/usr/bin/env bash
# bench/run-agent.sh - Kagi agent benchmarks, each against a baseline measured in the same run:
#   WebSocket "devices" round trip (p50/p99) against "hello" on the same socket and a plain HTTP GET on the same agent;
#   token insertion/removal to the event on a connected WebSocket client, against the agent's poll interval.
# Uses a throw-away SoftHSM2 token folder with two tokens. Prints a Markdown table.
#   BENCH_COUNT (2000) timed round trips, BENCH_WARMUP (300) untimed, BENCH_EVENTS (20) insert/remove cycles.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/tokens" > "$work/softhsm2.conf"
export SOFTHSM2_CONF="$work/softhsm2.conf"
for label in bench-a bench-b; do
    softhsm2-util --init-token --free --label "$label" --so-pin bench-so --pin bench-user > /dev/null
done
dotnet build bench/Kagi.Bench.Agent -c Release -v quiet -nologo --artifacts-path "$work/artifacts" > /dev/null
dotnet "$work/artifacts/bin/Kagi.Bench.Agent/release/kagi-bench-agent.dll"
