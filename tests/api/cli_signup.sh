#!/usr/bin/env bash
# The README's "Try it with the AWS CLI" walkthrough against a real `cognate sandbox` started with
# its defaults in a fresh folder (only the port differs): sign up, read the code from the outbox
# .eml, confirm, and check what a second confirm and a resend then answer. Also runs the sign-up
# command the sandbox prints. Uses the system AWS CLI v2 (/usr/bin/aws) with no credentials.
#
# Usage: tests/api/cli_signup.sh [PATH_TO_COGNATE]   (default: $COGNATE_BIN, else build/cognate)
# Prints one line per check, then "N passed, N failed"; exits non-zero when a check failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/cli_harness.sh
source "$here/lib/cli_harness.sh" "${1:-}" cognate-cli

# --- make sandbox, in a project folder of its own ---------------------------------------------
project="$tmp/project"
mkdir -p "$project/amplify"
cp "$root/tests/fixtures/seed-auth.json" "$project/amplify/auth.json"
cd "$project"
"$bin" sandbox --listen 127.0.0.1:0 >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!

ENDPOINT=""
for _ in $(seq 150); do  # 15 s
  ENDPOINT=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$tmp/stdout" | head -n 1 | cut -d' ' -f3 || true)
  [[ -n "$ENDPOINT" ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$ENDPOINT" ]]; then
  fail "sandbox starts and listens" "$(cat "$tmp/stdout" "$tmp/stderr")"
  finish
fi
pass "sandbox listens on $ENDPOINT"

# --- the README walkthrough, command for command (with /usr/bin/aws) --------------------------
if ! CLIENT_ID=$("$python" -c 'import json; print(json.load(open("amplify_outputs.json"))["auth"]["user_pool_client_id"])' 2>&1); then
  fail "amplify_outputs.json holds the app client id" "$CLIENT_ID"
  finish
fi
pass "amplify_outputs.json holds the app client id $CLIENT_ID"

# Prints [UserConfirmed, CodeDeliveryDetails] of a SignUp answer on stdin, keys sorted.
sign_up_summary() {
  "$python" -c '
import json, sys
d = json.load(sys.stdin)
print(json.dumps([d["UserConfirmed"], d["CodeDeliveryDetails"]], sort_keys=True))' 2>&1 || true
}
delivery() {
  echo "[false, {\"AttributeName\": \"email\", \"DeliveryMedium\": \"EMAIL\", \"Destination\": \"$1\"}]"
}

if out=$("$aws" cognito-idp sign-up --endpoint-url $ENDPOINT --region us-east-1 --no-sign-request \
  --client-id "$CLIENT_ID" --username alice@example.com --password 'Passw0rd!' 2>&1); then
  summary=$(printf '%s' "$out" | sign_up_summary)
else
  summary="exit status $?"
fi
if [[ "$summary" == "$(delivery 'a***@e***')" ]]; then
  pass "sign-up answers UserConfirmed false and a masked e-mail destination"
else
  fail "sign-up answers UserConfirmed false and a masked e-mail destination" \
    "want: $(delivery 'a***@e***')" "got:  $summary" "$out"
  finish
fi

# The README reads the code with grep; wait (bounded) for the email to be written first.
CODE=""
for _ in $(seq 100); do  # 10 s
  CODE=$(grep -ho 'verify your account: [0-9]\{6\}' .cognate/outbox/*.eml 2>/dev/null | tail -1 | grep -o '[0-9]\{6\}' || true)
  [[ -n "$CODE" ]] && break
  sleep 0.1
done

# The same email read properly (headers, quoted-printable body) must agree.
parsed=$("$python" - .cognate/outbox alice@example.com <<'EOF' 2>&1 || true
import email, email.policy, pathlib, re, sys
outbox, to = pathlib.Path(sys.argv[1]), sys.argv[2]
for path in sorted(outbox.rglob("*.eml")):
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    if msg["To"] and msg["To"].addresses[0].addr_spec.lower() == to:
        body = msg.get_body().get_content()  # decodes quoted-printable
        m = re.search(r"(?<!\d)\d{6}(?!\d)", body)
        print(msg["Subject"], m.group(0) if m else "no code", sep=" | ")
EOF
)
if [[ "$CODE" =~ ^[0-9]{6}$ && "$parsed" == "Welcome to Our Workshop App | $CODE" ]]; then
  pass "the outbox holds one email \"Welcome to Our Workshop App\" with code $CODE"
else
  fail "the outbox holds one email with the subject and a 6-digit code" \
    "grep found: '$CODE'" "parsed: '$parsed'" "$(ls -R .cognate 2>&1)"
  finish
fi

cli() {
  "$aws" cognito-idp "$@" --endpoint-url "$ENDPOINT" --region us-east-1 --no-sign-request
}

# Expects `cli ARGS...` to fail with exactly this error type and message.
expect_error() {
  local name=$1 type=$2 operation=$3 message=$4
  shift 4
  local out rc=0
  out=$(cli "$@" 2>&1) || rc=$?
  local want="An error occurred ($type) when calling the $operation operation: $message"
  if [[ $rc -ne 0 ]] && grep -qxF "$want" <<<"$out"; then
    pass "$name"
  else
    fail "$name" "exit status $rc" "want: $want" "got:  $out"
  fi
}

wrong=$(printf '%06d' $(((10#$CODE + 1) % 1000000)))
expect_error "confirm-sign-up with a wrong code fails with CodeMismatchException" \
  CodeMismatchException ConfirmSignUp "Invalid verification code provided, please try again." \
  confirm-sign-up --client-id "$CLIENT_ID" --username alice@example.com --confirmation-code "$wrong"

if out=$(cli confirm-sign-up --client-id "$CLIENT_ID" --username alice@example.com \
  --confirmation-code "$CODE" 2>&1); then
  pass "confirm-sign-up with the emailed code succeeds"
else
  fail "confirm-sign-up with the emailed code succeeds" "$out"
fi

expect_error "a second confirm-sign-up fails with NotAuthorizedException" \
  NotAuthorizedException ConfirmSignUp "User cannot be confirmed. Current status is CONFIRMED" \
  confirm-sign-up --client-id "$CLIENT_ID" --username alice@example.com --confirmation-code "$CODE"

expect_error "resend-confirmation-code then says the user is already confirmed" \
  InvalidParameterException ResendConfirmationCode "User is already confirmed." \
  resend-confirmation-code --client-id "$CLIENT_ID" --username alice@example.com

expect_error "sign-up again with the same e-mail fails with UsernameExistsException" \
  UsernameExistsException SignUp "An account with the given email already exists." \
  sign-up --client-id "$CLIENT_ID" --username alice@example.com --password 'Passw0rd!'

# --- the sign-up command the sandbox prints works as pasted (no --no-sign-request) -----------
printed=$(sed -n 's/^AWS CLI: //p' "$tmp/stdout" | head -n 1)
if [[ "$printed" == "aws cognito-idp sign-up "*"--endpoint-url $ENDPOINT "*"--client-id $CLIENT_ID "*"--username "*" --password "* ]]; then
  pass "sandbox prints a sign-up command for its endpoint and client"
  username=$(sed -n 's/.*--username \([^ ]*\).*/\1/p' <<<"$printed")
  if out=$(eval "\"\$aws\" ${printed#aws } --output json" 2>&1); then
    summary=$(printf '%s' "$out" | sign_up_summary)
  else
    summary="exit status $?"
  fi
  local_part=${username%%@*}
  domain=${username#*@}
  want=$(delivery "${local_part:0:1}***@${domain:0:1}***")
  if [[ "$summary" == "$want" ]]; then
    pass "the printed command signs up $username"
  else
    fail "the printed command signs up $username" "command: $printed" "want: $want" "got:  $summary" "$out"
  fi
else
  fail "sandbox prints a sign-up command for its endpoint and client" "printed: $printed"
fi

if kill -0 "$pid" 2>/dev/null; then
  pass "sandbox still running"
else
  fail "sandbox still running" "$(tail -n 20 "$tmp/stdout" "$tmp/stderr")"
fi

finish
