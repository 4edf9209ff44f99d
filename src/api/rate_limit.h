#pragma once
// Token buckets that bound how fast the public operations (sign-up, sign-in, challenge answers,
// code requests, refreshes) may be called: one bucket per source address and class, checked on
// the I/O thread before a call takes a worker, and one per app client and class, checked once
// the client is known. A flood from one address therefore spends only its own address's share
// of the client's budget, and its refused calls never queue behind anyone else's.
//
// The per-client defaults are Cognito's published per-category quotas (UserAuthentication 120/s
// with 3× for challenge answers, UserCreation 50/s, UserAccountRecovery 30/s, UserToken 120/s);
// the per-address ones are a fraction of those, sized for an office behind one NAT. Buckets live
// in this node's memory: N nodes allow N times the rates (docs/security.md). IPv6 addresses are
// limited per /64, the block one subscriber usually holds. A pool may have limits of its own
// (`--rate-limit POOL_ID:…`), e.g. a higher per-address rate for an app used from behind one NAT.
// The table is bounded: when it is full, idle buckets are dropped first, and new keys share one
// overflow bucket until room returns. Safe for concurrent use.

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/operation.h"
#include "common/error.h"

namespace cognate::api {

struct rate {
  double per_second = 0;  // 0: no limit
  double burst = 0;       // bucket size: calls allowed at once after a quiet spell
};

struct class_limits {
  rate per_address;
  rate per_client;
};

constexpr std::size_t limit_class_count = static_cast<std::size_t>(limit_class::challenge) + 1;

using limit_table = std::array<class_limits, limit_class_count>;

struct rate_limits {
  limit_table by_class{};  // every pool's, unless the pool has its own settings
  // One pool's own settings, applied over by_class for that pool's calls.
  struct pool_setting {
    limit_class of;
    bool per_address = false;  // else per client
    rate limit;
  };
  std::map<std::string, std::vector<pool_setting>, std::less<>> pools;

  // Cognito's quotas per client, and a fraction of them per address.
  static rate_limits defaults();
  // Nothing limited (benchmarks; a deployment that limits at its proxy).
  static rate_limits none();
  const class_limits& of(limit_class c) const { return by_class[static_cast<std::size_t>(c)]; }
  class_limits& of(limit_class c) { return by_class[static_cast<std::size_t>(c)]; }

  // Applies one `--rate-limit` setting: "off", "defaults", or [POOL_ID:]CLASS.SCOPE=RATE[/BURST]
  // where CLASS is sign-up, sign-in, challenge, recovery, token or mfa, SCOPE is address or
  // client, RATE is calls per second (0 or off: unlimited) and BURST defaults to twice RATE;
  // with a pool id, only that pool's calls (also POOL_ID:off). Errors name what is wrong.
  result<void> apply(std::string_view setting);
  // The limits of `pool_id`'s calls: by_class with the pool's own settings applied.
  limit_table for_pool(std::string_view pool_id) const;
};

// The class's name as settings spell it ("sign-in").
std::string_view limit_class_name(limit_class c);

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  explicit rate_limiter(rate_limits limits, std::size_t max_keys = 200'000);

  // Before the pool is known (the I/O thread): takes one token from the bucket of (`c`,
  // `address`), or says there is none left. With pools of their own limits, this is the highest
  // any pool allows; admit_pool() holds each pool to its own.
  bool admit_address(limit_class c, std::string_view address, clock::time_point now);

  enum class verdict { admitted, address_over, client_over };
  // Once the client and its pool are known: takes one token from the bucket of (`c`,
  // `client_id`) at the pool's per-client rate and, when the pool's per-address rate is not the
  // one admit_address() applied, one from the bucket of (`c`, pool, `address`).
  verdict admit_pool(limit_class c, std::string_view pool_id, std::string_view client_id,
                     std::string_view address, clock::time_point now);

  // The key an address is limited under: itself, or its /64 for IPv6. Exposed for tests.
  static std::string address_key(std::string_view address);
  // Buckets currently held (for tests and metrics).
  std::size_t size() const;

 private:
  struct bucket {
    double tokens = 0;
    clock::time_point last{};
    const rate* limit = nullptr;  // in limits_
  };
  struct shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, bucket> buckets;
    clock::time_point last_sweep{};
  };
  static constexpr std::size_t shard_count = 16;

  bool take(const rate& r, std::string key, clock::time_point now);
  // Drops the buckets of `s` that have refilled to their burst (nothing to remember). Caller
  // holds s.mutex.
  void sweep(shard& s, clock::time_point now);

  rate_limits limits_;
  limit_table address_ceiling_;                               // what admit_address() applies
  std::unordered_map<std::string, limit_table> pool_tables_;  // pools with settings of their own
  std::size_t max_per_shard_;
  std::array<shard, shard_count> shards_;
};

}  // namespace cognate::api
