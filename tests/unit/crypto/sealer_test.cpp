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

}  // namespace
}  // namespace cognate::crypto
