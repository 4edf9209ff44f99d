#pragma once
// A read-only in-memory store::store for the fuzz targets that drive a domain object which reads
// the store (auth::operator_guard, auth::user_admin): operator credentials, users and their
// factors, set up once by the target. Reads answer from the vectors; writes fail with
// errc::internal (the code under test only reads); any other repository aborts, since reaching
// one means the target drives more than it set up. Not thread-safe (libFuzzer runs one input at
// a time).

#include "store/store.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace cognate::fuzz {

[[noreturn]] inline void unexpected(const char* what) {
  std::fprintf(stderr, "fake_store: %s is not set up for fuzzing\n", what);
  std::abort();
}

class fake_credentials final : public cognate::store::credential_repository {
 public:
  std::vector<cognate::store::credential_record> rows;

  result<void> insert(const cognate::store::credential_record&) override { return read_only(); }
  result<std::optional<cognate::store::credential_record>> find(const std::string& id) override {
    for (const auto& c : rows) {
      if (c.access_key_id == id) {
        return std::optional(c);
      }
    }
    return std::optional<cognate::store::credential_record>();
  }
  result<std::vector<cognate::store::credential_record>> list() override { return rows; }
  result<bool> revoke(const std::string&, time_point) override { return read_only(); }

 private:
  static failure read_only() { return internal_failure("fake store: read-only"); }
};

class fake_users final : public cognate::store::user_repository {
 public:
  std::vector<cognate::store::user_record> rows;  // sorted by id

  result<void> insert(const cognate::store::user_record&) override { return read_only(); }
  result<void> update(const cognate::store::user_record&) override { return read_only(); }
  result<void> remove(const std::string&, const std::string&) override { return read_only(); }
  result<std::optional<cognate::store::user_record>> find_by_email(
      const std::string& pool_id, const std::string& email_key) override {
    return first([&](const auto& u) { return u.pool_id == pool_id && u.email_key == email_key; });
  }
  result<std::optional<cognate::store::user_record>> find_by_id(
      const std::string& pool_id, const std::string& user_id) override {
    return first([&](const auto& u) { return u.pool_id == pool_id && u.id == user_id; });
  }
  result<std::vector<cognate::store::user_record>> list(const std::string& pool_id,
                                                        const std::string& after_id,
                                                        int limit) override {
    std::vector<cognate::store::user_record> out;
    for (const auto& u : rows) {
      if (u.pool_id == pool_id && u.id > after_id && static_cast<int>(out.size()) < limit) {
        out.push_back(u);
      }
    }
    return out;
  }
  result<std::optional<cognate::store::user_account>> account_by_id(const std::string&,
                                                                    const std::string&) override {
    unexpected("users().account_by_id");
  }
  result<std::optional<cognate::store::user_account>> account_by_email(
      const std::string&, const std::string&) override {
    unexpected("users().account_by_email");
  }

 private:
  static failure read_only() { return internal_failure("fake store: read-only"); }
  template <class Pred>
  std::optional<cognate::store::user_record> first(Pred pred) const {
    const auto it = std::find_if(rows.begin(), rows.end(), pred);
    return it == rows.end() ? std::nullopt : std::optional(*it);
  }
};

class fake_factors final : public cognate::store::factor_repository {
 public:
  std::vector<cognate::store::factor_record> rows;  // sorted by (user_id, id)

  result<std::vector<cognate::store::factor_record>> list(const std::string& pool_id,
                                                          const std::string& user_id) override {
    std::vector<cognate::store::factor_record> out;
    for (const auto& f : rows) {
      if (f.pool_id == pool_id && f.user_id == user_id) {
        out.push_back(f);
      }
    }
    return out;
  }
  result<std::optional<cognate::store::factor_record>> find(const std::string& pool_id,
                                                            const std::string& user_id,
                                                            const std::string& id) override {
    for (const auto& f : rows) {
      if (f.pool_id == pool_id && f.user_id == user_id && f.id == id) {
        return std::optional(f);
      }
    }
    return std::optional<cognate::store::factor_record>();
  }
  result<void> put(const cognate::store::factor_record&) override { return read_only(); }
  result<void> remove(const std::string&, const std::string&, const std::string&) override {
    return read_only();
  }
  result<void> remove_user(const std::string&, const std::string&) override { return read_only(); }

 private:
  static failure read_only() { return internal_failure("fake store: read-only"); }
};

class fake_store final : public cognate::store::store, private cognate::store::transaction {
 public:
  fake_credentials credential_rows;
  fake_users user_rows;
  fake_factors factor_rows;

  result<void> transact(
      const std::function<result<void>(cognate::store::transaction&)>& work) override {
    return work(*this);
  }
  result<schema_versions> schema() override { return schema_versions{}; }

 private:
  cognate::store::user_repository& users() override { return user_rows; }
  cognate::store::factor_repository& factors() override { return factor_rows; }
  cognate::store::credential_repository& credentials() override { return credential_rows; }
  cognate::store::session_repository& sessions() override { unexpected("sessions()"); }
  cognate::store::code_repository& codes() override { unexpected("codes()"); }
  cognate::store::token_repository& tokens() override { unexpected("tokens()"); }
  cognate::store::key_repository& keys() override { unexpected("keys()"); }
  cognate::store::outbox_repository& outbox() override { unexpected("outbox()"); }
  cognate::store::directory_repository& directory() override { unexpected("directory()"); }
  cognate::store::audit_repository& audit() override { unexpected("audit()"); }
  cognate::store::group_repository& groups() override { unexpected("groups()"); }
  cognate::store::sealed_repository& sealed() override { unexpected("sealed()"); }
};

}  // namespace cognate::fuzz
