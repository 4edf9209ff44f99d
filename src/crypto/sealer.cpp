#include "crypto/sealer.h"

#include "common/random.h"
#include "crypto/hmac.h"

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cognate::crypto {
namespace {

bytes hkdf_sha256(std::span<const unsigned char> ikm, std::string_view info, std::size_t len) {
  bytes out(len);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr);
  static constexpr unsigned char salt[] = "cognate master key v1";
  bool ok = ctx != nullptr && EVP_PKEY_derive_init(ctx) == 1 &&
            EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) == 1 &&
            EVP_PKEY_CTX_set1_hkdf_salt(ctx, salt, sizeof(salt) - 1) == 1 &&
            EVP_PKEY_CTX_set1_hkdf_key(ctx, ikm.data(), static_cast<int>(ikm.size())) == 1 &&
            EVP_PKEY_CTX_add1_hkdf_info(ctx, reinterpret_cast<const unsigned char*>(info.data()),
                                        static_cast<int>(info.size())) == 1 &&
            EVP_PKEY_derive(ctx, out.data(), &len) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) {
    throw std::runtime_error("HKDF derivation failed");
  }
  return out;
}

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

}  // namespace

master_key::master_key(bytes key) : key_(std::move(key)) {
  auto digest = sha256(key_);
  id_ = hex_encode(std::span(digest).first(4));
}

master_key master_key::from_bytes(std::span<const unsigned char> key) {
  if (key.size() != size) {
    throw std::runtime_error("a master key is 32 bytes");
  }
  return master_key(bytes(key.begin(), key.end()));
}

master_key master_key::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error("cannot read master key file " + file.string() +
                             " (create one with: cognate keygen --out " + file.string() + ")");
  }
  std::stringstream text;
  text << in.rdbuf();
  auto decoded = base64_decode(trim(text.str()));
  if (!decoded || decoded->size() != size) {
    throw std::runtime_error("master key file " + file.string() +
                             " must hold base64 of exactly 32 bytes");
  }
  return master_key(std::move(*decoded));
}

master_key master_key::create(const std::filesystem::path& file) {
  auto key = random_bytes(size);
  if (file.has_parent_path()) {
    std::filesystem::create_directories(file.parent_path());
  }
  // O_EXCL semantics: never overwrite an existing key (that would orphan every sealed secret).
  std::FILE* f = std::fopen(file.c_str(), "wx");
  if (f == nullptr) {
    throw std::runtime_error("cannot create master key file " + file.string() +
                             " (does it already exist?)");
  }
  ::chmod(file.c_str(), 0600);
  std::string text = base64_encode(key) + "\n";
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fflush(f) == 0 && ok;
  ok = ::fsync(fileno(f)) == 0 && ok;
  std::fclose(f);
  if (!ok) {
    throw std::runtime_error("cannot write master key file " + file.string());
  }
  return master_key(std::move(key));
}

master_key master_key::load_or_create(const std::filesystem::path& file) {
  return std::filesystem::exists(file) ? load(file) : create(file);
}

bytes master_key::derive(std::string_view purpose) const { return hkdf_sha256(key_, purpose, 32); }

sealer::sealer(master_key key)
    : sealer(key, {}, bytes(key.material().begin(), key.material().end())) {}

sealer::sealer(master_key current, std::vector<master_key> previous, bytes hash_root)
    : hash_root_(std::move(hash_root)) {
  random_bytes(0);  // initialises libsodium
  if (hash_root_.size() != master_key::size) {
    throw std::runtime_error("the hash root is 32 bytes");
  }
  keys_.push_back({current.id(), current.derive("aead-at-rest")});
  for (const auto& k : previous) {
    if (!can_open(k.id())) {
      keys_.push_back({k.id(), k.derive("aead-at-rest")});
    }
  }
}

bytes sealer::derive(std::string_view purpose) const {
  return hkdf_sha256(hash_root_, purpose, 32);
}

std::string_view sealer::key_id_of(std::string_view sealed) {
  auto dot = sealed.find('.');
  return dot == std::string_view::npos ? std::string_view() : sealed.substr(0, dot);
}

bool sealer::can_open(std::string_view key_id) const {
  return std::ranges::any_of(keys_, [&](const ring_key& k) { return k.id == key_id; });
}

std::string sealer::seal(std::span<const unsigned char> plaintext, std::string_view context) const {
  bytes out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
            crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(out.data(), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &written, plaintext.data(),
      plaintext.size(), reinterpret_cast<const unsigned char*>(context.data()), context.size(),
      nullptr, out.data(), keys_.front().aead_key.data());
  out.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + written);
  return keys_.front().id + "." + base64_encode(out);
}

result<bytes> sealer::open(std::string_view sealed, std::string_view context) const {
  const auto id = key_id_of(sealed);
  const auto key = std::ranges::find(keys_, id, &ring_key::id);
  if (id.empty() || key == keys_.end()) {
    return internal_failure("sealed value has an unknown master key id (" + std::string(id) +
                            "): is --previous-master-key-file missing?");
  }
  auto raw = base64_decode(sealed.substr(id.size() + 1));
  constexpr auto overhead =
      crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (!raw || raw->size() < overhead) {
    return internal_failure("sealed value is malformed");
  }
  bytes plain(raw->size() - overhead);
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.data(), &len, nullptr, raw->data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          raw->size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          reinterpret_cast<const unsigned char*>(context.data()), context.size(), raw->data(),
          key->aead_key.data()) != 0) {
    return internal_failure("sealed value failed authentication (wrong key or context)");
  }
  plain.resize(len);
  return plain;
}

}  // namespace cognate::crypto
