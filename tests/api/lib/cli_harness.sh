# Sourced by the AWS CLI scripts (tests/api/cli_*.sh) after they set `here`:
#   source "$here/lib/cli_harness.sh" "${1:-}" TEMP_PREFIX
# Sets root, bin (the cognate binary: the argument, else $COGNATE_BIN, else build/cognate), aws,
# oathtool, python, tmp (a fresh folder removed on exit) and pid (set it to the sandbox's pid: it
# is stopped on exit); makes the AWS CLI run with no credentials, profile, pager or metadata
# look-ups; defines pass/fail/fatal/finish, which print "ok - …"/"not ok - …" lines and end with
# "N passed, N failed" (exit 1 when a check failed).

root=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:-${COGNATE_BIN:-$root/build/cognate}}")
aws=${AWS_CLI:-/usr/bin/aws}
oathtool=${OATHTOOL:-/usr/bin/oathtool}
python=${COGNATE_TEST_PYTHON:-/usr/bin/python3}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/${2:-cognate-cli}-XXXXXX")
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# No credentials and no profile, as on a fresh machine; no pager and no instance-metadata
# look-ups, so nothing waits.
export AWS_CONFIG_FILE="$tmp/aws-config" AWS_SHARED_CREDENTIALS_FILE="$tmp/aws-credentials"
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true

passed=0
failed=0
pass() { echo "ok - $1"; passed=$((passed + 1)); }
fail() {
  echo "not ok - $1"
  shift
  for detail in "$@"; do echo "    $detail"; done
  failed=$((failed + 1))
}
finish() {
  echo "$passed passed, $failed failed"
  if [[ "$failed" -ne 0 ]]; then
    exit 1
  fi
  exit 0
}
# A failed step the rest depends on: report it and stop.
fatal() {
  fail "$@"
  finish
}
