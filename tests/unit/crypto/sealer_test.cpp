#include "crypto/sealer.h"

#include "common/random.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace cognate::crypto {
namespace {

std::string text(const bytes& b) { return std::string(b.begin(), b.end()); }

TEST(Sealer, OpensWhatItSealedInTheSameContext) {
  sealer s(master_key::from_bytes(random_bytes(32)));
  auto sealed = s.seal(as_bytes("verifier digits"), "user:1:verifier");
  EXPECT_EQ(sealed.find("verifier digits"), std::string::npos);
  auto opened = s.open(sealed, "user:1:verifier");
  ASSERT_TRUE(opened);
  EXPECT_EQ(text(*opened), "verifier digits");
}

TEST(Sealer, SameSecretSealsDifferentlyEachTime) {
  sealer s(master_key::from_bytes(random_bytes(32)));
  EXPECT_NE(s.seal(as_bytes("x"), "c"), s.seal(as_bytes("x"), "c"));
}

TEST(Sealer, RefusesAnotherRowsContextAKeyOrATamperedValue) {
  sealer s(master_key::from_bytes(random_bytes(32)));
  sealer other(master_key::from_bytes(random_bytes(32)));
  auto sealed = s.seal(as_bytes("secret"), "user:1:verifier");
  EXPECT_FALSE(s.open(sealed, "user:2:verifier"));
  EXPECT_FALSE(other.open(sealed, "user:1:verifier"));
  auto tampered = sealed;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(s.open(tampered, "user:1:verifier"));
  EXPECT_FALSE(s.open("garbage", "user:1:verifier"));
}

TEST(MasterKey, FileIsCreatedPrivateOnceAndLoadsBack) {
  auto dir = std::filesystem::temp_directory_path() / ("cognate-key-" + random_uuid());
  auto file = dir / "master.key";
  auto created = master_key::load_or_create(file);
  auto perms = std::filesystem::status(file).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::group_all, std::filesystem::perms::none);
  EXPECT_EQ(perms & std::filesystem::perms::others_all, std::filesystem::perms::none);
  auto loaded = master_key::load_or_create(file);
  EXPECT_EQ(created.id(), loaded.id());
  EXPECT_THROW(master_key::create(file), std::runtime_error);  // never overwrites
  std::ofstream(dir / "bad.key") << "not base64 of 32 bytes";
  EXPECT_THROW(master_key::load(dir / "bad.key"), std::runtime_error);
  EXPECT_THROW(master_key::load(dir / "missing.key"), std::runtime_error);
  std::filesystem::remove_all(dir);
}

TEST(MasterKey, DerivedKeysDifferByPurpose) {
  auto key = master_key::from_bytes(random_bytes(32));
  EXPECT_NE(key.derive("code-hash"), key.derive("aead-at-rest"));
  EXPECT_EQ(key.derive("code-hash"), key.derive("code-hash"));
}

TEST(Sealer, AKeyRingSealsWithTheCurrentKeyAndOpensWhatAPreviousOneSealed) {
  auto old_key = master_key::from_bytes(random_bytes(32));
  auto new_key = master_key::from_bytes(random_bytes(32));
  sealer before(old_key);
  sealer ring(new_key, {old_key}, random_bytes(32));
  sealer after(new_key);
  auto old_value = before.seal(as_bytes("totp seed"), "user:1:totp");
  auto new_value = ring.seal(as_bytes("totp seed"), "user:1:totp");
  EXPECT_EQ(sealer::key_id_of(old_value), old_key.id());
  EXPECT_EQ(sealer::key_id_of(new_value), new_key.id());
  EXPECT_EQ(ring.key_id(), new_key.id());
  EXPECT_TRUE(ring.can_open(old_key.id()));
  ASSERT_TRUE(ring.open(old_value, "user:1:totp"));
  EXPECT_EQ(text(*ring.open(old_value, "user:1:totp")), "totp seed");
  EXPECT_FALSE(ring.open(old_value, "user:2:totp"));  // the context still binds
  ASSERT_TRUE(after.open(new_value, "user:1:totp"));  // the new key alone opens the new value
  auto unknown = after.open(old_value, "user:1:totp");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, errc::internal);  // the key id goes to the log
  EXPECT_FALSE(before.open(new_value, "user:1:totp"));
  EXPECT_EQ(sealer::key_id_of("no dot here"), "");
}

TEST(Sealer, KeyedHashesComeFromTheHashRootNotTheSealingKey) {
  auto old_key = master_key::from_bytes(random_bytes(32));
  auto new_key = master_key::from_bytes(random_bytes(32));
  const auto root = random_bytes(32);
  // The same root under either key: the same subkeys (codes hashed before a rotation still match).
  EXPECT_EQ(sealer(old_key, {}, root).derive("code-hash"),
            sealer(new_key, {old_key}, root).derive("code-hash"));
  EXPECT_NE(sealer(new_key, {}, root).derive("code-hash"),
            sealer(new_key, {}, random_bytes(32)).derive("code-hash"));
  // A one-key sealer's root is the key itself: what every database made before roots used.
  EXPECT_EQ(sealer(old_key).derive("code-hash"), old_key.derive("code-hash"));
  EXPECT_EQ(sealer(old_key).derive("code-hash"),
            sealer(new_key, {}, bytes(old_key.material().begin(), old_key.material().end()))
                .derive("code-hash"));
  EXPECT_THROW(sealer(new_key, {}, random_bytes(16)), std::runtime_error);
}

}  // namespace
}  // namespace cognate::crypto
