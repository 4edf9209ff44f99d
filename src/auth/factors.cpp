#include "auth/factors.h"

namespace cognate::auth {

const factor* factor_set::second_factor(factor_kind kind) const {
  for (const auto* f : second_factors()) {
    if (f->kind() == kind) {
      return f;
    }
  }
  return nullptr;
}

}  // namespace cognate::auth
