// libFuzzer target: what the listings read from a client — ListUsers' Filter (Cognito's grammar,
// `email ^= "ali"`) and PaginationToken, run through auth::user_admin::list() over an in-memory
// pool of five users (so the filter is also matched against real profiles and pages are cut),
// and the NextToken of the other listings (auth/page_token.h: groups, group members, clients,
// pools).
//
// Input: the Filter on the first line, the token on the second (the rest of the input).
//
// Properties checked: a PaginationToken a page returned is accepted for the next page of the same
// filter, and page_position(page_token(k)) == k.
#include "auth/factors.h"
#include "auth/page_token.h"
#include "auth/user_admin.h"
#include "common/clock.h"
#include "fake_store.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace cognate;

constexpr std::string_view pool_id = "us-east-1_Ab12Cd34E";
constexpr int page_size = 2;

void must(bool holds, const char* what) {
  if (!holds) {
    std::fprintf(stderr, "list_users_fuzz: %s\n", what);
    std::abort();
  }
}

store::user_record user(std::string id, std::string email, std::string attributes,
                        store::user_status status, bool enabled) {
  store::user_record u;
  u.pool_id = std::string(pool_id);
  u.id = std::move(id);
  u.email = email;
  u.email_key = std::move(email);
  u.status = status;
  u.enabled = enabled;
  u.attributes_json = std::move(attributes);
  u.created_at = from_unix(1795000000);
  u.updated_at = from_unix(1795000000);
  return u;
}

struct fixture {
  crypto::sealer sealer{crypto::master_key::from_bytes(bytes(crypto::master_key::size, 7))};
  fuzz::fake_store store;
  manual_clock clock{from_unix(1795914765)};
  auth::factor_set factors{sealer, std::chrono::minutes(5)};
  auth::user_admin admin{store, sealer, clock, factors, {}, [] {}};
  pool::pool_entry pool{.id = std::string(pool_id)};

  fixture() {
    using enum store::user_status;
    auto& users = store.user_rows.rows;
    users.push_back(user("0b5e7a1c-4f3d-4a8e-9c11-2d6f8e0a9b10", "alice@example.com",
                         R"({"email":"alice@example.com","email_verified":"true","name":"Alice",)"
                         R"("given_name":"Alice","family_name":"Liddell"})",
                         confirmed, true));
    users.push_back(user("3c1b2a90-1111-2222-3333-444455556666", "alina@example.com",
                         R"({"email":"alina@example.com","preferred_username":"ali",)"
                         R"("phone_number":"+15555550100"})",
                         unconfirmed, true));
    users.push_back(user("7d2f9c44-8b1e-4c6a-a3d5-0e9f1b2c3d4e", "bob@example.com",
                         R"({"email":"bob@example.com","name":"Bob \"the builder\""})",
                         force_change_password, false));
    users.push_back(user("a1e4c6b8-2d3f-4e5a-8b7c-9d0e1f2a3b4c", "carol@example.org",
                         R"({"email":"carol@example.org","custom:plan":"pro"})", reset_required,
                         true));
    users.push_back(
        user("f0e1d2c3-b4a5-4968-8776-655443322110", "dave@example.org", "{}", confirmed, true));
  }
};

fixture& the_fixture() {
  static fixture f;
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& f = the_fixture();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nl = input.find('\n');
  const std::string filter(input.substr(0, nl));
  const std::string token(nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1));

  // Follow the pages from `token` (at most 5 users, so at most 3 pages of 2, or a refusal).
  std::string next = token;
  for (int pages = 0; pages < 4; ++pages) {
    auto page = f.admin.list(f.pool, filter, page_size, next);
    if (!page) {
      must(pages == 0, "a PaginationToken the previous page returned was refused");
      break;
    }
    if (page->next_token.empty()) {
      break;
    }
    must(pages < 3, "more pages than users");
    next = page->next_token;
  }

  if (auto position = auth::page_position(token)) {
    const auto again = auth::page_position(auth::page_token(*position));
    must(again && *again == *position, "page_position(page_token(k)) != k");
  }
  return 0;
}
