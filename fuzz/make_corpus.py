#!/usr/bin/python3
"""Writes the fuzz targets' seed corpora, fuzz/corpus/<target>/, from real client requests.

Sources (PROTOCOL, default /work/shared/protocol; override with --protocol DIR):
  amplify-v6-requests.json, amplify-v6-passwordless-requests.json, identity-js-requests.json
      the requests Amplify v6 and amazon-cognito-identity-js sent (headers and JSON bodies)
  cognito-admin-api.md §2.6
      two SigV4-signed admin requests exactly as received (AWS CLI v1, AWS SDK for JS v3)
  srp-test-vector.json
      a complete SRP sign-in (A, the PASSWORD_VERIFIER answer) that verifies
and, for the config reader, the auth.json and settings texts of tests/unit/pool/*_test.cpp.

Each target gets the part of those requests it parses: raw HTTP/1.1 requests (also chunked and
pipelined), JSON bodies, Authorization headers, SRP values, TOTP codes and otpauth URIs,
ListUsers filters and page tokens, access tokens, config files, user-import CSVs. The script owns every file in
fuzz/corpus/<target>/ except reproducers (names starting with crash-, timeout-, leak-, oom- or
regress-), which it keeps. Run it again after the captures change:
    /usr/bin/python3 fuzz/make_corpus.py
Deterministic: the same sources give the same files.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEEP = ("crash-", "timeout-", "leak-", "oom-", "regress-")
TARGET_PREFIX = "AWSCognitoIdentityProviderService."
HOST = "127.0.0.1:9339"
POOL_ID = "us-east-1_Ab12Cd34E"  # list_users_fuzz's pool


def compact(body):
    """JSON as the SDKs put it on the wire (no spaces)."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# ---- Reading the captures ------------------------------------------------------------------------


def amplify_headers(action):
    """The headers Amplify v6 sends (the passwordless file records them for a few requests only)."""
    return {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": TARGET_PREFIX + action,
        "x-amz-user-agent": "aws-amplify/6.22.1 auth/4 framework/100",
        "cache-control": "no-store",
        "amz-sdk-request": "attempt=1; max=3",
    }


def captured_requests(protocol):
    """(client, action, headers, body) of every captured request, in capture order."""
    out = []
    for name, client in (("amplify-v6-requests.json", "amplify-v6"),
                         ("identity-js-requests.json", "identity-js")):
        for r in json.load(open(os.path.join(protocol, name), encoding="utf-8")):
            out.append((client, r["action"], r["headers"], r["body"]))
    doc = json.load(open(os.path.join(protocol, "amplify-v6-passwordless-requests.json"),
                         encoding="utf-8"))
    for scenario in doc["scenarios"]:
        for step in scenario["sequence"]:
            for wire in step.get("wire", []):
                headers = wire.get("request_headers") or amplify_headers(wire["action"])
                out.append(("amplify-v6-passwordless", wire["action"], headers, wire["request"]))
    return out


def passwordless_responses(protocol):
    doc = json.load(open(os.path.join(protocol, "amplify-v6-passwordless-requests.json"),
                         encoding="utf-8"))
    for scenario in doc["scenarios"]:
        for step in scenario["sequence"]:
            for wire in step.get("wire", []):
                yield wire["action"], wire.get("response") or {}


def signed_captures(protocol):
    """The raw requests of cognito-admin-api.md §2.6, CRLF line ends as on the wire."""
    text = open(os.path.join(protocol, "cognito-admin-api.md"), encoding="utf-8").read()
    out = []
    for block in re.findall(r"```\n(POST / HTTP/1\.1\n.*?)```", text, re.S):
        head, _, body = block.partition("\n\n")
        out.append(head.replace("\n", "\r\n") + "\r\n\r\n" + body.rstrip("\n"))
    if len(out) != 2:
        sys.exit(f"make_corpus: expected 2 signed captures in cognito-admin-api.md, found {len(out)}")
    return out


def truncated(value):
    return "\u2026" in value  # the passwordless file shortens long SRP values: "ab12…(768 chars)"


# ---- HTTP ----------------------------------------------------------------------------------------


def http_request(headers, body, extra=(), method="POST", target="/", chunked=None):
    """A raw HTTP/1.1 request: Host first, the captured headers in order, then the framing."""
    lines = [f"{method} {target} HTTP/1.1", f"host: {HOST}"]
    lines += [f"{k}: {v}" for k, v in headers.items() if k.lower() not in ("host", "content-length")]
    lines += list(extra)
    data = body.encode()
    if chunked:
        lines.append("transfer-encoding: chunked")
        pieces = [data[i:i + chunked] for i in range(0, len(data), chunked)]
        payload = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
    else:
        if body or method == "POST":
            lines.append(f"content-length: {len(data)}")
        payload = data
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def http_corpus(requests, signed):
    files = {}
    for i, (client, action, headers, body) in enumerate(requests):
        files[f"{client}-{i:02d}-{action}.http"] = http_request(headers, compact(body))
    for i, raw in enumerate(signed):
        files[f"admin-sigv4-{'cli' if i == 0 else 'sdk-v3'}.http"] = raw.encode()
    # Framings real clients and proxies use for the same requests.
    client, action, headers, body = requests[2]  # an SRP InitiateAuth
    files["chunked-InitiateAuth.http"] = http_request(headers, compact(body), chunked=100)
    files["chunked-one-chunk-SignUp.http"] = http_request(requests[0][2], compact(requests[0][3]),
                                                          chunked=4096)
    files["pipelined-SignUp-ConfirmSignUp.http"] = (
        http_request(requests[0][2], compact(requests[0][3]), extra=["connection: keep-alive"]) +
        http_request(requests[1][2], compact(requests[1][3]), extra=["connection: close"]))
    files["pipelined-signed-cli-twice.http"] = (signed[0] + signed[0]).encode()
    files["pipelined-chunked-then-plain.http"] = (
        http_request(headers, compact(body), chunked=64) + http_request(headers, compact(body)))
    files["http10-InitiateAuth.http"] = http_request(headers, compact(body)).replace(
        b"HTTP/1.1", b"HTTP/1.0", 1)
    browser = ["origin: http://localhost:5173", "referer: http://localhost:5173/",
               "sec-fetch-mode: cors"]
    files["browser-GetUser.http"] = http_request(requests[7][2], compact(requests[7][3]),
                                                 extra=browser)
    files["preflight.http"] = http_request(
        {}, "", method="OPTIONS", extra=[
            "origin: http://localhost:5173", "access-control-request-method: POST",
            "access-control-request-headers: cache-control,content-type,x-amz-target,"
            "x-amz-user-agent"])
    files["forwarded-for-InitiateAuth.http"] = http_request(
        headers, compact(body), extra=["x-forwarded-for: 203.0.113.7, 10.0.0.3",
                                       "x-forwarded-for: 198.51.100.2"])
    files["forwarded-for-v6.http"] = http_request(
        headers, compact(body), extra=["x-forwarded-for: 2001:db8::1, fd00::2"])
    files["get-health.http"] = http_request({}, "", method="GET", target="/health")
    files["get-jwks.http"] = http_request({}, "", method="GET",
                                          target=f"/{POOL_ID}/.well-known/jwks.json")
    files["get-query.http"] = http_request({"accept": "*/*"}, "", method="GET",
                                           target="/_cognate/config?b=2&a=1&a=0")
    files["post-qr.http"] = http_request(
        {"content-type": "text/plain"},
        "otpauth://totp/Cognate:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Cognate",
        target="/_cognate/qr")
    return files


# ---- Bodies, headers, small values ---------------------------------------------------------------


def body_corpus(requests, signed):
    files = {}
    seen = set()
    for i, (client, action, _, body) in enumerate(requests):
        text = compact(body)
        if text not in seen:
            seen.add(text)
            files[f"{client}-{i:02d}-{action}.json"] = text
    for i, raw in enumerate(signed):
        files[f"admin-sigv4-{'cli' if i == 0 else 'sdk-v3'}.json"] = raw.split("\r\n\r\n", 1)[1]
    # Admin operations' members, as the CLI sends them (its requests are pretty-spaced JSON).
    files["cli-ListUsers.json"] = json.dumps({
        "UserPoolId": POOL_ID, "AttributesToGet": ["email", "name"], "Limit": 10,
        "Filter": 'email ^= "ali"', "PaginationToken": "YWxpY2UKMDEyMzQ1Njc4OWFiY2RlZg"})
    files["cli-AdminSetUserPassword.json"] = json.dumps({
        "UserPoolId": POOL_ID, "Username": "alice", "Password": "Passw0rd!", "Permanent": True})
    files["cli-AdminSetUserMFAPreference.json"] = json.dumps({
        "UserPoolId": POOL_ID, "Username": "alice",
        "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True},
        "EmailMfaSettings": {"Enabled": False, "PreferredMfa": False}})
    files["cli-ListGroups.json"] = json.dumps({"UserPoolId": POOL_ID, "Limit": 2,
                                               "NextToken": "QURNSU5T"})
    files["cli-AdminDeleteUserAttributes.json"] = json.dumps({
        "UserPoolId": POOL_ID, "Username": "alice", "UserAttributeNames": ["name", "custom:plan"]})
    return files


def text_corpus(requests, signed):
    values = []
    for _, _, headers, body in requests:
        for key in ("AuthParameters", "ChallengeResponses"):
            for k, v in (body.get(key) or {}).items():
                if k in ("TIMESTAMP", "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE",
                         "USERNAME", "SECRET_HASH") and isinstance(v, str) and not truncated(v):
                    values.append((k, v))
        for k in ("Username", "Session"):
            if isinstance(body.get(k), str):
                values.append((k, body[k]))
        for attribute in body.get("UserAttributes") or []:
            values.append(("attribute", attribute["Value"]))
    for raw in signed:
        for line in raw.split("\r\n"):
            name, _, value = line.partition(": ")
            if name.lower() in ("authorization", "x-amz-date", "x-amz-content-sha256"):
                values.append((name.lower(), value))
    files = {}
    seen = set()
    for k, v in values:
        if v not in seen:
            seen.add(v)
            files[f"{k.lower().replace('_', '-')}-{len(files):02d}.txt"] = v
    files["srp-timestamp-vector.txt"] = "Tue Mar 5 09:04:01 UTC 2024"
    files["secret-code-base32.txt"] = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    files["secret-code-base32-lower-padded.txt"] = "jbswy3dpehpk3pxp===="
    files["hex.txt"] = "0123456789abcdefABCDEF"
    return files


def srp_corpus(protocol, requests):
    vector = json.load(open(os.path.join(protocol, "srp-test-vector.json"), encoding="utf-8"))
    files = {"srp-test-vector.txt": "\n".join([
        vector["A_hex"], vector["user"], vector["secret_block"], vector["timestamp"],
        vector["signature"]])}
    # Each client's A with the PASSWORD_VERIFIER answer that followed it (against the target's
    # fixed server state these are wrong proofs, with real shapes).
    a_hex = None
    for client, action, _, body in requests:
        params = body.get("AuthParameters") or {}
        answer = body.get("ChallengeResponses") or {}
        if "SRP_A" in params and not truncated(params["SRP_A"]):
            a_hex = params["SRP_A"]
        if body.get("ChallengeName") == "PASSWORD_VERIFIER" and a_hex:
            fields = [answer.get(k, "") for k in ("USERNAME", "PASSWORD_CLAIM_SECRET_BLOCK",
                                                  "TIMESTAMP", "PASSWORD_CLAIM_SIGNATURE")]
            if not any(truncated(f) for f in fields):
                files[f"{client}-{len(files):02d}.txt"] = "\n".join([a_hex] + fields)
    return files


def hotp(key, counter):
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def totp_corpus(protocol, requests):
    files = {}
    for client, action, _, body in requests:
        code = body.get("UserCode") or (body.get("ChallengeResponses") or {}).get(
            "SOFTWARE_TOKEN_MFA_CODE")
        if code and code not in files.values():
            files[f"{client}-{action}-{len(files):02d}.txt"] = code
    # totp_fuzz's fixture: RFC 6238's key; the next step's code is accepted, the current refused.
    step = 1795914765 // 30
    files["fixture-next-step.txt"] = hotp(b"12345678901234567890", step + 1)
    files["fixture-spent-step.txt"] = hotp(b"12345678901234567890", step)
    files["fixture-enrolment.txt"] = hotp(b"abcdefghijabcdefghij", step + 1)
    # What Amplify and the built-in page draw as a QR code (POST /_cognate/qr).
    for action, response in passwordless_responses(protocol):
        if action == "AssociateSoftwareToken" and "SecretCode" in response:
            secret = response["SecretCode"]
            files["otpauth-amplify.txt"] = (
                f"otpauth://totp/AWSCognito:alice@example.com?secret={secret}&issuer=AWSCognito")
            files["otpauth-authenticator-encoded.txt"] = (
                f"otpauth://totp/My%20App:alice%40example.com?secret={secret}&issuer=My%20App")
    return files


def list_users_corpus():
    """Filter, then the token: '<filter>\\n<token>'."""
    def pagination_token(last_username, filter_text):
        binding = hashlib.sha256(f"{POOL_ID}\n{filter_text}".encode()).hexdigest()[:16]
        return b64url(f"{last_username}\n{binding}".encode())

    filters = ['email ^= "ali"', 'email = "bob@example.com"', 'status = "Disabled"',
               'cognito:user_status = "UNCONFIRMED"', 'name ^= ""', 'username = "alice"',
               'sub = "3c1b2a90-1111-2222-3333-444455556666"', 'family_name^="Lid"',
               '  given_name   =   "Alice"  ', 'phone_number ^= "+1555"', 'preferred_username = "ali"',
               "", 'custom:plan = "pro"', 'email ^= "a" and name = "b"']
    files = {}
    for i, f in enumerate(filters):
        files[f"filter-{i:02d}.txt"] = f
    # A token from a first page of two (users sorted by id), and the NextToken of other listings.
    files["filter-all-page2.txt"] = "\n" + pagination_token(
        "3c1b2a90-1111-2222-3333-444455556666", "")
    files["filter-email-page2.txt"] = 'email ^= "ali"\n' + pagination_token(
        "0b5e7a1c-4f3d-4a8e-9c11-2d6f8e0a9b10", 'email ^= "ali"')
    files["token-wrong-filter.txt"] = 'status = "Enabled"\n' + pagination_token(
        "0b5e7a1c-4f3d-4a8e-9c11-2d6f8e0a9b10", "")
    files["next-token-group.txt"] = "\n" + b64url(b"ADMINS")
    files["next-token-pool.txt"] = "\n" + b64url(POOL_ID.encode())
    return files


def config_corpus():
    files = {}
    for name in ("auth_config_test.cpp", "settings_json_test.cpp"):
        text = open(os.path.join(ROOT, "tests/unit/pool", name), encoding="utf-8").read()
        for raw in re.findall(r'R"\((.*?)\)"', text, re.S):
            if raw.lstrip().startswith("{") and raw not in files.values():
                files[f"{name.split('_test')[0]}-{len(files):02d}.json"] = raw
    files["workshop-auth.json"] = json.dumps({
        "loginWith": {"email": {
            "verificationEmailStyle": "CODE",
            "verificationEmailSubject": "Welcome to Our Workshop App",
            "verificationEmailBody": "Thanks for signing up! Use this code to verify your account: "
                                     "{####}"}},
        "multifactor": {"mode": "REQUIRED", "totp": True}}, indent=2) + "\n"
    return files


def token_corpus(requests):
    files = {}
    for client, action, _, body in requests:
        for key in ("AccessToken", "Token", "RefreshToken"):
            value = body.get(key)
            if isinstance(value, str) and value.count(".") >= 2 and value not in files.values():
                files[f"{client}-{action}-{key}-{len(files):02d}.txt"] = value
    # The shape Cognate issues (token/issuer.h), with a signature that does not verify.
    header = {"kid": "Qe6cWv1-8Zt0bL5mR2nY4w", "alg": "RS256"}
    claims = {"sub": "3c1b2a90-1111-2222-3333-444455556666",
              "iss": f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}",
              "client_id": "testclient123", "origin_jti": "7d2f9c44-8b1e-4c6a-a3d5-0e9f1b2c3d4e",
              "event_id": "a1e4c6b8-2d3f-4e5a-8b7c-9d0e1f2a3b4c", "token_use": "access",
              "scope": "aws.cognito.signin.user.admin", "auth_time": 1795914700,
              "exp": 1795918300, "iat": 1795914700, "jti": "f0e1d2c3-b4a5-4968-8776-655443322110",
              "username": "3c1b2a90-1111-2222-3333-444455556666"}
    signature = b64url(hashlib.sha256(b"not a signature").digest() * 8)
    files["cognate-access-token.txt"] = ".".join(
        [b64url(compact(header).encode()), b64url(compact(claims).encode()), signature])
    expired = dict(claims, exp=1795914000)
    files["cognate-access-token-expired.txt"] = ".".join(
        [b64url(compact(header).encode()), b64url(compact(expired).encode()), signature])
    # The same as plain JSON ("<header>\n<payload>"): token_fuzz encodes and signs these.
    files["json-cognate-access-token.txt"] = compact(header) + "\n" + compact(claims)
    files["json-id-token-shape.txt"] = compact(header) + "\n" + compact(
        dict(claims, token_use="id", aud="testclient123", email="alice@example.com",
             email_verified=True, **{"cognito:username": claims["sub"]}))
    for name, value in list(files.items()):
        if name.startswith("amplify") and value.count(".") == 2:
            head, payload, _ = value.split(".")
            pad = lambda part: base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
            try:
                files["json-" + name] = (pad(head) + b"\n" + pad(payload)).decode()
            except (ValueError, UnicodeDecodeError):
                pass
    files["alg-none.txt"] = ".".join([b64url(b'{"alg":"none","kid":"x"}'),
                                      b64url(compact(claims).encode()), "x"])
    return files


def csv_import_corpus():
    """User-import CSVs with the header GetCSVHeader gives (csv_import_fuzz's pool has custom:plan
    and custom:seats); each seed's first byte says where the input is split in two pieces."""
    header = ["name", "given_name", "family_name", "middle_name", "nickname", "preferred_username",
              "profile", "picture", "website", "email", "email_verified", "gender", "birthdate",
              "zoneinfo", "locale", "phone_number", "phone_number_verified", "address",
              "updated_at", "custom:plan", "custom:seats", "cognito:mfa_enabled",
              "cognito:username"]

    def line(values):
        cells = []
        for column in header:
            v = values.get(column, "")
            cells.append('"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\r\n') else v)
        return ",".join(cells)

    alice = {"email": "alice@example.com", "email_verified": "true", "given_name": "Alice",
             "custom:plan": "pro", "custom:seats": "5", "cognito:mfa_enabled": "false",
             "cognito:username": "alice"}
    bob = {"email": "Bob@Example.com", "email_verified": "TRUE", "address": "1 Main St\nSpringfield",
           "phone_number": "+15550100", "phone_number_verified": "true", "name": 'Bob "B" Jones',
           "cognito:mfa_enabled": "true", "cognito:username": "bob"}
    files = {}
    rows = [",".join(header), line(alice), line(bob)]
    files["cognito-header-two-users.csv"] = b"\x10" + ("\n".join(rows) + "\n").encode()
    files["crlf-bom.csv"] = b"\x05" + ("\ufeff" + "\r\n".join(rows)).encode()
    files["short-header.csv"] = b"\x20" + (
        "cognito:username,email,email_verified,cognito:mfa_enabled\n"
        "carol,carol@example.com,true,false\n\n"
        "dave,not-an-email,true,false\n"
        "erin,erin@example.com,maybe,false\n"
        "frank,frank@example.com,true\n").encode()
    files["unknown-column.csv"] = b"\x00cognito:username,email,shoe_size\nx,x@example.com,9\n"
    files["bad-quote.csv"] = b"\x08" + (",".join(header) + "\n" + line(alice) + '\nx"y,z\n').encode()
    files["unclosed-quote.csv"] = b"\x03cognito:username,email\n\"open,a@example.com\n"
    files["custom-out-of-range.csv"] = b"\x11" + (",".join(header) + "\n" + line(
        dict(alice, **{"custom:seats": "1000", "custom:plan": ""})) + "\n").encode()
    files["not-utf8.csv"] = b"\x02cognito:username,email,given_name\nx,x@example.com,\xc3\x28\n"
    return files


# ---- Writing -------------------------------------------------------------------------------------


def write(corpus_dir, target, files):
    folder = os.path.join(corpus_dir, target)
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if not name.startswith(KEEP) and name not in files:
            os.remove(os.path.join(folder, name))
    for name, content in sorted(files.items()):
        data = content if isinstance(content, bytes) else content.encode()
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    print(f"{target}: {len(files)} seeds")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--protocol", default="/work/shared/protocol")
    parser.add_argument("--out", default=os.path.join(ROOT, "fuzz", "corpus"))
    args = parser.parse_args()
    requests = captured_requests(args.protocol)
    signed = signed_captures(args.protocol)
    write(args.out, "http_request_fuzz", http_corpus(requests, signed))
    write(args.out, "request_body_fuzz", body_corpus(requests, signed))
    write(args.out, "text_parsers_fuzz", text_corpus(requests, signed))
    write(args.out, "srp_fuzz", srp_corpus(args.protocol, requests))
    write(args.out, "totp_fuzz", totp_corpus(args.protocol, requests))
    write(args.out, "list_users_fuzz", list_users_corpus())
    write(args.out, "config_fuzz", config_corpus())
    write(args.out, "token_fuzz", token_corpus(requests))
    write(args.out, "csv_import_fuzz", csv_import_corpus())


if __name__ == "__main__":
    main()
