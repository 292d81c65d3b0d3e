#!/usr/bin/env bash
# The quick-start demo, the whole story on embedded defaults:
#   a Kagi server (SQLite, development CA) starts; an operator registers a user, distributes a SoftHSM2 token,
#   assigns it and sends the storage PIN (to the development mail folder); `kagi enroll` runs unattended with that
#   PIN; `kagi certs` shows the certificate on the token, which the server lists as active; finally the certificate
#   logs in over TLS client authentication: curl, with the key on the token (libengine-pkcs11-openssl), asks the
#   server's client-authentication listener who it is.
# Everything lives in .kagi-demo/; running again starts over.
#
#   scripts/demo.sh             the story above, unattended, then stops the server
#   scripts/demo.sh --browser   then also prepares a second SoftHSM2 token for a second demo user, prints its storage
#                               PIN, and runs `kagi agent` (server kept running) so a person can store its
#                               certificate through the browser wizard, view/export it and change the PIN; the
#                               server's portal page (/portal) finds the agent. Ctrl+C stops both.
#   scripts/demo.sh --wizard    the same second token, but the terminal wizard (`kagi wizard`) runs in this terminal
#                               against the running server; the server stops when the wizard ends.
set -euo pipefail
second=""
case "${1:-}" in
    "") ;;
    --browser) second=browser ;;
    --wizard) second=wizard ;;
    *) echo "usage: scripts/demo.sh [--browser | --wizard]" >&2; exit 2 ;;
esac
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"

scripts/setup-system.sh >/dev/null

demo="$root/.kagi-demo"
rm -rf "$demo"
mkdir -p "$demo/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$demo/tokens" > "$demo/softhsm2.conf"
export SOFTHSM2_CONF="$demo/softhsm2.conf"
export KAGI_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
port="${KAGI_DEMO_PORT:-18443}"
export KAGI_SERVER="https://127.0.0.1:$port" KAGI_SERVER_CA="$demo/server/ca/root.pem"
client_auth="https://127.0.0.1:$((port + 1))"

echo "== Starting the Kagi server on $KAGI_SERVER (data in .kagi-demo/server)"
scripts/kagi >/dev/null 2>&1 --help || true   # build the CLI while the server builds below
KAGI_DATA="$demo/server" KAGI_URLS="$KAGI_SERVER" scripts/kagi-server --Kagi:Mail:Language=en --Kagi:ClientAuth:Url="$client_auth" \
    --Logging:LogLevel:Default=Warning > "$demo/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do   # the first start builds the server (minutes on a busy machine)
    if [[ -f "$KAGI_SERVER_CA" ]] && curl -sf --cacert "$KAGI_SERVER_CA" "$KAGI_SERVER/health" >/dev/null; then break; fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$demo/server.log"; exit 1; }
    sleep 0.5
done
KAGI_API_KEY="$(cat "$demo/server/operator-api-key.txt")"
export KAGI_API_KEY

echo "== Operator: register the user, distribute and assign the token, send the storage PIN"
scripts/kagi admin user add --employee-id E0001 --name "Taro Yamada" --kanji-name "山田 太郎" --email taro@example.jp >/dev/null
serial="$(scripts/kagi admin token distribute --label "Kagi Demo Token" | sed -n 's/.*"serial": "\([^"]*\)".*/\1/p')"
scripts/kagi admin token assign "$serial" --employee-id E0001 >/dev/null
scripts/kagi admin token storage-pin "$serial" >/dev/null
mail="$(ls -t "$demo/server/mail"/*.eml | head -n 1)"
# The body is quoted-printable: undo soft line breaks, then read the PIN line.
storage_pin="$(tr -d '\r' < "$mail" | sed -e ':a' -e '/=$/{N;s/=\n//;ba' -e '}' | sed -n 's/.*Storage PIN: \([A-Za-z0-9]*\).*/\1/p' | head -n 1)"
echo "   token $serial assigned to Taro Yamada; storage PIN mailed to $(basename "$mail")"
unset KAGI_API_KEY

user_pin="k4g1demo"
echo "== User: kagi enroll (unattended: storage PIN and new user PIN on standard input)"
printf '%s\n%s\n' "$storage_pin" "$user_pin" | scripts/kagi enroll --storage-pin-stdin --new-pin-stdin --yes

echo
echo "\$ kagi certs"
scripts/kagi certs
echo
echo "\$ kagi admin token list"
KAGI_API_KEY="$(cat "$demo/server/operator-api-key.txt")" scripts/kagi admin token list

echo
echo "== TLS client authentication with the key on the token (curl + libengine-pkcs11-openssl)"
# The engine reads the PIN from a file only this user can read; it never appears on a command line.
(umask 077 && printf '%s' "$user_pin" > "$demo/user-pin")
token_uri="pkcs11:serial=$serial;object=Taro%20Yamada"
echo "\$ curl --engine pkcs11 --cert-type ENG --cert '$token_uri;type=cert' --key-type ENG --key '$token_uri;type=private;pin-source=file:.kagi-demo/user-pin' $client_auth/whoami"
PKCS11_MODULE_PATH="$KAGI_PKCS11_MODULE" curl -sS --fail-with-body --cacert "$KAGI_SERVER_CA" --engine pkcs11 \
    --cert-type ENG --cert "$token_uri;type=cert" \
    --key-type ENG --key "$token_uri;type=private;pin-source=file:$demo/user-pin" \
    "$client_auth/whoami"
echo

cat > "$demo/env" <<ENV
export SOFTHSM2_CONF="$demo/softhsm2.conf"
export KAGI_PKCS11_MODULE=$KAGI_PKCS11_MODULE
export KAGI_SERVER=$KAGI_SERVER KAGI_SERVER_CA=$KAGI_SERVER_CA
ENV
echo
echo "Done: the certificate is on the demo token (user PIN: $user_pin), the server lists the token as active, and the"
echo "certificate logged in over TLS client authentication at $client_auth/whoami."
echo "Try: source .kagi-demo/env && scripts/kagi login && scripts/kagi cert show FC... && scripts/kagi pin change"
echo "Restart the demo server with: KAGI_DATA=.kagi-demo/server KAGI_URLS=$KAGI_SERVER scripts/kagi-server --Kagi:ClientAuth:Url=$client_auth"

if [[ -n "$second" ]]; then
    echo
    echo "== Second demo: a second token (its own SoftHSM2 folder) for Hanako Sato, ready for the $second"
    mkdir -p "$demo/browser-tokens"
    printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$demo/browser-tokens" > "$demo/browser-softhsm2.conf"
    export SOFTHSM2_CONF="$demo/browser-softhsm2.conf"
    KAGI_API_KEY="$(cat "$demo/server/operator-api-key.txt")"
    export KAGI_API_KEY
    scripts/kagi admin user add --employee-id E0002 --name "Hanako Sato" --kanji-name "佐藤 花子" --email hanako@example.jp >/dev/null
    serial2="$(scripts/kagi admin token distribute --label "Kagi Browser Demo" | sed -n 's/.*"serial": "\([^"]*\)".*/\1/p')"
    scripts/kagi admin token assign "$serial2" --employee-id E0002 >/dev/null
    scripts/kagi admin token storage-pin "$serial2" >/dev/null
    unset KAGI_API_KEY
    mail2="$(ls -t "$demo/server/mail"/*.eml | head -n 1)"
    storage_pin2="$(tr -d '\r' < "$mail2" | sed -e ':a' -e '/=$/{N;s/=\n//;ba' -e '}' | sed -n 's/.*Storage PIN: \([A-Za-z0-9]*\).*/\1/p' | head -n 1)"
    echo "   token $serial2 assigned to Hanako Sato; storage PIN (from $(basename "$mail2")): $storage_pin2"
    printf 'export SOFTHSM2_CONF="%s"\n' "$SOFTHSM2_CONF" > "$demo/env-second"
    if [[ "$second" == browser ]]; then
        echo "   Portal page: $KAGI_SERVER/portal (the browser must trust $KAGI_SERVER_CA, or accept the warning)"
        echo "== Starting kagi agent (Ctrl+C stops it and the server)"
        scripts/kagi agent --allow-origin "$KAGI_SERVER"
    else
        echo "== Starting the wizard: choose 1 (store a certificate), type the storage PIN above at STEP 3, choose a user"
        echo "   PIN at STEP 4. Enter goes on, c cancels. The server stops when the wizard ends."
        scripts/kagi wizard || true
        echo "Afterwards: source .kagi-demo/env && source .kagi-demo/env-second && scripts/kagi certs"
    fi
fi
