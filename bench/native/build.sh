#!/usr/bin/env bash
# Build the native PKCS#11 benchmark helpers into bench/native/bin/ (git-ignored).
# Needs gcc, libc6-dev and libp11-kit-dev (for <p11-kit/pkcs11.h>);
# scripts/setup-system.sh installs them.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/bin"
include_dir="/usr/include/p11-kit-1"

if [[ ! -f "$include_dir/p11-kit/pkcs11.h" ]]; then
    echo "build.sh: $include_dir/p11-kit/pkcs11.h not found; install libp11-kit-dev (scripts/setup-system.sh)" >&2
    exit 1
fi

mkdir -p "$out"
# -ldl is a no-op on glibc >= 2.34 (dlopen lives in libc) but keeps older systems working.
gcc -O2 -std=c11 -Wall -Wextra -Werror \
    -I"$include_dir" \
    -o "$out/signloop" "$here/signloop.c" -ldl
echo "built $out/signloop"
