#pragma once
// User groups of a pool and who belongs to them. A user's group names are also kept on the user
// row (user_record::groups, in precedence order), so minting tokens needs no extra read.

#include "common/clock.h"
#include "common/error.h"

#include <optional>
#include <string>
#include <vector>

namespace cognate::store {

struct group_record {
  std::string pool_id;
  std::string name;  // as created; unique per pool ignoring case
  std::string description;
  std::optional<std::int64_t> precedence;  // lower wins; none sorts last
  std::string role_arn;
  time_point created_at;
  time_point updated_at;
};

// Reached from a transaction (store.h); valid only inside it. Failures are errc::internal unless
// noted.
class group_repository {
 public:
  virtual ~group_repository() = default;
  // Fails with errc::group_exists when the pool has a group of that name (any case).
  virtual result<void> insert(const group_record& g) = 0;
  virtual result<void> update(const group_record& g) = 0;
  // Deletes the group and its memberships.
  virtual result<void> remove(const std::string& pool_id, const std::string& name) = 0;
  // By name, ignoring case.
  virtual result<std::optional<group_record>> find(const std::string& pool_id,
                                                   const std::string& name) = 0;
  // Groups whose (case-folded) name sorts after `after` ("" first), by name, at most `limit`.
  virtual result<std::vector<group_record>> list(const std::string& pool_id,
                                                 const std::string& after, int limit) = 0;
  virtual result<void> add_member(const std::string& pool_id, const std::string& name,
                                  const std::string& user_id) = 0;
  virtual result<void> remove_member(const std::string& pool_id, const std::string& name,
                                     const std::string& user_id) = 0;
  // The members' user ids after `after_user_id`, by id, at most `limit`.
  virtual result<std::vector<std::string>> members(const std::string& pool_id,
                                                   const std::string& name,
                                                   const std::string& after_user_id,
                                                   int limit) = 0;
  // Every group of the user.
  virtual result<std::vector<group_record>> groups_of(const std::string& pool_id,
                                                      const std::string& user_id) = 0;
  // Drops every membership of the user (the user is being deleted).
  virtual result<void> remove_user(const std::string& pool_id, const std::string& user_id) = 0;
};

}  // namespace cognate::store
