#include "token/jws.h"

#include "common/reasons.h"
#include "common/encoding.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>

namespace cognate::token {
namespace {

using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using digest_init = int (*)(EVP_MD_CTX*, EVP_PKEY_CTX**, const EVP_MD*, ENGINE*, EVP_PKEY*);

failure invalid_token() { return fail(reason::invalid_access_token); }

// An EVP_MD_CTX set up for RS256 with `key`, or nullptr (OpenSSL error queue cleared).
md_ctx_ptr rs256_context(const rsa_key& key, digest_init init) {
  md_ctx_ptr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pkey_ctx = nullptr;
  // The init functions take a non-const key but only read it; OpenSSL locks its internal caches.
  auto* pkey = const_cast<EVP_PKEY*>(key.get());
  if (ctx == nullptr || init(ctx.get(), &pkey_ctx, EVP_sha256(), nullptr, pkey) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PADDING) != 1) {
    ERR_clear_error();
    return md_ctx_ptr(nullptr, EVP_MD_CTX_free);
  }
  return ctx;
}

bool verify_rs256(const rsa_key& key, std::string_view signing_input,
                  std::span<const unsigned char> signature) {
  auto ctx = rs256_context(key, EVP_DigestVerifyInit);
  auto input = as_bytes(signing_input);
  if (ctx == nullptr || EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                                         input.data(), input.size()) != 1) {
    ERR_clear_error();
    return false;
  }
  return true;
}

std::optional<boost::json::object> decode_object(std::string_view part) {
  auto json = base64url_decode(part);
  if (!json) {
    return std::nullopt;
  }
  boost::system::error_code ec;
  auto value = boost::json::parse(
      std::string_view(reinterpret_cast<const char*>(json->data()), json->size()), ec);
  if (ec || !value.is_object()) {
    return std::nullopt;
  }
  return std::move(value.as_object());
}

}  // namespace

std::string sign_jwt(const rsa_key& key, const boost::json::object& payload) {
  boost::json::object header{{"kid", key.kid()}, {"alg", "RS256"}};
  std::string token = base64url_encode(as_bytes(boost::json::serialize(header))) + '.' +
                      base64url_encode(as_bytes(boost::json::serialize(payload)));
  auto ctx = rs256_context(key, EVP_DigestSignInit);
  auto input = as_bytes(token);
  std::size_t size = 0;
  if (ctx == nullptr ||
      EVP_DigestSign(ctx.get(), nullptr, &size, input.data(), input.size()) != 1) {
    ERR_clear_error();
    throw std::runtime_error("OpenSSL: RS256 signing failed");
  }
  bytes signature(size);
  if (EVP_DigestSign(ctx.get(), signature.data(), &size, input.data(), input.size()) != 1) {
    ERR_clear_error();
    throw std::runtime_error("OpenSSL: RS256 signing failed");
  }
  signature.resize(size);
  return token + '.' + base64url_encode(signature);
}

result<verified_jwt> verify_jwt(
    std::string_view token,
    const std::function<const rsa_key*(std::string_view kid)>& key_for_kid) {
  if (token.size() > max_jwt_size) {
    return invalid_token();
  }
  if (std::count(token.begin(), token.end(), '.') != 2) {
    return invalid_token();
  }
  auto first_dot = token.find('.');
  auto second_dot = token.find('.', first_dot + 1);
  auto header_part = token.substr(0, first_dot);
  auto payload_part = token.substr(first_dot + 1, second_dot - first_dot - 1);
  auto signature_part = token.substr(second_dot + 1);
  if (header_part.empty() || payload_part.empty() || signature_part.empty()) {
    return invalid_token();
  }

  auto header = decode_object(header_part);
  if (!header) {
    return invalid_token();
  }
  const auto* alg = header->if_contains("alg");
  const auto* kid = header->if_contains("kid");
  // "crit" names extensions the verifier must understand (RFC 7515 §4.1.11); we know none.
  if (alg == nullptr || !alg->is_string() || alg->get_string() != "RS256" || kid == nullptr ||
      !kid->is_string() || header->contains("crit")) {
    return invalid_token();
  }
  const rsa_key* key =
      key_for_kid(std::string_view(kid->get_string().data(), kid->get_string().size()));
  auto signature = base64url_decode(signature_part);
  if (key == nullptr || !signature ||
      !verify_rs256(*key, token.substr(0, second_dot), *signature)) {
    return invalid_token();
  }

  auto payload = decode_object(payload_part);
  if (!payload) {
    return invalid_token();
  }
  return verified_jwt{std::move(*header), std::move(*payload)};
}

boost::json::object jwks(std::span<const rsa_key* const> keys) {
  boost::json::array list;
  std::set<std::string_view> seen;
  for (const rsa_key* key : keys) {
    if (seen.insert(key->kid()).second) {
      list.push_back(key->public_jwk());
    }
  }
  return {{"keys", std::move(list)}};
}

std::string unverified_kid(std::string_view token) {
  const auto dot = token.find('.');
  if (dot == std::string_view::npos || dot > 4096) {
    return {};
  }
  auto header = base64url_decode(token.substr(0, dot));
  if (!header) {
    return {};
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(
      std::string_view(reinterpret_cast<const char*>(header->data()), header->size()), ec);
  if (ec || !v.is_object()) {
    return {};
  }
  const auto* kid = v.as_object().if_contains("kid");
  return kid && kid->is_string() ? std::string(kid->as_string()) : std::string();
}

}  // namespace cognate::token
