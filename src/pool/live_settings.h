#pragma once
// The pool's current settings, replaceable while the server runs (the sandbox applies config
// edits live). Readers take a snapshot and use it for the whole request. Safe for concurrent use.

#include "pool/settings.h"

#include <memory>
#include <mutex>

namespace cognate::pool {

class live_settings {
 public:
  explicit live_settings(pool_settings initial)
      : current_(std::make_shared<const pool_settings>(std::move(initial))) {}

  std::shared_ptr<const pool_settings> get() const {
    std::lock_guard lock(mutex_);
    return current_;
  }

  void set(pool_settings next) {
    auto fresh = std::make_shared<const pool_settings>(std::move(next));
    std::lock_guard lock(mutex_);
    current_ = std::move(fresh);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const pool_settings> current_;  // guarded by mutex_
};

}  // namespace cognate::pool
