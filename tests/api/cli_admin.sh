#!/usr/bin/env bash
# The README's "Operate it" section against a real `cognate sandbox` in a fresh folder, with the
# system AWS CLI v2 (/usr/bin/aws) signing every admin call (SigV4) with the key the sandbox wrote
# to .cognate/aws-credentials: list-users with a filter, admin-get-user, disable/enable (a
# disabled user's token is refused at once), global sign-out, a lost authenticator reset
# (MFA_SETUP again), admin-reset-user-password, admin-set-user-password, an invited user
# (admin-create-user: the emailed temporary password, NEW_PASSWORD_REQUIRED, then MFA_SETUP),
# admin-delete-user; list-users following pagination across 132 users; a second pool with a
# client that has a secret (sign-up and sign-in with SECRET_HASH, deletion protection, the
# declared pool kept); and every way a signature
# can be refused: none, a wrong secret, an unknown key, a key limited to other operations
# (AccessDeniedException), a revoked key.
#
# Usage: tests/api/cli_admin.sh [PATH_TO_COGNATE]   (default: $COGNATE_BIN, else build/cognate)
# Prints one line per check, then "N passed, N failed"; exits non-zero when a check failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/cli_harness.sh
source "$here/lib/cli_harness.sh" "${1:-}" cognate-admin

project="$tmp/project"
mkdir -p "$project/amplify"
cp "$root/tests/fixtures/seed-auth.json" "$project/amplify/auth.json"
cd "$project"
"$bin" sandbox --listen 127.0.0.1:0 >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
ENDPOINT=""
for _ in $(seq 150); do
  ENDPOINT=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$tmp/stdout" | head -n 1 | cut -d' ' -f3 || true)
  [[ -n "$ENDPOINT" ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n "$ENDPOINT" ]] || fatal "sandbox starts and listens" "$(cat "$tmp/stdout" "$tmp/stderr")"
pass "sandbox listens on $ENDPOINT"

export_line=$(grep -o 'export AWS_SHARED_CREDENTIALS_FILE=.*' "$tmp/stdout" || true)
[[ "$export_line" == "export AWS_SHARED_CREDENTIALS_FILE=$project/.cognate/aws-credentials AWS_PROFILE=cognate" ]] ||
  fatal "the banner prints the export line" "got: $export_line"
pass "the banner prints the export line for .cognate/aws-credentials"
mode=$(stat -c %a .cognate/aws-credentials)
[[ "$mode" == 600 ]] && pass "the credentials file is private (mode $mode)" || fail "the credentials file is private" "mode $mode"

# --- the README section, command for command ---------------------------------------------------
eval "$export_line"
POOL_ID=$("$python" -c 'import json; print(json.load(open("amplify_outputs.json"))["auth"]["user_pool_id"])')
CLIENT_ID=$("$python" -c 'import json; print(json.load(open("amplify_outputs.json"))["auth"]["user_pool_client_id"])')
adm() { "$aws" cognito-idp "$@" --endpoint-url "$ENDPOINT" --user-pool-id "$POOL_ID"; }
idp() { "$aws" cognito-idp "$@" --endpoint-url "$ENDPOINT" --no-sign-request; }

# Expects `$@` to fail with exactly this error type and message.
expect_error() {
  local name=$1 type=$2 operation=$3 message=$4
  shift 4
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  local want="An error occurred ($type) when calling the $operation operation: $message"
  if [[ $rc -ne 0 ]] && grep -qxF "$want" <<<"$out"; then
    pass "$name"
  else
    fail "$name" "exit status $rc" "want: $want" "got:  $out"
  fi
}

idp sign-up --client-id "$CLIENT_ID" --username alice@example.com --password 'Passw0rd!' >/dev/null ||
  fatal "alice signs up"
idp sign-up --client-id "$CLIENT_ID" --username bob@example.com --password 'Passw0rd!' >/dev/null ||
  fatal "bob signs up"

out=$(adm list-users --filter 'email ^= "alice"' --query 'Users[].[Attributes[?Name==`email`].Value | [0], UserStatus]' --output text 2>&1) || true
[[ "$out" == $'alice@example.com\tUNCONFIRMED' ]] && pass "list-users --filter 'email ^= \"alice\"' finds alice only" ||
  fail "list-users with a filter" "$out"

out=$(adm admin-confirm-sign-up --username alice@example.com 2>&1) && pass "admin-confirm-sign-up" || fail "admin-confirm-sign-up" "$out"
out=$(adm admin-get-user --username alice@example.com --query '[UserStatus, Enabled]' --output text 2>&1) || true
[[ "$out" == $'CONFIRMED\tTrue' ]] && pass "admin-get-user shows alice CONFIRMED and enabled" || fail "admin-get-user" "$out"
expect_error "admin-get-user of nobody answers UserNotFoundException" \
  UserNotFoundException AdminGetUser "User does not exist." adm admin-get-user --username nobody@example.com

# alice signs in and sets up TOTP (the seed pool requires it).
read -r CHALLENGE SESSION <<<"$(idp initiate-auth --client-id "$CLIENT_ID" --auth-flow USER_PASSWORD_AUTH \
  --auth-parameters USERNAME=alice@example.com,PASSWORD='Passw0rd!' --query '[ChallengeName, Session]' --output text)"
[[ "$CHALLENGE" == MFA_SETUP ]] || fatal "alice's first sign-in asks for MFA_SETUP" "$CHALLENGE"
read -r SECRET SESSION <<<"$(idp associate-software-token --session "$SESSION" --query '[SecretCode, Session]' --output text)"
read -r STATUS SESSION <<<"$(idp verify-software-token --session "$SESSION" --user-code "$("$oathtool" --totp -b "$SECRET")" --query '[Status, Session]' --output text)"
read -r ACCESS REFRESH <<<"$(idp respond-to-auth-challenge --client-id "$CLIENT_ID" --challenge-name MFA_SETUP \
  --session "$SESSION" --challenge-responses USERNAME=alice@example.com --query 'AuthenticationResult.[AccessToken, RefreshToken]' --output text)"
[[ -n "$ACCESS" && "$STATUS" == SUCCESS ]] || fatal "alice sets up TOTP and is signed in"
out=$(adm admin-get-user --username alice@example.com --query 'UserMFASettingList' --output text 2>&1) || true
[[ "$out" == SOFTWARE_TOKEN_MFA ]] && pass "admin-get-user lists her TOTP" || fail "admin-get-user lists her TOTP" "$out"

out=$(adm admin-disable-user --username alice@example.com 2>&1) && pass "admin-disable-user" || fail "admin-disable-user" "$out"
expect_error "a disabled user's access token is refused at once" \
  NotAuthorizedException GetUser "Access Token has been revoked" idp get-user --access-token "$ACCESS"
expect_error "and she cannot sign in" NotAuthorizedException InitiateAuth "User is disabled." \
  idp initiate-auth --client-id "$CLIENT_ID" --auth-flow USER_PASSWORD_AUTH --auth-parameters USERNAME=alice@example.com,PASSWORD='Passw0rd!'
out=$(adm admin-enable-user --username alice@example.com 2>&1) && pass "admin-enable-user" || fail "admin-enable-user" "$out"
expect_error "her refresh token from before the disable stays revoked" \
  NotAuthorizedException InitiateAuth "Refresh Token has been revoked" \
  idp initiate-auth --client-id "$CLIENT_ID" --auth-flow REFRESH_TOKEN_AUTH --auth-parameters REFRESH_TOKEN="$REFRESH"

# Lost phone: the TOTP secret goes; the next sign-in sets up a new one.
out=$(adm admin-set-user-mfa-preference --username alice@example.com --software-token-mfa-settings Enabled=false 2>&1) &&
  pass "admin-set-user-mfa-preference Enabled=false" || fail "admin-set-user-mfa-preference Enabled=false" "$out"
out=$(idp initiate-auth --client-id "$CLIENT_ID" --auth-flow USER_PASSWORD_AUTH \
  --auth-parameters USERNAME=alice@example.com,PASSWORD='Passw0rd!' --query ChallengeName --output text 2>&1) || true
[[ "$out" == MFA_SETUP ]] && pass "after the lost-phone reset her sign-in asks for MFA_SETUP again" || fail "MFA_SETUP again" "$out"

out=$(adm admin-user-global-sign-out --username alice@example.com 2>&1) && pass "admin-user-global-sign-out" || fail "admin-user-global-sign-out" "$out"

# Reset by the operator: RESET_REQUIRED until she resets with the emailed code.
out=$(adm admin-reset-user-password --username alice@example.com 2>&1) && pass "admin-reset-user-password" || fail "admin-reset-user-password" "$out"
expect_error "a RESET_REQUIRED user is told to reset at sign-in" \
  PasswordResetRequiredException InitiateAuth "Password reset required for the user" \
  idp initiate-auth --client-id "$CLIENT_ID" --auth-flow USER_PASSWORD_AUTH --auth-parameters USERNAME=alice@example.com,PASSWORD='Passw0rd!'
out=$(adm admin-set-user-password --username alice@example.com --password 'N3w-Passw0rd!' --permanent 2>&1) &&
  pass "admin-set-user-password --permanent" || fail "admin-set-user-password --permanent" "$out"
out=$(adm admin-get-user --username alice@example.com --query UserStatus --output text 2>&1) || true
[[ "$out" == CONFIRMED ]] && pass "she is CONFIRMED again" || fail "she is CONFIRMED again" "$out"

# An invited user: AdminCreateUser emails a temporary password; the first sign-in asks for a new
# one (NEW_PASSWORD_REQUIRED), then for TOTP set-up as any first sign-in of this pool.
out=$(adm admin-create-user --username carol@example.com --user-attributes Name=email_verified,Value=true \
  --desired-delivery-mediums EMAIL --query 'User.UserStatus' --output text 2>&1) || true
[[ "$out" == FORCE_CHANGE_PASSWORD ]] && pass "admin-create-user: FORCE_CHANGE_PASSWORD" || fail "admin-create-user" "$out"
expect_error "creating her twice: UsernameExistsException" UsernameExistsException AdminCreateUser \
  "User account already exists" adm admin-create-user --username carol@example.com --message-action SUPPRESS
invite=""
for _ in $(seq 100); do
  invite=$(grep -l 'Your temporary password' .cognate/outbox/*carol_example.com.eml 2>/dev/null | tail -1 || true)
  [[ -n "$invite" ]] && break
  sleep 0.1
done
TEMP=$("$python" - "$invite" <<'PY' 2>&1 || true
import email, email.policy, re, sys
msg = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
body = msg.get_body().get_content()
print(re.search(r"temporary password is (\S+?)\.?$", body.strip()).group(1))
PY
)
[[ -n "$TEMP" && "$TEMP" != *Traceback* ]] && pass "the invitation email carries the temporary password" || fatal "the invitation" "$TEMP"
read -r CHALLENGE SESSION <<<"$(idp initiate-auth --client-id "$CLIENT_ID" --auth-flow USER_PASSWORD_AUTH \
  --auth-parameters "USERNAME=carol@example.com,PASSWORD=$TEMP" --query '[ChallengeName, Session]' --output text 2>&1)"
[[ "$CHALLENGE" == NEW_PASSWORD_REQUIRED ]] && pass "her first sign-in answers NEW_PASSWORD_REQUIRED" || fatal "NEW_PASSWORD_REQUIRED" "$CHALLENGE"
expect_error "a new password outside the policy is refused on the same Session" InvalidPasswordException RespondToAuthChallenge \
  "Password did not conform with policy: Password not long enough" \
  idp respond-to-auth-challenge --client-id "$CLIENT_ID" --challenge-name NEW_PASSWORD_REQUIRED --session "$SESSION" \
  --challenge-responses "USERNAME=carol@example.com,NEW_PASSWORD=short"
out=$(idp respond-to-auth-challenge --client-id "$CLIENT_ID" --challenge-name NEW_PASSWORD_REQUIRED --session "$SESSION" \
  --challenge-responses "USERNAME=carol@example.com,NEW_PASSWORD=N3w-Passw0rd!" --query ChallengeName --output text 2>&1) || true
[[ "$out" == MFA_SETUP ]] && pass "the new password leads on to MFA_SETUP" || fail "NEW_PASSWORD_REQUIRED → MFA_SETUP" "$out"
out=$(adm admin-get-user --username carol@example.com --query UserStatus --output text 2>&1) || true
[[ "$out" == CONFIRMED ]] && pass "she is CONFIRMED" || fail "she is CONFIRMED" "$out"
expect_error "the temporary password no longer works" NotAuthorizedException InitiateAuth "Incorrect username or password." \
  idp initiate-auth --client-id "$CLIENT_ID" --auth-flow USER_PASSWORD_AUTH --auth-parameters "USERNAME=carol@example.com,PASSWORD=$TEMP"

# Attributes by the operator: an ordinary one; an email vouched for (at once) or not (pending
# until the code sent to it is entered); deleting one.
out=$(adm admin-update-user-attributes --username carol@example.com --user-attributes Name=name,Value=Carol 2>&1 &&
      adm admin-get-user --username carol@example.com --query 'UserAttributes[?Name==`name`].Value' --output text 2>&1) || true
[[ "$out" == Carol ]] && pass "admin-update-user-attributes name" || fail "admin-update-user-attributes name" "$out"
out=$(adm admin-update-user-attributes --username carol@example.com \
  --user-attributes Name=email,Value=carol2@example.com Name=email_verified,Value=true 2>&1 &&
      adm admin-get-user --username carol2@example.com --query 'UserAttributes[?Name==`email`].Value' --output text 2>&1) || true
[[ "$out" == carol2@example.com ]] && pass "an email the operator marks verified changes at once" || fail "immediate email change" "$out"
out=$(adm admin-update-user-attributes --username carol2@example.com --user-attributes Name=email,Value=carol3@example.com 2>&1 &&
      adm admin-get-user --username carol2@example.com --query 'UserAttributes[?Name==`email`].Value' --output text 2>&1) || true
pending_mail=""
for _ in $(seq 100); do
  pending_mail=$(ls .cognate/outbox/*carol3_example.com.eml 2>/dev/null | head -1 || true)
  [[ -n "$pending_mail" ]] && break
  sleep 0.1
done
[[ "$out" == carol2@example.com && -n "$pending_mail" ]] &&
  pass "an email not vouched for waits for the code sent to it" || fail "pending email change" "$out" "$pending_mail"
out=$(adm admin-delete-user-attributes --username carol2@example.com --user-attribute-names name 2>&1 &&
      adm admin-get-user --username carol2@example.com --query 'UserAttributes[?Name==`name`].Value' --output text 2>&1) || true
[[ -z "$out" ]] && pass "admin-delete-user-attributes name" || fail "admin-delete-user-attributes" "$out"
expect_error "the email cannot be deleted" InvalidParameterException AdminDeleteUserAttributes \
  "Attributes did not conform to the schema: email: The attribute email is required" \
  adm admin-delete-user-attributes --username carol2@example.com --user-attribute-names email

# Groups: tokens issued after a change carry cognito:groups, lowest precedence first.

out=$(adm create-group --group-name admins --precedence 1 --description "Operators" --query 'Group.GroupName' --output text 2>&1) || true
[[ "$out" == admins ]] && pass "create-group admins" || fail "create-group admins" "$out"
adm create-group --group-name readers --precedence 5 >/dev/null 2>&1 || fail "create-group readers"
expect_error "a second group named Admins: GroupExistsException" GroupExistsException CreateGroup \
  "A group with the name Admins already exists." adm create-group --group-name Admins
out=$(adm admin-add-user-to-group --username alice@example.com --group-name readers 2>&1 &&
      adm admin-add-user-to-group --username alice@example.com --group-name admins 2>&1) &&
  pass "admin-add-user-to-group (two groups)" || fail "admin-add-user-to-group" "$out"
expect_error "adding to a group that does not exist: ResourceNotFoundException" ResourceNotFoundException \
  AdminAddUserToGroup "Group not found." adm admin-add-user-to-group --username alice@example.com --group-name nobody
out=$(adm admin-list-groups-for-user --username alice@example.com --query 'Groups[].GroupName' --output text 2>&1) || true
[[ "$out" == $'admins\treaders' ]] && pass "admin-list-groups-for-user" || fail "admin-list-groups-for-user" "$out"
out=$(adm list-users-in-group --group-name admins --query 'Users[].Attributes[?Name==`email`].Value[]' --output text 2>&1) || true
[[ "$out" == alice@example.com ]] && pass "list-users-in-group" || fail "list-users-in-group" "$out"
# (Her TOTP was reset above: this sign-in sets it up again.)
read -r CHALLENGE SESSION <<<"$(idp initiate-auth --client-id "$CLIENT_ID" --auth-flow USER_PASSWORD_AUTH \
  --auth-parameters USERNAME=alice@example.com,PASSWORD='N3w-Passw0rd!' --query '[ChallengeName, Session]' --output text)"
read -r SECRET SESSION <<<"$(idp associate-software-token --session "$SESSION" --query '[SecretCode, Session]' --output text)"
read -r STATUS SESSION <<<"$(idp verify-software-token --session "$SESSION" --user-code "$("$oathtool" --totp -b "$SECRET")" --query '[Status, Session]' --output text)"
read -r ID_TOKEN ACCESS2 <<<"$(idp respond-to-auth-challenge --client-id "$CLIENT_ID" --challenge-name MFA_SETUP \
  --session "$SESSION" --challenge-responses USERNAME=alice@example.com --query 'AuthenticationResult.[IdToken, AccessToken]' --output text 2>&1)" || true

claims=$("$python" - "$ID_TOKEN" "$ACCESS2" <<'PY' 2>&1 || true
import base64, json, sys
def payload(t):
    p = t.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
print(payload(sys.argv[1]).get("cognito:groups"), payload(sys.argv[2]).get("cognito:groups"))
PY
)
[[ "$claims" == "['admins', 'readers'] ['admins', 'readers']" ]] &&
  pass "her new ID and access tokens carry cognito:groups [admins, readers]" || fail "cognito:groups" "$claims"
out=$(adm update-group --group-name readers --precedence 0 --query 'Group.Precedence' 2>&1) || true
[[ "$out" == 0 ]] && pass "update-group --precedence 0" || fail "update-group" "$out"
out=$(adm delete-group --group-name admins 2>&1) && pass "delete-group" || fail "delete-group" "$out"
out=$(adm list-groups --query 'Groups[].GroupName' --output text 2>&1) || true
[[ "$out" == readers ]] && pass "list-groups after the deletion" || fail "list-groups" "$out"

# The pool as Cognito describes it, and its MFA configuration changed through the API.
out=$(adm describe-user-pool --query 'UserPool.[MfaConfiguration, UsernameAttributes[0], VerificationMessageTemplate.EmailSubject, Policies.PasswordPolicy.MinimumLength]' --output text 2>&1) || true
[[ "$out" == $'ON\temail\tWelcome to Our Workshop App\t8' ]] && pass "describe-user-pool says what auth.json declares" ||
  fail "describe-user-pool" "$out"
out=$("$aws" cognito-idp list-user-pools --endpoint-url "$ENDPOINT" --max-results 10 --query 'UserPools[].Id' --output text 2>&1) || true
[[ "$out" == "$POOL_ID" ]] && pass "list-user-pools --max-results 10" || fail "list-user-pools" "$out"
out=$(adm set-user-pool-mfa-config --mfa-configuration OPTIONAL --software-token-mfa-configuration Enabled=true \
  --query MfaConfiguration --output text 2>&1 && adm get-user-pool-mfa-config --query MfaConfiguration --output text 2>&1) || true
[[ "$out" == $'OPTIONAL\nOPTIONAL' ]] && pass "set-user-pool-mfa-config OPTIONAL" || fail "set-user-pool-mfa-config" "$out"
out=$(idp initiate-auth --client-id "$CLIENT_ID" --auth-flow USER_PASSWORD_AUTH \
  --auth-parameters USERNAME=carol2@example.com,PASSWORD='N3w-Passw0rd!' --query 'AuthenticationResult.TokenType' --output text 2>&1) || true
[[ "$out" == Bearer ]] && pass "with MFA optional, a user without TOTP gets tokens at once" || fail "MFA optional sign-in" "$out"
expect_error "SMS MFA is refused" InvalidParameterException SetUserPoolMfaConfig \
  "SMS MFA is not supported yet: configure SoftwareTokenMfaConfiguration." \
  adm set-user-pool-mfa-config --sms-mfa-configuration '{"SmsAuthenticationMessage": "Your code is {####}"}' --mfa-configuration ON

adm set-user-pool-mfa-config --mfa-configuration ON --software-token-mfa-configuration Enabled=true >/dev/null 2>&1 ||
  fail "set-user-pool-mfa-config back to ON"

# App clients: a backend client of its own, with the plain-password flow and 15-minute tokens.

NEW_CLIENT=$(adm create-user-pool-client --client-name backend \
  --explicit-auth-flows ALLOW_USER_PASSWORD_AUTH ALLOW_REFRESH_TOKEN_AUTH \
  --access-token-validity 15 --token-validity-units AccessToken=minutes \
  --query UserPoolClient.ClientId --output text 2>&1) || true
[[ "$NEW_CLIENT" =~ ^[a-z0-9]{26}$ ]] && pass "create-user-pool-client" || fatal "create-user-pool-client" "$NEW_CLIENT"
read -r CHALLENGE SESSION <<<"$(idp initiate-auth --client-id "$NEW_CLIENT" --auth-flow USER_PASSWORD_AUTH \
  --auth-parameters USERNAME=alice@example.com,PASSWORD='N3w-Passw0rd!' --query '[ChallengeName, Session]' --output text 2>&1)"
NEXT_CODE=$("$oathtool" --totp -b "$SECRET" -N "@$(( $(date +%s) + 30 ))")
ACCESS3=$(idp respond-to-auth-challenge --client-id "$NEW_CLIENT" --challenge-name SOFTWARE_TOKEN_MFA --session "$SESSION" \
  --challenge-responses USERNAME=alice@example.com,SOFTWARE_TOKEN_MFA_CODE="$NEXT_CODE" \
  --query 'AuthenticationResult.AccessToken' --output text 2>&1) || true
claims=$("$python" - "$ACCESS3" <<'PY' 2>&1 || true
import base64, json, sys
p = sys.argv[1].split(".")[1]
c = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
print(c["client_id"], c["exp"] - c["iat"])
PY
)
[[ "$claims" == "$NEW_CLIENT 900" ]] && pass "a sign-in through the new client gets its client_id and 15-minute tokens" ||
  fail "tokens of the new client" "$CHALLENGE" "$claims"
out=$(adm list-user-pool-clients --query 'length(UserPoolClients)' 2>&1) || true
[[ "$out" == 2 ]] && pass "list-user-pool-clients shows both clients" || fail "list-user-pool-clients" "$out"
out=$(adm update-user-pool-client --client-id "$NEW_CLIENT" --explicit-auth-flows ALLOW_USER_SRP_AUTH \
  --query 'UserPoolClient.ExplicitAuthFlows' --output text 2>&1) || true
[[ "$out" == ALLOW_USER_SRP_AUTH ]] && pass "update-user-pool-client" || fail "update-user-pool-client" "$out"
expect_error "the updated client no longer allows USER_PASSWORD_AUTH" InvalidParameterException InitiateAuth \
  "USER_PASSWORD_AUTH flow not enabled for this client" \
  idp initiate-auth --client-id "$NEW_CLIENT" --auth-flow USER_PASSWORD_AUTH --auth-parameters USERNAME=alice@example.com,PASSWORD='N3w-Passw0rd!'
expect_error "a client cannot be turned unrevocable" InvalidParameterException CreateUserPoolClient \
  "EnableTokenRevocation cannot be turned off: tokens are always revocable here." \
  adm create-user-pool-client --client-name unrevocable --no-enable-token-revocation
# A server-side app signs users in with its operator key (AdminInitiateAuth) through a client
# that allows ALLOW_ADMIN_USER_PASSWORD_AUTH.
expect_error "AdminInitiateAuth through a client without the admin flow" InvalidParameterException AdminInitiateAuth \
  "ADMIN_USER_PASSWORD_AUTH flow not enabled for this client" \
  adm admin-initiate-auth --client-id "$NEW_CLIENT" --auth-flow ADMIN_USER_PASSWORD_AUTH \
  --auth-parameters USERNAME=carol2@example.com,PASSWORD='N3w-Passw0rd!'
adm update-user-pool-client --client-id "$NEW_CLIENT" --explicit-auth-flows ALLOW_ADMIN_USER_PASSWORD_AUTH ALLOW_REFRESH_TOKEN_AUTH >/dev/null 2>&1 ||
  fail "enable ALLOW_ADMIN_USER_PASSWORD_AUTH"
out=$(adm admin-initiate-auth --client-id "$NEW_CLIENT" --auth-flow ADMIN_USER_PASSWORD_AUTH \
  --auth-parameters USERNAME=carol2@example.com,PASSWORD='N3w-Passw0rd!' --query ChallengeName --output text 2>&1) || true
[[ "$out" == MFA_SETUP ]] && pass "admin-initiate-auth ADMIN_USER_PASSWORD_AUTH (then MFA, as any sign-in)" ||
  fail "admin-initiate-auth" "$out"
expect_error "admin-initiate-auth with a wrong password" NotAuthorizedException AdminInitiateAuth \
  "Incorrect username or password." adm admin-initiate-auth --client-id "$NEW_CLIENT" --auth-flow ADMIN_USER_PASSWORD_AUTH \
  --auth-parameters USERNAME=carol2@example.com,PASSWORD='Wr0ng-Passw0rd!'
expect_error "admin-respond-to-auth-challenge with an unknown Session" NotAuthorizedException AdminRespondToAuthChallenge \
  "Invalid session for the user." adm admin-respond-to-auth-challenge --client-id "$NEW_CLIENT" \
  --challenge-name SOFTWARE_TOKEN_MFA --session cgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
  --challenge-responses USERNAME=carol2@example.com,SOFTWARE_TOKEN_MFA_CODE=123456

out=$(adm delete-user-pool-client --client-id "$NEW_CLIENT" 2>&1) && pass "delete-user-pool-client" || fail "delete-user-pool-client" "$out"

expect_error "the deleted client is gone" ResourceNotFoundException InitiateAuth \
  "User pool client $NEW_CLIENT does not exist." \
  idp initiate-auth --client-id "$NEW_CLIENT" --auth-flow USER_SRP_AUTH --auth-parameters USERNAME=alice@example.com,SRP_A=0a

out=$(adm admin-delete-user --username bob@example.com 2>&1) && pass "admin-delete-user" || fail "admin-delete-user" "$out"



expect_error "the deleted user is gone" UserNotFoundException AdminGetUser "User does not exist." \
  adm admin-get-user --username bob@example.com

# --- pagination: 130 more users (132 in all), listed 20 at a time by the CLI -----------------------------------
"$python" - "$ENDPOINT" "$CLIENT_ID" <<'PY' || fatal "130 users sign up (boto3)"
import sys, boto3
from botocore import UNSIGNED
from botocore.config import Config
c = boto3.client("cognito-idp", endpoint_url=sys.argv[1], region_name="us-east-1", config=Config(signature_version=UNSIGNED))
for i in range(130):
    c.sign_up(ClientId=sys.argv[2], Username=f"page{i:03d}@example.com", Password="Passw0rd!")
PY
out=$(adm list-users --page-size 20 --query 'Users[].Username' --output text 2>&1) || fatal "list-users across pages" "$out"
total=$(tr '\t' '\n' <<<"$out" | grep -c . || true)
unique=$(tr '\t' '\n' <<<"$out" | grep . | sort -u | wc -l)
[[ "$total" == 132 && "$unique" == 132 ]] && pass "list-users --page-size 20 follows the tokens: 132 users, no duplicates" ||
  fail "list-users across pages" "total $total, unique $unique"
out=$(adm list-users --filter 'cognito:user_status = "CONFIRMED"' --query 'length(Users)' 2>&1) || true
[[ "$out" == 2 ]] && pass "list-users --filter 'cognito:user_status = \"CONFIRMED\"'" || fail "status filter" "$out"
expect_error "a filter on an attribute Cognito cannot search is refused" InvalidParameterException ListUsers \
  "Invalid search filter: cannot filter on attribute custom:plan." adm list-users --filter 'custom:plan = "x"'

# --- a second pool and a client with a secret ------------------------------------------------------
any() { "$aws" cognito-idp "$@" --endpoint-url "$ENDPOINT"; }
POOL2=$(any create-user-pool --pool-name backend --deletion-protection ACTIVE --query UserPool.Id --output text 2>&1) || true
[[ "$POOL2" =~ ^us-east-1_[A-Za-z0-9]{9}$ && "$POOL2" != "$POOL_ID" ]] && pass "create-user-pool makes a second pool ($POOL2)" ||
  fatal "create-user-pool" "$POOL2"
out=$(any list-user-pools --max-results 10 --query 'length(UserPools)' 2>&1) || true
[[ "$out" == 2 ]] && pass "list-user-pools shows both" || fail "list-user-pools" "$out"
read -r CID2 SECRET2 <<<"$(any create-user-pool-client --user-pool-id "$POOL2" --client-name api --generate-secret \
  --explicit-auth-flows ALLOW_USER_PASSWORD_AUTH ALLOW_REFRESH_TOKEN_AUTH \
  --query 'UserPoolClient.[ClientId, ClientSecret]' --output text 2>&1)" || true
[[ "$CID2" =~ ^[a-z0-9]{26}$ && "$SECRET2" =~ ^[a-z0-9]{51}$ ]] && pass "create-user-pool-client --generate-secret shows the secret" ||
  fatal "create-user-pool-client --generate-secret" "$CID2 $SECRET2"
hash2() {
  "$python" -c 'import base64, hashlib, hmac, sys; print(base64.b64encode(hmac.new(sys.argv[1].encode(), (sys.argv[2] + sys.argv[3]).encode(), hashlib.sha256).digest()).decode())' \
    "$SECRET2" "$1" "$CID2"
}
expect_error "sign-up to a secret client without --secret-hash" NotAuthorizedException SignUp \
  "Client $CID2 is configured for secret but secret was not received" \
  idp sign-up --client-id "$CID2" --username carol@example.com --password 'Passw0rd!'
expect_error "sign-up with another name's secret hash" NotAuthorizedException SignUp \
  "Unable to verify secret hash for client $CID2" \
  idp sign-up --client-id "$CID2" --username carol@example.com --password 'Passw0rd!' --secret-hash "$(hash2 dave@example.com)"
out=$(idp sign-up --client-id "$CID2" --username carol@example.com --password 'Passw0rd!' \
  --secret-hash "$(hash2 carol@example.com)" --query UserConfirmed --output text 2>&1) || true
[[ "$out" == False ]] && pass "sign-up with --secret-hash" || fail "sign-up with --secret-hash" "$out"
out=$(any admin-confirm-sign-up --user-pool-id "$POOL2" --username carol@example.com 2>&1) &&
  pass "admin-confirm-sign-up in the second pool" || fail "admin-confirm-sign-up in the second pool" "$out"
params=$(printf '{"USERNAME":"carol@example.com","PASSWORD":"Passw0rd!","SECRET_HASH":"%s"}' "$(hash2 carol@example.com)")
out=$(idp initiate-auth --client-id "$CID2" --auth-flow USER_PASSWORD_AUTH --auth-parameters "$params" \
  --query 'AuthenticationResult.TokenType' --output text 2>&1) || true
[[ "$out" == Bearer ]] && pass "initiate-auth with SECRET_HASH signs carol in (MFA off in this pool)" || fail "initiate-auth with SECRET_HASH" "$out"
expect_error "the pools are apart: alice is not in the second pool" UserNotFoundException AdminGetUser \
  "User does not exist." any admin-get-user --user-pool-id "$POOL2" --username alice@example.com
expect_error "delete-user-pool under deletion protection is refused" InvalidParameterException DeleteUserPool \
  "The user pool $POOL2 cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first." \
  any delete-user-pool --user-pool-id "$POOL2"
expect_error "the pool auth.json declares cannot be deleted through the API" InvalidParameterException DeleteUserPool \
  "User pool $POOL_ID is declared by this server's configuration (amplify/auth.json): remove it there, not through the API." \
  any delete-user-pool --user-pool-id "$POOL_ID"
out=$(any update-user-pool --user-pool-id "$POOL2" --deletion-protection INACTIVE 2>&1 &&
  any delete-user-pool --user-pool-id "$POOL2" 2>&1) && pass "update-user-pool --deletion-protection INACTIVE, then delete-user-pool" ||
  fail "update-user-pool then delete-user-pool" "$out"
expect_error "the deleted pool is gone" ResourceNotFoundException DescribeUserPool \
  "User pool $POOL2 does not exist." any describe-user-pool --user-pool-id "$POOL2"

# --- signatures that are refused --------------------------------------------------------------------
out=$("$python" - "$ENDPOINT" "$POOL_ID" <<'PY' 2>&1
import json, sys, urllib.request, urllib.error
body = json.dumps({"UserPoolId": sys.argv[2], "Username": "alice@example.com"}).encode()
req = urllib.request.Request(sys.argv[1] + "/", data=body, method="POST", headers={
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminGetUser"})
try:
    urllib.request.urlopen(req, timeout=10)
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
PY
)
[[ "$out" == 400*'"MissingAuthenticationTokenException"'*'"Missing Authentication Token"'* ]] &&
  pass "no signature: MissingAuthenticationTokenException" || fail "no signature" "$out"

key_id=$(grep aws_access_key_id .cognate/aws-credentials | cut -d' ' -f3)
printf '[cognate]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$key_id" "wrongwrongwrongwrongwrongwrongwrongwrong" >"$tmp/wrong"
expect_error "a wrong secret: InvalidSignatureException" InvalidSignatureException AdminGetUser \
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details." \
  env AWS_SHARED_CREDENTIALS_FILE="$tmp/wrong" "$aws" cognito-idp admin-get-user --endpoint-url "$ENDPOINT" \
  --region us-east-1 --user-pool-id "$POOL_ID" --username alice@example.com
printf '[cognate]\naws_access_key_id = AKCGNOSUCHKEY0000000\naws_secret_access_key = x\n' >"$tmp/unknown"
expect_error "an unknown key: UnrecognizedClientException" UnrecognizedClientException AdminGetUser \
  "The security token included in the request is invalid." \
  env AWS_SHARED_CREDENTIALS_FILE="$tmp/unknown" "$aws" cognito-idp admin-get-user --endpoint-url "$ENDPOINT" \
  --region us-east-1 --user-pool-id "$POOL_ID" --username alice@example.com

# A read-only key made with `cognate credentials create`, then revoked.
out=$("$bin" credentials create --name support --allow 'AdminGet*' --allow 'List*' 2>&1) || fatal "credentials create" "$out"
ro_id=$(awk '/^access key id/ {print $4}' <<<"$out")
ro_secret=$(awk '/^secret access key/ {print $4}' <<<"$out")
printf '[cognate]\naws_access_key_id = %s\naws_secret_access_key = %s\nregion = us-east-1\n' "$ro_id" "$ro_secret" >"$tmp/readonly"
ro() { env AWS_SHARED_CREDENTIALS_FILE="$tmp/readonly" "$aws" cognito-idp "$@" --endpoint-url "$ENDPOINT" --user-pool-id "$POOL_ID"; }
out=$(ro admin-get-user --username alice@example.com --query UserStatus --output text 2>&1) || true
[[ "$out" == CONFIRMED ]] && pass "a read-only key reads" || fail "a read-only key reads" "$out"
expect_error "a read-only key cannot delete: AccessDeniedException" AccessDeniedException AdminDeleteUser \
  "User: arn:aws:iam::000000000000:user/support is not authorized to perform: cognito-idp:AdminDeleteUser on resource: arn:aws:cognito-idp:us-east-1:000000000000:userpool/$POOL_ID" \
  ro admin-delete-user --username alice@example.com
listed=$("$bin" credentials list 2>&1) || true
if grep -q "$ro_id .*support .*active" <<<"$listed" && ! grep -q "$ro_secret" <<<"$listed"; then
  pass "credentials list shows the key, never its secret"
else
  fail "credentials list" "$listed"
fi
out=$("$bin" credentials revoke "$ro_id" 2>&1) && pass "credentials revoke" || fail "credentials revoke" "$out"
expect_error "a revoked key: UnrecognizedClientException" UnrecognizedClientException AdminGetUser \
  "The security token included in the request is invalid." ro admin-get-user --username alice@example.com

if kill -0 "$pid" 2>/dev/null; then pass "sandbox still running"; else fail "sandbox still running"; fi
finish
