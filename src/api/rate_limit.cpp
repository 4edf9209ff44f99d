#include "api/rate_limit.h"

#include "common/ip_address.h"
#include "common/reasons.h"

#include <algorithm>
#include <charconv>
#include <functional>

namespace cognate::api {
namespace {

struct class_name {
  limit_class value;
  std::string_view name;
};
constexpr std::array<class_name, 6> limited_classes{{
    {limit_class::sign_up, "sign-up"},
    {limit_class::sign_in, "sign-in"},
    {limit_class::challenge, "challenge"},
    {limit_class::recovery, "recovery"},
    {limit_class::token, "token"},
    {limit_class::mfa, "mfa"},
}};

rate per(double per_second) { return rate{.per_second = per_second, .burst = 2 * per_second}; }

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || value < 0 || value > 1e9) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::string_view limit_class_name(limit_class c) {
  for (const auto& entry : limited_classes) {
    if (entry.value == c) {
      return entry.name;
    }
  }
  return "unlimited";
}

rate_limits rate_limits::defaults() {
  rate_limits l;
  // Per app client: Cognito's default quotas. Per address: a share one office can live with.
  l.of(limit_class::sign_up) = {.per_address = rate{5, 20}, .per_client = per(50)};
  l.of(limit_class::sign_in) = {.per_address = rate{20, 40}, .per_client = per(120)};
  l.of(limit_class::challenge) = {.per_address = rate{60, 120}, .per_client = per(360)};
  l.of(limit_class::recovery) = {.per_address = rate{2, 10}, .per_client = per(30)};
  l.of(limit_class::token) = {.per_address = rate{20, 40}, .per_client = per(120)};
  l.of(limit_class::mfa) = {.per_address = rate{20, 40}, .per_client = {}};
  return l;
}

rate_limits rate_limits::none() { return rate_limits{}; }

namespace {

// One CLASS.SCOPE=RATE[/BURST]; `whole` is the flag's value, for messages.
result<rate_limits::pool_setting> parse_setting(std::string_view text, std::string_view whole) {
  const auto bad = [&](std::string_view why) {
    return fail(reason::invalid_parameter,
                "--rate-limit " + std::string(whole) + ": " + std::string(why));
  };
  const auto dot = text.find('.');
  const auto eq = text.find('=');
  if (dot == std::string_view::npos || eq == std::string_view::npos || eq < dot) {
    return bad(
        "expected off, defaults or [POOL_ID:]CLASS.SCOPE=RATE[/BURST], e.g. "
        "sign-in.address=20/40");
  }
  const auto name = text.substr(0, dot);
  const auto scope = text.substr(dot + 1, eq - dot - 1);
  const auto found = std::find_if(limited_classes.begin(), limited_classes.end(),
                                  [&](const class_name& c) { return c.name == name; });
  if (found == limited_classes.end()) {
    return bad("the class is one of sign-up, sign-in, challenge, recovery, token, mfa");
  }
  if (scope != "address" && scope != "client") {
    return bad("the scope is address or client");
  }
  auto value = text.substr(eq + 1);
  if (value == "off") {
    return rate_limits::pool_setting{
        .of = found->value, .per_address = scope == "address", .limit = {}};
  }
  const auto slash = value.find('/');
  const auto per_second = parse_number(value.substr(0, slash));
  if (!per_second) {
    return bad("the rate is a number of calls per second (0: no limit)");
  }
  rate r = per(*per_second);
  if (slash != std::string_view::npos) {
    const auto burst = parse_number(value.substr(slash + 1));
    if (!burst || *burst < 1) {
      return bad("the burst is a number of calls, at least 1");
    }
    r.burst = *burst;
  }
  if (r.per_second > 0 && r.burst < 1) {
    r.burst = 1;
  }
  return rate_limits::pool_setting{
      .of = found->value, .per_address = scope == "address", .limit = r};
}

void set(limit_table& table, const rate_limits::pool_setting& s) {
  auto& limits = table[static_cast<std::size_t>(s.of)];
  (s.per_address ? limits.per_address : limits.per_client) = s.limit;
}

}  // namespace

result<void> rate_limits::apply(std::string_view setting) {
  if (setting == "off") {
    *this = none();
    return {};
  }
  if (setting == "defaults") {
    *this = defaults();
    return {};
  }
  const auto colon = setting.find(':');
  if (colon == std::string_view::npos) {
    ASSIGN_OR_RETURN(auto parsed, parse_setting(setting, setting));
    set(by_class, parsed);
    return {};
  }
  const auto pool_id = setting.substr(0, colon);
  const auto rest = setting.substr(colon + 1);
  if (pool_id.empty()) {
    return fail(
        reason::invalid_parameter,
        "--rate-limit " + std::string(setting) +
            ": a pool's setting starts with its id, e.g. us-east-1_Ab12Cd34E:sign-in.address=50");
  }
  std::vector<pool_setting> parsed;
  if (rest == "off") {
    for (const auto& c : limited_classes) {
      parsed.push_back({.of = c.value, .per_address = true, .limit = {}});
      parsed.push_back({.of = c.value, .per_address = false, .limit = {}});
    }
  } else {
    ASSIGN_OR_RETURN(auto one, parse_setting(rest, setting));
    parsed.push_back(one);
  }
  auto& own = pools[std::string(pool_id)];
  own.insert(own.end(), parsed.begin(), parsed.end());
  return {};
}

limit_table rate_limits::for_pool(std::string_view pool_id) const {
  limit_table table = by_class;
  if (auto it = pools.find(pool_id); it != pools.end()) {
    for (const auto& s : it->second) {
      set(table, s);
    }
  }
  return table;
}

rate_limiter::rate_limiter(rate_limits limits, std::size_t max_keys)
    : limits_(std::move(limits)),
      address_ceiling_(limits_.by_class),
      max_per_shard_(std::max<std::size_t>(1, max_keys / shard_count)) {
  for (const auto& [pool_id, settings] : limits_.pools) {
    auto table = limits_.for_pool(pool_id);
    for (std::size_t c = 0; c < limit_class_count; ++c) {
      // The highest rate any pool allows an address; 0 (no limit) is the highest of all.
      auto& ceiling = address_ceiling_[c].per_address;
      const auto& own = table[c].per_address;
      if (ceiling.per_second > 0) {
        ceiling = own.per_second <= 0
                      ? rate{}
                      : rate{.per_second = std::max(ceiling.per_second, own.per_second),
                             .burst = std::max(ceiling.burst, own.burst)};
      }
    }
    pool_tables_.emplace(pool_id, table);
  }
}

std::string rate_limiter::address_key(std::string_view address) {
  auto ip = parse_ip(address);
  if (!ip) {
    return std::string(address);
  }
  if (is_v4_mapped(*ip)) {
    return format_ip(*ip);
  }
  std::fill(ip->begin() + 8, ip->end(), 0);
  return format_ip(*ip) + "/64";
}

bool rate_limiter::admit_address(limit_class c, std::string_view address, clock::time_point now) {
  const auto& r = address_ceiling_[static_cast<std::size_t>(c)].per_address;
  if (r.per_second <= 0) {
    return true;
  }
  std::string key = "a";
  key += static_cast<char>('0' + static_cast<int>(c));
  key += address_key(address);
  return take(r, std::move(key), now);
}

rate_limiter::verdict rate_limiter::admit_pool(limit_class c, std::string_view pool_id,
                                               std::string_view client_id, std::string_view address,
                                               clock::time_point now) {
  const auto i = static_cast<std::size_t>(c);
  const auto own = pool_tables_.empty() ? pool_tables_.end()
                                         : pool_tables_.find(std::string(pool_id));
  const auto& limits = own == pool_tables_.end() ? limits_.by_class[i] : own->second[i];
  const auto& ceiling = address_ceiling_[i].per_address;
  const auto& per_address = limits.per_address;
  if (per_address.per_second > 0 &&
      (per_address.per_second != ceiling.per_second || per_address.burst != ceiling.burst)) {
    std::string key = "p";
    key += static_cast<char>('0' + static_cast<int>(c));
    key += pool_id;
    key += '|';
    key += address_key(address);
    if (!take(per_address, std::move(key), now)) {
      return verdict::address_over;
    }
  }
  if (limits.per_client.per_second > 0) {
    std::string key = "c";
    key += static_cast<char>('0' + static_cast<int>(c));
    key += client_id;
    if (!take(limits.per_client, std::move(key), now)) {
      return verdict::client_over;
    }
  }
  return verdict::admitted;
}

bool rate_limiter::take(const rate& r, std::string key, clock::time_point now) {
  auto& s = shards_[std::hash<std::string>{}(key) % shard_count];
  std::lock_guard lock(s.mutex);
  auto it = s.buckets.find(key);
  if (it == s.buckets.end()) {
    if (s.buckets.size() >= max_per_shard_) {
      sweep(s, now);
    }
    if (s.buckets.size() >= max_per_shard_) {
      key.resize(2);  // the class's overflow bucket, shared by every key that finds no room
      key += "*";
      it = s.buckets.find(key);
    }
    if (it == s.buckets.end()) {
      it = s.buckets.emplace(std::move(key), bucket{.tokens = r.burst, .last = now, .limit = &r})
               .first;
    }
  }
  auto& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.last).count();
  if (elapsed > 0) {
    b.tokens = std::min(r.burst, b.tokens + elapsed * r.per_second);
    b.last = now;
  }
  if (b.tokens < 1) {
    return false;
  }
  b.tokens -= 1;
  return true;
}

void rate_limiter::sweep(shard& s, clock::time_point now) {
  if (now - s.last_sweep < std::chrono::seconds(1)) {
    return;  // at most once a second per shard, so a full table costs no sweep per call
  }
  s.last_sweep = now;
  std::erase_if(s.buckets, [&](const auto& entry) {
    const auto& b = entry.second;
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    return b.tokens + elapsed * b.limit->per_second >= b.limit->burst;
  });
}

std::size_t rate_limiter::size() const {
  std::size_t total = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    total += s.buckets.size();
  }
  return total;
}

}  // namespace cognate::api
