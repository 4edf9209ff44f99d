#pragma once
// Secrets at rest: AEAD (XChaCha20-Poly1305) under the master key, bound to where the secret lives.
//
// Every stored secret (SRP verifiers, TOTP seeds, signing keys, queued email bodies) is sealed with
// associated data naming its row and column (e.g. "user:<uuid>:verifier"), so a ciphertext copied
// into another row fails to open. The sealed form is "<key id>.<base64(nonce || ciphertext)>": the
// key id lets a later master-key rotation open old rows while sealing new ones with the new key.
//
// A sealer holds a key ring: it seals with the current master key and opens values sealed with it
// or with a previous one, which is how a master-key rotation runs while nodes serve (`cognate keys
// rotate-master` re-seals every value; docs/security.md). Keyed hashes (codes, decoys) use
// purpose-specific subkeys (HKDF-SHA256) of a separate hash root: a hashed code cannot be re-hashed
// under a new key, so the root is random, stored sealed in the database (pool/hash_root.h), and
// stays when the master key changes. Safe for concurrent use (immutable after construction).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/encoding.h"
#include "common/error.h"

namespace cognate::crypto {

class master_key {
 public:
  static constexpr std::size_t size = 32;

  // Reads a key file holding base64 of 32 random bytes (whitespace around it ignored). Throws
  // std::runtime_error with a helpful message if the file is missing, unreadable or malformed.
  static master_key load(const std::filesystem::path& file);
  // Writes a new random key to `file` with mode 0600 (fails if it exists) and returns it.
  static master_key create(const std::filesystem::path& file);
  // Loads `file`, creating it first if it does not exist (the sandbox's dev key).
  static master_key load_or_create(const std::filesystem::path& file);
  static master_key from_bytes(std::span<const unsigned char> key);  // tests

  // A 32-byte key for `purpose` (HKDF-SHA256 info), e.g. "aead-at-rest".
  bytes derive(std::string_view purpose) const;
  // Short public id of this key (first 8 hex chars of a hash), stored next to sealed values.
  const std::string& id() const { return id_; }
  std::span<const unsigned char> material() const { return key_; }

 private:
  explicit master_key(bytes key);
  bytes key_;
  std::string id_;
};

class sealer {
 public:
  // Seals and opens with `key`, and derives keyed-hash subkeys from it too (tests, tools that
  // never hash).
  explicit sealer(master_key key);
  // Seals with `current`; opens values sealed with `current` or any of `previous`; derives
  // keyed-hash subkeys from `hash_root` (32 bytes).
  sealer(master_key current, std::vector<master_key> previous, bytes hash_root);

  // Encrypts `plaintext` bound to `context`. Never fails.
  std::string seal(std::span<const unsigned char> plaintext, std::string_view context) const;
  // Decrypts a value produced by seal() with the same context. Fails (errc::internal, logged) when
  // the key id is unknown, the value is malformed, or authentication fails.
  result<bytes> open(std::string_view sealed, std::string_view context) const;

  // A 32-byte keyed-hash key for `purpose` (HKDF-SHA256 of the hash root), e.g. "code-hash".
  bytes derive(std::string_view purpose) const;
  // The id of the key seal() uses, and the key id a sealed value names ("" if malformed).
  const std::string& key_id() const { return keys_.front().id; }
  static std::string_view key_id_of(std::string_view sealed);
  // Whether a key with this id is in the ring.
  bool can_open(std::string_view key_id) const;

 private:
  struct ring_key {
    std::string id;
    bytes aead_key;
  };
  std::vector<ring_key> keys_;  // the first one seals
  bytes hash_root_;
};

}  // namespace cognate::crypto
