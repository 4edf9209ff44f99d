#include "app/audit_command.h"

#include "app/provision.h"
#include "app/runtime.h"
#include "common/clock.h"
#include "pool/email_address.h"

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

namespace cognate::app {
namespace {

std::string utc(time_point t) {
  const std::time_t seconds = to_unix(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", tm);
}

}  // namespace

int run_audit(const audit_command& c) {
  auto store = open_store(c.database, 1);
  const system_clock clock;
  std::string pool_id = c.pool;
  std::string user_id = c.user;
  if (c.user.find('@') != std::string::npos) {
    // An email names a user of one pool: the one given, or the database's only pool.
    try {
      pool_id = choose_pool(*store, c.pool);
    } catch (const std::exception& e) {
      fmt::print(stderr, "cognate audit: {}\n", e.what());
      return 1;
    }
    auto found = store::in_read(*store, [&](store::transaction& tx) {
      return tx.users().find_by_email(pool_id, pool::email_key(c.user));
    });
    if (!found) {
      fmt::print(stderr, "cognate audit: {}\n", found.error().message);
      return 1;
    }
    if (!*found) {
      fmt::print(stderr, "cognate audit: no user {} in pool {}\n", c.user, pool_id);
      return 1;
    }
    user_id = (*found)->id;
  }
  const auto since = c.since.count() > 0 ? clock.now() - c.since : from_unix(0);
  auto events = store::in_read(*store, [&](store::transaction& tx) {
    return tx.audit().search(pool_id, user_id, since, c.limit);
  });
  if (!events) {
    fmt::print(stderr, "cognate audit: {}\n", events.error().message);
    return 1;
  }
  for (const auto& e : *events) {
    if (c.json) {
      boost::json::object line{
          {"time", utc(e.at)}, {"pool", e.pool_id}, {"user", e.user_id}, {"event", e.event}};
      boost::system::error_code ec;
      auto detail = boost::json::parse(e.detail, ec);
      line["detail"] = ec ? boost::json::value(e.detail) : detail;
      fmt::print("{}\n", boost::json::serialize(line));
    } else {
      fmt::print("{}  {:<20}  {:<36}  {:<26}  {}\n", utc(e.at), e.pool_id,
                 e.user_id.empty() ? "-" : e.user_id, e.event, e.detail);
    }
  }
  if (!c.json) {
    fmt::print(
        stderr, "{} event(s){}\n", events->size(),
        static_cast<int>(events->size()) == c.limit ? " (the newest; --limit shows more)" : "");
  }
  return 0;
}

}  // namespace cognate::app
