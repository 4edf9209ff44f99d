#!/usr/bin/env bash
# Starts cognito-local (the npm package pinned in package.json, installed with `npm ci` when
# node_modules is missing) for the side-by-side benchmark (bench/run, docs/benchmarks.md), then
# creates an MFA OFF user pool like Cognate's bench pool (email as the username, email
# auto-verified, so SignUp sends a code) and an app client through its JSON API.
#
# Confirmation codes: cognito-local prints each in a box on its stdout (its console message
# sender), but through pino-pretty → sonic-boom 2.8.0, which counts the bytes it wrote against
# the string's length in characters (3.8.1 and 4.2.0 too, when a whole write succeeds): after a
# box (multi-byte ╭─│) the rest of its buffer stays unwritten until the next log line, so under
# load the last codes of a burst never reach the file. So the server runs with its documented
# CODE variable instead: every code is CODE (6 random digits), still printed in the box, and
# cognate-bench gets it with --code.
#
# Usage: bench/cognito-local/start.sh [--users N] [DIR]
#   DIR: the folder it runs in (created; default a new temp folder). cognito-local keeps its data
#   in DIR/.cognito; its stdout and stderr go to DIR/stdout and DIR/stderr.
#   --users N: pre-fill the pool with the N confirmed users `cognate seed --users N` creates
#   (user<i>@seed.example, password Seed-Passw0rd!, email verified). SignUp would take minutes
#   (cognito-local rewrites its whole pool file on every change), so after creating the pool the
#   server is stopped, seed.mjs writes the users into its pool file, and the server is started
#   again on the same port and folder (the printed pid is the new one).
# Prints KEY=VALUE lines for bench/run and cognate-bench:
#   endpoint=http://127.0.0.1:PORT pool_id=… client_id=… code=… pid=… (the node process)
# The server keeps running: stop it with `kill PID`.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage="usage: $0 [--users N] [DIR]"
users=0
dir=
while (($#)); do
  case $1 in
    --users) (($# >= 2)) || { echo "$usage" >&2; exit 2; }; users=$2; shift 2 ;;
    --users=*) users=${1#--users=}; shift ;;
    -h | --help) echo "$usage"; exit 0 ;;
    -*) echo "$usage" >&2; exit 2 ;;
    *) [[ -z $dir ]] || { echo "$usage" >&2; exit 2; }; dir=$1; shift ;;
  esac
done
[[ $users =~ ^[0-9]+$ ]] || { echo "start.sh: --users wants a number, not '$users'" >&2; exit 2; }
dir=${dir:-$(mktemp -d "${TMPDIR:-/tmp}/cognito-local-XXXXXX")}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

if [[ ! -d "$here/node_modules/cognito-local" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

# A free port: cognito-local puts HOST:PORT in its tokens' issuer, so port 0 would not do.
port=$(node -e 'const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
code=$(od -An -N4 -tu4 /dev/urandom | awk '{ printf "%06d", $1 % 1000000 }')
endpoint="http://127.0.0.1:$port"

# Starts the server in the background (sets pid) and waits until it listens: until DIR/stdout,
# which every start appends to, holds one more "running on" line than before.
start_server() {
  local before
  before=$(grep -c "running on $endpoint" "$dir/stdout" || true)
  (cd "$dir" && HOST=127.0.0.1 PORT=$port CODE=$code \
     exec node "$here/node_modules/cognito-local/lib/bin/start.js" >>stdout 2>>stderr) &
  pid=$!
  for _ in $(seq 150); do  # 15 s
    (($(grep -c "running on $endpoint" "$dir/stdout" || true) > before)) && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "start.sh: cognito-local did not start" >&2
  cat "$dir/stdout" "$dir/stderr" >&2
  kill "$pid" 2>/dev/null || true
  exit 2
}

# Stops it and waits for it to exit (it is this shell's child).
stop_server() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

: >"$dir/stdout"
: >"$dir/stderr"
start_server

# CreateUserPool + CreateUserPoolClient; prints "POOL_ID CLIENT_ID".
if ! ids=$(node --input-type=module -e '
const endpoint = process.argv[1];
async function call(operation, body) {
  const r = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${operation}: HTTP ${r.status} ${text}`);
  return JSON.parse(text);
}
const { UserPool } = await call("CreateUserPool", {
  PoolName: "bench",
  MfaConfiguration: "OFF",
  UsernameAttributes: ["email"],
  AutoVerifiedAttributes: ["email"],
});
const { UserPoolClient } = await call("CreateUserPoolClient", {
  UserPoolId: UserPool.Id,
  ClientName: "bench",
  ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
});
console.log(UserPool.Id, UserPoolClient.ClientId);
' "$endpoint"); then
  kill "$pid" 2>/dev/null || true
  exit 2
fi
read -r pool_id client_id <<<"$ids"

if ((users > 0)); then
  stop_server
  if ! node "$here/seed.mjs" "$dir/.cognito/db/$pool_id.json" "$users"; then
    exit 2
  fi
  start_server
fi
echo "endpoint=$endpoint"
echo "pool_id=$pool_id"
echo "client_id=$client_id"
echo "code=$code"
echo "pid=$pid"
