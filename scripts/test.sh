#!/usr/bin/env bash
# Runs every test: installs the system packages the tests need (SoftHSM2, OpenSC, opencryptoki, ...),
# prepares opencryptoki's soft token, builds the solution and runs all test projects.
# Prints "N passed, N failed" as its last line; exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup-system.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build Kagi.slnx -c Release -v quiet -nologo

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Kagi.slnx -c Release --no-build -nologo 2>&1 | tee "$log" || status=$?

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 35, Skipped: 0, ...").
awk '/(Passed|Failed)! +- +Failed:/ {
        gsub(/,/, ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
