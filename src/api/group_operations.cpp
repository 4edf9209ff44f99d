// Groups, SigV4-signed (protocol doc cognito-admin-api.md §6): CreateGroup, GetGroup,
// UpdateGroup, DeleteGroup, ListGroups, AdminAddUserToGroup, AdminRemoveUserFromGroup,
// AdminListGroupsForUser, ListUsersInGroup.
#include "api/handlers.h"

namespace cognate::api::handlers {
namespace {

boost::json::object group_json(const store::group_record& g) {
  boost::json::object out{{"GroupName", g.name},
                          {"UserPoolId", g.pool_id},
                          {"LastModifiedDate", epoch_seconds(g.updated_at)},
                          {"CreationDate", epoch_seconds(g.created_at)}};
  if (!g.description.empty()) {
    out["Description"] = g.description;
  }
  if (!g.role_arn.empty()) {
    out["RoleArn"] = g.role_arn;
  }
  if (g.precedence) {
    out["Precedence"] = *g.precedence;
  }
  return out;
}

int limit_of(decoder& in) {
  const auto limit = in.optional_integer("Limit", {.min_length = 0, .max_length = 60}).value_or(60);
  return limit == 0 ? 60 : static_cast<int>(limit);
}

boost::json::object groups_json(const auth::group_page& page) {
  boost::json::array groups;
  for (const auto& g : page.groups) {
    groups.push_back(group_json(g));
  }
  boost::json::object out{{"Groups", groups}};
  if (!page.next_token.empty()) {
    out["NextToken"] = page.next_token;
  }
  return out;
}

const std::string& actor(const call& c) { return c.principal->name; }

}  // namespace

result<boost::json::object> create_group(const call& c) {
  decoder in(c.body);
  ASSIGN_OR_RETURN(auto g, c.services.auth.groups.create(
                               *c.pool,
                               {.name = in.required_string("GroupName"),
                                .description = in.optional_string("Description").value_or(""),
                                .precedence = in.optional_integer(
                                    "Precedence", {.min_length = 0, .max_length = 2147483647}),
                                .role_arn = in.optional_string("RoleArn").value_or("")},
                               actor(c)));
  return boost::json::object{{"Group", group_json(g)}};
}

result<boost::json::object> get_group(const call& c) {
  decoder in(c.body);
  ASSIGN_OR_RETURN(auto g, c.services.auth.groups.get(*c.pool, in.required_string("GroupName")));
  return boost::json::object{{"Group", group_json(g)}};
}

result<boost::json::object> update_group(const call& c) {
  decoder in(c.body);
  ASSIGN_OR_RETURN(
      auto g, c.services.auth.groups.update(
                  *c.pool, in.required_string("GroupName"), in.optional_string("Description"),
                  in.optional_integer("Precedence", {.min_length = 0, .max_length = 2147483647}),
                  in.optional_string("RoleArn"), actor(c)));
  return boost::json::object{{"Group", group_json(g)}};
}

result<boost::json::object> delete_group(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(c.services.auth.groups.remove(*c.pool, in.required_string("GroupName"), actor(c)));
  return boost::json::object{};
}

result<boost::json::object> list_groups(const call& c) {
  decoder in(c.body);
  const int limit = limit_of(in);
  ASSIGN_OR_RETURN(auto page, c.services.auth.groups.list(
                                  *c.pool, limit, in.optional_string("NextToken").value_or("")));
  return groups_json(page);
}

result<boost::json::object> admin_add_user_to_group(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(c.services.auth.groups.add_user(*c.pool, in.required_string("Username"),
                                                  in.required_string("GroupName"), actor(c)));
  return boost::json::object{};
}

result<boost::json::object> admin_remove_user_from_group(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(c.services.auth.groups.remove_user(*c.pool, in.required_string("Username"),
                                                     in.required_string("GroupName"), actor(c)));
  return boost::json::object{};
}

result<boost::json::object> admin_list_groups_for_user(const call& c) {
  decoder in(c.body);
  const int limit = limit_of(in);
  ASSIGN_OR_RETURN(auto page, c.services.auth.groups.groups_of(
                                  *c.pool, in.required_string("Username"), limit,
                                  in.optional_string("NextToken").value_or("")));
  return groups_json(page);
}

result<boost::json::object> list_users_in_group(const call& c) {
  decoder in(c.body);
  const int limit = limit_of(in);
  ASSIGN_OR_RETURN(auto page, c.services.auth.groups.users_in(
                                  *c.pool, in.required_string("GroupName"), limit,
                                  in.optional_string("NextToken").value_or("")));
  boost::json::array users;
  for (const auto& u : page.users) {
    boost::json::array attributes;
    attributes.push_back({{"Name", "sub"}, {"Value", u.id}});
    for (const auto& [name, value] : pool::attributes_from_json(u.attributes_json)) {
      attributes.push_back({{"Name", name}, {"Value", value}});
    }
    users.push_back({{"Username", u.id},
                     {"Attributes", attributes},
                     {"UserCreateDate", epoch_seconds(u.created_at)},
                     {"UserLastModifiedDate", epoch_seconds(u.updated_at)},
                     {"Enabled", u.enabled},
                     {"UserStatus", auth::status_name(u.status)}});
  }
  boost::json::object out{{"Users", users}};
  if (!page.next_token.empty()) {
    out["NextToken"] = page.next_token;
  }
  return out;
}

}  // namespace cognate::api::handlers
