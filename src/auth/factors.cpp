#include "auth/factors.h"

#include <algorithm>

namespace cognate::auth {

const store::factor_record* find_factor(const std::vector<store::factor_record>& factors,
                                        std::string_view id) {
  auto it = std::find_if(factors.begin(), factors.end(),
                         [&](const store::factor_record& f) { return f.id == id; });
  return it == factors.end() ? nullptr : &*it;
}

result<void> prefer_only(store::transaction& tx, const std::string& pool_id,
                         const std::string& user_id, std::string_view keep, time_point now) {
  ASSIGN_OR_RETURN(auto all, tx.factors().list(pool_id, user_id));
  for (auto& f : all) {
    if (f.preferred && f.id != keep) {
      f.preferred = false;
      f.updated_at = now;
      RETURN_IF_ERROR(tx.factors().put(f));
    }
  }
  return {};
}

const factor* factor_set::second_factor(factor_kind kind) const {
  for (const auto* f : second_factors()) {
    if (f->kind() == kind) {
      return f;
    }
  }
  return nullptr;
}

}  // namespace cognate::auth
