#!/usr/bin/env bash
# Install the federation test's npm packages (exactly package-lock.json) into node_modules, unless
# the installed tree already matches the lockfile. The tests call this; `make test` needs nothing else.
# --ignore-scripts: no package here needs its install script (protobufjs' only checks versions).
# package.json's "overrides" hold @graphql-tools/{schema,merge,utils} (pulled in by @apollo/server) at
# the last releases that run on Node 20: newer ones need @whatwg-node/promise-helpers 2, Node >= 22.15.
# @apollo/subgraph stays at 2.14.4, like composition and gateway, because 2.15 needs Node >= 22.
set -euo pipefail
cd "$(dirname "$0")"

command -v node >/dev/null || { echo "install.sh: node is not on PATH (Node >= 20 is needed)" >&2; exit 1; }
command -v npm >/dev/null || { echo "install.sh: npm is not on PATH" >&2; exit 1; }

stamp=node_modules/.recgate-lock.sha256
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$wanted" ]]; then
  exit 0
fi
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
echo "$wanted" >"$stamp"
