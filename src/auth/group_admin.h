#pragma once
// User groups, as operators manage them with signed calls (protocol doc cognito-admin-api.md §6):
// create, read, update, delete and list a pool's groups; add a user to a group and remove them;
// list a user's groups and a group's users. Tokens issued after a change carry the user's groups
// in `cognito:groups`, lowest precedence first (then by name); tokens issued before keep theirs
// until they are refreshed. Each change is one transaction with its audit row.
//
// Blocking (store); call from worker threads. Thread-safe.

#include "common/clock.h"
#include "common/error.h"
#include "pool/directory.h"
#include "store/store.h"

#include <optional>
#include <string>
#include <vector>

namespace cognate::auth {

struct group_page {
  std::vector<store::group_record> groups;
  std::string next_token;  // "" on the last page
};

struct member_page {
  std::vector<store::user_record> users;
  std::string next_token;
};

class group_admin {
 public:
  group_admin(store::store& store, const clock& clock) : store_(store), clock_(clock) {}

  // Fails with group_exists (any case), invalid_parameter.
  result<store::group_record> create(const pool::pool_entry& pool, store::group_record group,
                                     const std::string& actor) const;
  // Failure: resource_not_found "Group not found.".
  result<store::group_record> get(const pool::pool_entry& pool, const std::string& name) const;
  // Changes what is given; the members' token claims follow their new order.
  result<store::group_record> update(const pool::pool_entry& pool, const std::string& name,
                                     std::optional<std::string> description,
                                     std::optional<std::int64_t> precedence,
                                     std::optional<std::string> role_arn,
                                     const std::string& actor) const;
  result<void> remove(const pool::pool_entry& pool, const std::string& name,
                      const std::string& actor) const;
  result<group_page> list(const pool::pool_entry& pool, int limit, const std::string& token) const;

  result<void> add_user(const pool::pool_entry& pool, const std::string& username,
                        const std::string& group, const std::string& actor) const;
  result<void> remove_user(const pool::pool_entry& pool, const std::string& username,
                           const std::string& group, const std::string& actor) const;
  result<group_page> groups_of(const pool::pool_entry& pool, const std::string& username,
                               int limit, const std::string& token) const;
  result<member_page> users_in(const pool::pool_entry& pool, const std::string& group, int limit,
                               const std::string& token) const;

 private:
  store::store& store_;
  const clock& clock_;
};

// Refreshes the user row's list of group names from the memberships, in claim order.
result<void> refresh_user_groups(store::transaction& tx, store::user_record& user);

}  // namespace cognate::auth
