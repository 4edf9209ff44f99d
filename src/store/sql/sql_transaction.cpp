#include "store/sql/sql_transaction.h"

#include "store/sql/sql_repositories.h"

namespace cognate::store {
namespace {

class sql_transaction final : public transaction {
 public:
  explicit sql_transaction(sql::executor& db)
      : users_(db),
        factors_(db),
        sessions_(db),
        codes_(db),
        tokens_(db),
        keys_(db),
        outbox_(db),
        directory_(db),
        audit_(db),
        credentials_(db),
        groups_(db),
        sealed_(db) {}

  user_repository& users() override { return users_; }
  factor_repository& factors() override { return factors_; }
  session_repository& sessions() override { return sessions_; }
  code_repository& codes() override { return codes_; }
  token_repository& tokens() override { return tokens_; }
  key_repository& keys() override { return keys_; }
  outbox_repository& outbox() override { return outbox_; }
  directory_repository& directory() override { return directory_; }
  audit_repository& audit() override { return audit_; }
  credential_repository& credentials() override { return credentials_; }
  group_repository& groups() override { return groups_; }
  sealed_repository& sealed() override { return sealed_; }

 private:
  sql::sql_users users_;
  sql::sql_factors factors_;
  sql::sql_sessions sessions_;
  sql::sql_codes codes_;
  sql::sql_tokens tokens_;
  sql::sql_keys keys_;
  sql::sql_outbox outbox_;
  sql::sql_directory directory_;
  sql::sql_audit audit_;
  sql::sql_credentials credentials_;
  sql::sql_groups groups_;
  sql::sql_sealed sealed_;
};

}  // namespace

std::unique_ptr<transaction> make_sql_transaction(sql::executor& db) {
  return std::make_unique<sql_transaction>(db);
}

}  // namespace cognate::store
