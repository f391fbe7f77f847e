#!/usr/bin/env bash
# Prepares deploy/mosquitto/ for `mosquitto -c deploy/mosquitto/mosquitto.conf` (docs/relay.md, "Running
# Mosquitto for a shop or a test"):
# - the broker's key and a self-signed certificate, certs/broker.key and certs/broker.crt, made once
#   (terminals get broker.crt as EPOSD_RELAY_CA; a gateway on another machine as RELAY_BROKER_CA);
# - data/, where Mosquitto keeps the retained presences across restarts;
# - a user for each name given, with a new password printed once: a terminal's TID (8 digits) in
#   `passwords` (the terminals' listener, 8883), any other name, a gateway's, in `gateway-passwords`
#   (the gateways' listeners, 8884 and 1883 on loopback); eposd-relay --add-broker-user writes the line,
#   in the format of mosquitto_passwd;
# - run as root, the key, data/ and passwords are given to the user mosquitto, which Mosquitto becomes
#   when it is started as root and which must read them.
# Needs openssl and the build (npm run build).
#   deploy/mosquitto/setup.sh relay 10000001 [more TIDs…]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
relay="$here/../../dist/relay-gateway/main.js"
[ -f "$relay" ] || { echo "setup.sh: run npm run build first ($relay is missing)" >&2; exit 1; }
mkdir -p "$here/certs" "$here/data"
chmod 0700 "$here/data"
if [ ! -f "$here/certs/broker.key" ]; then
  names="DNS:localhost,IP:127.0.0.1,IP:::1,DNS:$(hostname)"
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 -subj "/CN=eposd relay broker" \
    -addext "subjectAltName=$names" -keyout "$here/certs/broker.key" -out "$here/certs/broker.crt" 2>/dev/null)
  chmod 0644 "$here/certs/broker.crt"
fi
for user in "$@"; do
  if [[ "$user" =~ ^[0-9]{8}$ ]]; then file="$here/passwords"; else file="$here/gateway-passwords"; fi
  echo "$user: $(RELAY_BROKER_PASSWORDS="$file" node "$relay" --add-broker-user "$user")"
done
if [ "$(id -u)" = 0 ] && id mosquitto >/dev/null 2>&1; then
  chown mosquitto: "$here/certs/broker.key" "$here/data"
  for file in "$here/passwords" "$here/gateway-passwords"; do [ ! -f "$file" ] || chown mosquitto: "$file"; done
fi
