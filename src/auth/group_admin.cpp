#include "auth/group_admin.h"

#include "auth/page_token.h"
#include "common/reasons.h"
#include "pool/users.h"

#include <boost/json.hpp>

#include <algorithm>

namespace cognate::auth {
namespace {

store::audit_record audit_of(const std::string& pool_id, const std::string& user_id,
                             std::string event, const std::string& group,
                             const std::string& actor, time_point at) {
  boost::json::object detail{{"by", actor}, {"group", group}};
  return {.pool_id = pool_id,
          .user_id = user_id,
          .event = std::move(event),
          .detail = boost::json::serialize(detail),
          .at = at};
}

result<store::group_record> find_group(store::transaction& tx, const pool::pool_entry& pool,
                                       const std::string& name) {
  ASSIGN_OR_RETURN(auto found, tx.groups().find(pool.id, name));
  if (!found) {
    return fail(reason::group_not_found);
  }
  return std::move(*found);
}

result<store::user_record> find_user(store::transaction& tx, const pool::pool_entry& pool,
                                     const std::string& username) {
  ASSIGN_OR_RETURN(auto found, pool::find_user_by_name(tx, pool.id, username));
  if (!found) {
    return fail(reason::user_not_found);
  }
  return std::move(*found);
}

// Group names are unique and ordered ignoring (ASCII) case.
std::string folded(std::string_view name) {
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

// Every member of the group gets their group list refreshed (after a precedence change or a
// deletion).
result<void> refresh_members(store::transaction& tx, const std::string& pool_id,
                             const std::vector<std::string>& user_ids) {
  for (const auto& id : user_ids) {
    ASSIGN_OR_RETURN(auto user, tx.users().find_by_id(pool_id, id));
    if (user) {
      RETURN_IF_ERROR(refresh_user_groups(tx, *user));
    }
  }
  return {};
}

result<std::vector<std::string>> all_members(store::transaction& tx, const std::string& pool_id,
                                             const std::string& group) {
  std::vector<std::string> out;
  std::string after;
  for (;;) {
    ASSIGN_OR_RETURN(auto batch, tx.groups().members(pool_id, group, after, 500));
    out.insert(out.end(), batch.begin(), batch.end());
    if (batch.size() < 500) {
      return out;
    }
    after = batch.back();
  }
}

}  // namespace

result<void> refresh_user_groups(store::transaction& tx, store::user_record& user) {
  ASSIGN_OR_RETURN(auto groups, tx.groups().groups_of(user.pool_id, user.id));
  std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    if (a.precedence.has_value() != b.precedence.has_value()) {
      return a.precedence.has_value();  // a precedence before none
    }
    return a.precedence.value_or(0) < b.precedence.value_or(0);
  });
  user.groups.clear();
  for (const auto& g : groups) {
    user.groups.push_back(g.name);
  }
  return tx.users().update(user);
}

result<store::group_record> group_admin::create(const pool::pool_entry& pool,
                                                store::group_record group,
                                                const std::string& actor) const {
  group.pool_id = pool.id;
  group.created_at = group.updated_at = clock_.now();
  RETURN_IF_ERROR(store_.transact([&](store::transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.groups().insert(group));
    return tx.audit().append(audit_of(pool.id, "", "create_group", group.name, actor, group.created_at));
  }));
  return group;
}

result<store::group_record> group_admin::get(const pool::pool_entry& pool,
                                             const std::string& name) const {
  return store::in_read(store_, [&](store::transaction& tx) { return find_group(tx, pool, name); });
}

result<store::group_record> group_admin::update(const pool::pool_entry& pool,
                                                const std::string& name,
                                                std::optional<std::string> description,
                                                std::optional<std::int64_t> precedence,
                                                std::optional<std::string> role_arn,
                                                const std::string& actor) const {
  const auto now = clock_.now();
  return store::in_transaction(store_, [&](store::transaction& tx) -> result<store::group_record> {
    ASSIGN_OR_RETURN(auto g, find_group(tx, pool, name));
    if (description) g.description = *description;
    if (role_arn) g.role_arn = *role_arn;
    const bool reorder = precedence.has_value() && precedence != g.precedence;
    if (precedence) g.precedence = *precedence;
    g.updated_at = now;
    RETURN_IF_ERROR(tx.groups().update(g));
    if (reorder) {
      ASSIGN_OR_RETURN(auto members, all_members(tx, pool.id, g.name));
      RETURN_IF_ERROR(refresh_members(tx, pool.id, members));
    }
    RETURN_IF_ERROR(tx.audit().append(audit_of(pool.id, "", "update_group", g.name, actor, now)));
    return g;
  });
}

result<void> group_admin::remove(const pool::pool_entry& pool, const std::string& name,
                                 const std::string& actor) const {
  const auto now = clock_.now();
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto g, find_group(tx, pool, name));
    ASSIGN_OR_RETURN(auto members, all_members(tx, pool.id, g.name));
    RETURN_IF_ERROR(tx.groups().remove(pool.id, g.name));
    RETURN_IF_ERROR(refresh_members(tx, pool.id, members));
    return tx.audit().append(audit_of(pool.id, "", "delete_group", g.name, actor, now));
  });
}

result<group_page> group_admin::list(const pool::pool_entry& pool, int limit,
                                     const std::string& token) const {
  ASSIGN_OR_RETURN(auto after, page_position(token));
  return store::in_read(store_, [&](store::transaction& tx) -> result<group_page> {
    ASSIGN_OR_RETURN(auto groups, tx.groups().list(pool.id, after, limit + 1));
    group_page page;
    if (static_cast<int>(groups.size()) > limit) {
      groups.resize(static_cast<std::size_t>(limit));
      page.next_token = page_token(groups.back().name);
    }
    page.groups = std::move(groups);
    return page;
  });
}

result<void> group_admin::add_user(const pool::pool_entry& pool, const std::string& username,
                                   const std::string& group, const std::string& actor) const {
  const auto now = clock_.now();
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto g, find_group(tx, pool, group));
    ASSIGN_OR_RETURN(auto user, find_user(tx, pool, username));
    RETURN_IF_ERROR(tx.groups().add_member(pool.id, g.name, user.id));
    RETURN_IF_ERROR(refresh_user_groups(tx, user));
    return tx.audit().append(audit_of(pool.id, user.id, "add_user_to_group", g.name, actor, now));
  });
}

result<void> group_admin::remove_user(const pool::pool_entry& pool, const std::string& username,
                                      const std::string& group, const std::string& actor) const {
  const auto now = clock_.now();
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto g, find_group(tx, pool, group));
    ASSIGN_OR_RETURN(auto user, find_user(tx, pool, username));
    RETURN_IF_ERROR(tx.groups().remove_member(pool.id, g.name, user.id));
    RETURN_IF_ERROR(refresh_user_groups(tx, user));
    return tx.audit().append(
        audit_of(pool.id, user.id, "remove_user_from_group", g.name, actor, now));
  });
}

result<group_page> group_admin::groups_of(const pool::pool_entry& pool,
                                          const std::string& username, int limit,
                                          const std::string& token) const {
  ASSIGN_OR_RETURN(auto after, page_position(token));
  return store::in_read(store_, [&](store::transaction& tx) -> result<group_page> {
    ASSIGN_OR_RETURN(auto user, find_user(tx, pool, username));
    ASSIGN_OR_RETURN(auto groups, tx.groups().groups_of(pool.id, user.id));
    group_page page;
    for (auto& g : groups) {
      // groups_of() orders by the case-folded name, so the position compares that way too.
      if (!after.empty() && folded(g.name) <= folded(after)) {
        continue;
      }
      if (static_cast<int>(page.groups.size()) == limit) {
        page.next_token = page_token(page.groups.back().name);
        break;
      }
      page.groups.push_back(std::move(g));
    }
    return page;
  });
}

result<member_page> group_admin::users_in(const pool::pool_entry& pool, const std::string& group,
                                          int limit, const std::string& token) const {
  ASSIGN_OR_RETURN(auto after, page_position(token));
  return store::in_read(store_, [&](store::transaction& tx) -> result<member_page> {
    ASSIGN_OR_RETURN(auto g, find_group(tx, pool, group));
    ASSIGN_OR_RETURN(auto ids, tx.groups().members(pool.id, g.name, after, limit + 1));
    member_page page;
    if (static_cast<int>(ids.size()) > limit) {
      ids.resize(static_cast<std::size_t>(limit));
      page.next_token = page_token(ids.back());
    }
    for (const auto& id : ids) {
      ASSIGN_OR_RETURN(auto user, tx.users().find_by_id(pool.id, id));
      if (user) {
        page.users.push_back(std::move(*user));
      }
    }
    return page;
  });
}

}  // namespace cognate::auth
