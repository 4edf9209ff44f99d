#pragma once
// A store that runs every transaction body twice, rolling the first run back — what PostgreSQL
// does when a commit loses a serialization race (pg_store re-runs the whole body). A body that
// keeps state from one run to the next (a flag set in a captured variable, a counter bumped
// twice) shows here on SQLite, deterministically. `between` runs once, between the two runs of
// the next transaction, outside it: another node changing the data meanwhile.

#include "store/store.h"

#include <functional>

namespace cognate::testing {

class rerunning_store final : public cognate::store::store {
 public:
  explicit rerunning_store(cognate::store::store& inner) : inner_(inner) {}

  bool rerun = true;
  std::function<void()> between;

  result<void> transact(
      const std::function<result<void>(cognate::store::transaction&)>& work) override {
    if (!rerun) {
      return inner_.transact(work);
    }
    (void)inner_.transact([&](cognate::store::transaction& tx) -> result<void> {
      (void)work(tx);
      return failure{errc::internal, "rolled back, as a serialization failure would"};
    });
    if (between) {
      auto hook = std::move(between);
      between = nullptr;
      hook();
    }
    ++reruns_;
    return inner_.transact(work);
  }

  result<void> read(
      const std::function<result<void>(cognate::store::transaction&)>& work) override {
    return inner_.read(work);
  }

  result<schema_versions> schema() override { return inner_.schema(); }

  int reruns() const { return reruns_; }

 private:
  cognate::store::store& inner_;
  int reruns_ = 0;
};

}  // namespace cognate::testing
