#!/usr/bin/env bash
# Runs every test: installs the system packages the tests need (SoftHSM2, OpenSC, opencryptoki, ...),
# prepares opencryptoki's soft token, builds the solution, runs the README's demo (scripts/demo.sh) and all test
# projects.
# Prints "N passed, N failed" as its last line; exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup-system.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build Kagi.slnx -c Release -v quiet -nologo
# scripts/kagi and scripts/kagi-server rebuild when sources are newer than their stamp; the solution build above
# just built both from these sources.
touch src/Kagi.Cli/bin/Release/net10.0/.built-from-sources src/Kagi.Server/bin/Release/net10.0/.built-from-sources

log=$(mktemp)
demo_log=$(mktemp)
trap 'rm -f "$log" "$demo_log"' EXIT
status=0

# The README's main command, as a person runs it: the whole story must end with the certificate on the token, the
# token active on the server, and a TLS client-authentication login from the token answered with its subject.
demo_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); p=s.getsockname()[1]; s.close(); print(p if p < 65000 else 28443)')
demo_ok=0
if KAGI_DEMO_PORT="$demo_port" scripts/demo.sh >"$demo_log" 2>&1 \
    && grep -q '"state": "active"' "$demo_log" \
    && grep -q '"commonName":"Taro Yamada"' "$demo_log"; then
    demo_ok=1
    echo "scripts/demo.sh: passed (certificate stored, token active, TLS client authentication from the token)"
else
    status=1
    echo "scripts/demo.sh: FAILED; its output:"
    cat "$demo_log"
fi

dotnet test Kagi.slnx -c Release --no-build -nologo 2>&1 | tee "$log" || status=$?

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 35, Skipped: 0, ...").
awk '/(Passed|Failed)! +- +Failed:/ {
        gsub(/,/, ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { p += ok; f += 1 - ok; printf "%d passed, %d failed, %d skipped\n", p, f, s }' ok="$demo_ok" "$log"
exit "$status"
