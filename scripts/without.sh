#!/usr/bin/env bash
# Runs a command on a PATH without the programs named, as on a machine that never installed them:
#   scripts/without.sh mosquitto mosquitto_passwd chromium -- npm test
# The PATH is one folder of links to every other program of the current PATH (the first of each name).
set -euo pipefail
hidden=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do hidden+=("$1"); shift; done
[ "$#" -gt 1 ] || { echo "usage: scripts/without.sh PROGRAM... -- COMMAND..." >&2; exit 2; }
shift
bare=$(mktemp -d "${TMPDIR:-/tmp}/eposd-bare-path-XXXXXX")
trap 'rm -rf "$bare"' EXIT
IFS=: read -r -a dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
  for program in "$dir"/*; do
    name=${program##*/}
    [ -x "$program" ] && [ ! -e "$bare/$name" ] || continue
    for h in "${hidden[@]}"; do [ "$name" = "$h" ] && continue 2; done
    ln -s "$program" "$bare/$name"
  done
done
PATH=$bare "$@"
