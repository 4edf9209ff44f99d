#pragma once
// AWS Signature Version 4 as the AWS CLI, boto3 and the SDKs sign Cognito's admin operations
// (protocol doc cognito-admin-api.md §2): the Authorization header read, and the signature
// recomputed from the request exactly as signed — the raw body, the headers the client named in
// SignedHeaders, the credential scope. Pure; thread-safe. The check of a request against a stored
// credential (clock window, required headers, constant-time comparison) is operator_guard.h.

#include "common/error.h"

#include <optional>
#include <string>

#include <string_view>
#include <utility>
#include <vector>

namespace cognate::auth::sigv4 {

// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
// SignedHeaders=a;b;c, Signature=hex`.
struct authorization {
  std::string access_key_id;
  std::string date;     // yyyymmdd of the credential scope
  std::string region;
  std::string service;
  std::string terminator;  // "aws4_request"
  std::vector<std::string> signed_headers;  // lower-case, in the order given
  std::string signed_headers_text;          // as given ("a;b;c")
  std::string signature;                    // 64 lower-case hex digits
};

// Reads an Authorization header value. Failures: errc::incomplete_signature naming what is
// missing or malformed (AWS's IncompleteSignatureException).
result<authorization> parse_authorization(std::string_view header);

// A request as received: method, path, raw query, every header (name as sent, value), raw body.
struct request {
  std::string_view method;
  std::string_view path;
  std::string_view query;
  const std::vector<std::pair<std::string_view, std::string_view>>& headers;
  std::string_view body;
};

// Lower-case hex SHA-256 of `data` (the payload hash, the canonical request's hash).
std::string hex_sha256(std::string_view data);

// The canonical request for `signed_headers` (lower-case names): method, normalised path,
// sorted query, each signed header as `name:value` (values trimmed, inner whitespace runs
// collapsed, repeats joined by ','), the signed-header list, and `payload_hash`. A signed header
// the request lacks yields std::nullopt.
std::optional<std::string> canonical_request(const request& r,
                                             const std::vector<std::string>& signed_headers,
                                             std::string_view signed_headers_text,
                                             std::string_view payload_hash);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex SHA-256 of canonical>".
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical);

// The signing key HMAC chain: "AWS4"+secret → date → region → service → "aws4_request".
std::string signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service);

// Lower-case hex HMAC-SHA256 of `to_sign` under `key`.
std::string signature(std::string_view key, std::string_view to_sign);

}  // namespace cognate::auth::sigv4
