#include "auth/sigv4.h"

#include "common/encoding.h"
#include "common/reasons.h"
#include "crypto/hmac.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace cognate::auth::sigv4 {
namespace {

constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) {
      return out;
    }
    s.remove_prefix(at + 1);
  }
}

// A header value as SigV4 canonicalises it: trimmed, inner runs of whitespace made one space.
std::string canonical_value(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : trim(v)) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
      continue;
    }
    if (space && !out.empty()) {
      out.push_back(' ');
    }
    space = false;
    out.push_back(c);
  }
  return out;
}

bool unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string percent_encode(std::string_view s, bool keep_slash) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

// The path with empty and dot segments removed, then each byte outside the unreserved set
// percent-encoded (the form the AWS clients sign for services other than S3).
std::string canonical_path(std::string_view path) {
  std::vector<std::string_view> kept;
  for (auto segment : split(path, '/')) {
    if (segment.empty() || segment == ".") {
      continue;
    }
    if (segment == "..") {
      if (!kept.empty()) {
        kept.pop_back();
      }
      continue;
    }
    kept.push_back(segment);
  }
  std::string out;
  for (auto segment : kept) {
    out += '/';
    out += percent_encode(segment, false);
  }
  if (out.empty() || (path.size() > 1 && path.back() == '/')) {
    out += '/';
  }
  return out;
}

std::string canonical_query(std::string_view query) {
  if (query.empty()) {
    return {};
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  for (auto part : split(query, '&')) {
    if (part.empty()) {
      continue;
    }
    const auto eq = part.find('=');
    pairs.emplace_back(std::string(part.substr(0, eq)),
                       eq == std::string_view::npos ? std::string() : std::string(part.substr(eq + 1)));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) {
      out += '&';
    }
    out += k + "=" + v;
  }
  return out;
}

std::string_view as_text(const crypto::digest256& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

}  // namespace

result<authorization> parse_authorization(std::string_view header) {
  header = trim(header);
  if (!header.starts_with(algorithm) || header.size() == algorithm.size() ||
      header[algorithm.size()] != ' ') {
    return fail(reason::signature_header_malformed, "it must start with AWS4-HMAC-SHA256");
  }
  header.remove_prefix(algorithm.size() + 1);
  std::map<std::string, std::string, std::less<>> parts;
  for (auto part : split(header, ',')) {
    part = trim(part);
    const auto eq = part.find('=');
    if (eq == std::string_view::npos) {
      return fail(reason::signature_header_malformed, "each part must be Name=value");
    }
    if (!parts.emplace(std::string(part.substr(0, eq)), std::string(part.substr(eq + 1))).second) {
      return fail(reason::signature_header_malformed, "a part is given twice");
    }
  }
  for (const char* name : {"Credential", "SignedHeaders", "Signature"}) {
    if (!parts.contains(name)) {
      return fail(reason::signature_parameter_missing, name);
    }
  }
  authorization out;
  const auto scope = split(parts["Credential"], '/');
  if (scope.size() != 5 || scope[0].empty() || scope[1].size() != 8) {
    return fail(reason::signature_header_malformed,
                "Credential must be ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request");
  }
  out.access_key_id = scope[0];
  out.date = scope[1];
  out.region = scope[2];
  out.service = scope[3];
  out.terminator = scope[4];
  out.signed_headers_text = parts["SignedHeaders"];
  for (auto name : split(out.signed_headers_text, ';')) {
    if (name.empty()) {
      return fail(reason::signature_header_malformed, "SignedHeaders has an empty name");
    }
    out.signed_headers.emplace_back(lower(name));
  }
  out.signature = parts["Signature"];
  if (out.signature.size() != 64 ||
      !std::all_of(out.signature.begin(), out.signature.end(),
                   [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
    return fail(reason::signature_header_malformed, "Signature must be 64 lower-case hex digits");
  }
  return out;
}

std::string hex_sha256(std::string_view data) {
  return hex_encode(crypto::sha256(as_bytes(data)));
}

std::optional<std::string> canonical_request(const request& r,
                                             const std::vector<std::string>& signed_headers,
                                             std::string_view signed_headers_text,
                                             std::string_view payload_hash) {
  std::string out;
  out += r.method;
  out += '\n';
  out += canonical_path(r.path);
  out += '\n';
  out += canonical_query(r.query);
  out += '\n';
  for (const auto& name : signed_headers) {
    std::string joined;
    bool found = false;
    for (const auto& [n, v] : r.headers) {
      if (n.size() == name.size() && lower(n) == name) {
        if (found) {
          joined += ',';
        }
        joined += canonical_value(v);
        found = true;
      }
    }
    if (!found) {
      return std::nullopt;
    }
    out += name;
    out += ':';
    out += joined;
    out += '\n';
  }
  out += '\n';
  out += signed_headers_text;
  out += '\n';
  out += payload_hash;
  return out;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical) {
  std::string out(algorithm);
  out += '\n';
  out += amz_date;
  out += '\n';
  out += scope;
  out += '\n';
  out += hex_sha256(canonical);
  return out;
}

std::string signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service) {
  std::string key = "AWS4" + std::string(secret);
  for (std::string_view part : {date, region, service, std::string_view("aws4_request")}) {
    key = std::string(as_text(crypto::hmac_sha256(as_bytes(key), as_bytes(part))));
  }
  return key;
}

std::string signature(std::string_view key, std::string_view to_sign) {
  return hex_encode(crypto::hmac_sha256(as_bytes(key), as_bytes(to_sign)));
}

}  // namespace cognate::auth::sigv4
