#pragma once
// The scale-out store: PostgreSQL through libpq, shared by any number of `cognate serve` nodes.
//
// Every transaction runs at SERIALIZABLE isolation, so the read-modify-write sequences of the
// domain (lockout counters, TOTP steps, code attempts, outbox claims) are atomic across nodes
// without explicit locks; a serialization failure or deadlock re-runs the transaction (bounded,
// with jitter). BEGIN is sent with a transaction's first statement, in one round trip.
// Connections come from a fixed-size pool. A connection the server closed (PostgreSQL restarted)
// is re-established and the transaction run again once, if it had not reached COMMIT; when
// PostgreSQL is unreachable a transaction fails at once with errc::internal (HTTP 500, which the
// SDKs retry); nothing is half-written (the transaction never committed). Safe for concurrent
// use; transact() blocks (worker threads only).

#include "store/postgres/connection.h"
#include "store/store.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace cognate::store {

class pg_store final : public store {
 public:
  // Opens `pool_size` connections to `url`. Throws std::runtime_error when the server cannot be
  // reached, or when its schema version is not exactly the one this build knows (the message
  // says to run `cognate migrate`).
  pg_store(const std::string& url, int pool_size);

  result<void> transact(const std::function<result<void>(transaction&)>& work) override;
  result<void> read(const std::function<result<void>(transaction&)>& work) override;
  result<schema_versions> schema() override;

  // Applies pending migrations up to `target` (default: all this build knows), one transaction
  // each, serialised across nodes by an advisory lock, and returns the resulting version. Throws
  // std::runtime_error on failure.
  static int migrate(const std::string& url, int target = known_schema_version());
  // The schema version of the database at `url` (0 for an empty database). Throws on failure.
  static int schema_version(const std::string& url);
  static int known_schema_version();

 private:
  result<void> run(const std::function<result<void>(transaction&)>& work, const char* begin);
  // A pooled connection, given back to the pool when the lease is destroyed.
  struct give_back {
    pg_store* store;
    void operator()(postgres::connection* c) const;
  };
  using lease = std::unique_ptr<postgres::connection, give_back>;
  // A free connection (waiting up to 5 s), connected. Failures: errc::internal.
  result<lease> acquire();
  void release(std::unique_ptr<postgres::connection> c);

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<postgres::connection>> idle_;  // guarded by mutex_
};

}  // namespace cognate::store
