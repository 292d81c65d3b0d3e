#!/usr/bin/env bash
# The quick-start demo: a SoftHSM2 token in .kagi-demo/ gets a key pair generated on the token and a demo
# certificate, then `kagi tokens` and `kagi certs` show them. Safe to run again (it starts over).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup-system.sh >/dev/null

demo="$PWD/.kagi-demo"
rm -rf "$demo"
mkdir -p "$demo/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$demo/tokens" > "$demo/softhsm2.conf"
export SOFTHSM2_CONF="$demo/softhsm2.conf"
export KAGI_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so

# Demo PINs only: the SO PIN is random and discarded; the user PIN is printed so you can try `kagi login`.
KAGI_DEMO_SO_PIN="$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 16)"
KAGI_DEMO_USER_PIN="k4g1demo"
export KAGI_DEMO_SO_PIN KAGI_DEMO_USER_PIN
pkcs11-tool --module "$KAGI_PKCS11_MODULE" --init-token --slot-index 0 --label "Kagi Demo Token" \
    --so-pin env:KAGI_DEMO_SO_PIN >/dev/null
pkcs11-tool --module "$KAGI_PKCS11_MODULE" --token-label "Kagi Demo Token" --login --login-type so \
    --so-pin env:KAGI_DEMO_SO_PIN --init-pin --pin env:KAGI_DEMO_USER_PIN >/dev/null
unset KAGI_DEMO_SO_PIN

printf '%s\n' "$KAGI_DEMO_USER_PIN" | scripts/kagi demo setup --pin-stdin
echo
echo "\$ kagi tokens"
scripts/kagi tokens
echo
echo "\$ kagi certs"
scripts/kagi certs

cat > "$demo/env" <<ENV
export SOFTHSM2_CONF="$demo/softhsm2.conf"
export KAGI_PKCS11_MODULE=$KAGI_PKCS11_MODULE
ENV
echo
echo "Demo token ready (user PIN: $KAGI_DEMO_USER_PIN). Try it:"
echo "  source .kagi-demo/env && scripts/kagi login && scripts/kagi cert show FC... && scripts/kagi pin change"
