#include "pool/master_keys.h"

#include "common/random.h"
#include "crypto/seal_context.h"

#include <fmt/format.h>

#include <algorithm>

namespace cognate::pool {
namespace {

constexpr std::string_view hash_root_name = "hash-root";

std::string context_of(const store::sealed_value& v) {
  using store::sealed_column;
  namespace ctx = crypto::seal_context;
  switch (v.column) {
    case sealed_column::verifier:
      return ctx::verifier(v.owner);
    case sealed_column::factor_secret: {
      const auto colon = v.owner.rfind(':');  // "<user id>:<kind>"
      return colon == std::string::npos ? std::string()
                                        : ctx::factor(std::string_view(v.owner).substr(0, colon),
                                                      std::string_view(v.owner).substr(colon + 1));
    }
    case sealed_column::session_state:
      return ctx::session(v.owner);
    case sealed_column::outbox_payload:
      return ctx::outbox(v.owner);
    case sealed_column::signing_key:
      return ctx::signing_key(v.owner);
    case sealed_column::client_secret:
      return ctx::client_secret(v.owner);
    case sealed_column::credential_secret:
      return ctx::credential(v.owner);
    case sealed_column::setting:
      return ctx::setting(v.owner);
  }
  return {};
}

// The root of a database whose secrets were sealed before it had one: the key they are under.
result<bytes> legacy_root(store::transaction& tx, const crypto::master_key& current,
                          const std::vector<crypto::master_key>& previous) {
  // Every provisioned database has a signing key; "-" is no key's id, so this finds any of them.
  ASSIGN_OR_RETURN(auto any,
                   tx.sealed().not_sealed_with(store::sealed_column::signing_key, "-", 1));
  if (any.empty()) {
    return random_bytes(crypto::master_key::size);
  }
  const auto id = crypto::sealer::key_id_of(any.front().sealed);
  if (id == current.id()) {
    return bytes(current.material().begin(), current.material().end());
  }
  auto old = std::ranges::find(previous, id, &crypto::master_key::id);
  if (old == previous.end()) {
    return failure{errc::internal,
                   fmt::format("the database's secrets are sealed with master key {}, which is "
                               "not among the keys given ({})",
                               id, current.id())};
  }
  return bytes(old->material().begin(), old->material().end());
}

}  // namespace

result<crypto::sealer> open_sealer(store::store& store, const crypto::master_key& current,
                                   const std::vector<crypto::master_key>& previous) {
  // Seals and opens the root itself; the root it derives from is never used.
  const crypto::sealer ring(current, previous, random_bytes(crypto::master_key::size));
  const auto context = crypto::seal_context::setting(hash_root_name);
  auto root = store::in_transaction(store, [&](store::transaction& tx) -> result<bytes> {
    ASSIGN_OR_RETURN(auto found, tx.sealed().setting(std::string(hash_root_name)));
    if (!found) {
      ASSIGN_OR_RETURN(auto made, legacy_root(tx, current, previous));
      ASSIGN_OR_RETURN(bool added, tx.sealed().add_setting(std::string(hash_root_name),
                                                           ring.seal(made, context)));
      if (added) {
        return made;
      }
      ASSIGN_OR_RETURN(found, tx.sealed().setting(std::string(hash_root_name)));
    }
    if (!found || !ring.can_open(crypto::sealer::key_id_of(*found))) {
      return failure{
          errc::internal,
          fmt::format("the database's secrets are sealed with master key {}, which is not among "
                      "the keys given ({}{}): is --master-key-file the right file, or "
                      "--previous-master-key-file missing?",
                      found ? crypto::sealer::key_id_of(*found) : "?", current.id(),
                      previous.empty() ? "" : ", …")};
    }
    return ring.open(*found, context);
  });
  if (!root) {
    return root.error();
  }
  return crypto::sealer(current, previous, std::move(*root));
}

result<reseal_report> reseal_all(store::store& store, const crypto::sealer& ring, int batch,
                                 const std::function<void(const reseal_progress&)>& progress) {
  reseal_report report;
  const auto& new_id = ring.key_id();
  for (auto column : store::all_sealed_columns) {
    ASSIGN_OR_RETURN(auto total, store::in_read(store, [&](store::transaction& tx) {
                       return tx.sealed().count_not_sealed_with(column, new_id);
                     }));
    reseal_progress p{.column = column, .total = total};
    if (progress) {
      progress(p);
    }
    while (true) {
      struct step {
        std::int64_t seen = 0;
        std::int64_t resealed = 0;
      };
      ASSIGN_OR_RETURN(
          auto s, store::in_transaction(store, [&](store::transaction& tx) -> result<step> {
            step out;  // each run of the body counts afresh
            ASSIGN_OR_RETURN(auto values, tx.sealed().not_sealed_with(column, new_id, batch));
            out.seen = static_cast<std::int64_t>(values.size());
            for (const auto& v : values) {
              const auto context = context_of(v);
              auto plain = ring.open(v.sealed, context);
              if (!plain) {
                return failure{
                    errc::internal,
                    fmt::format("a value in {} (row {}) sealed with master key {} does not "
                                "open with the keys given (another key, or tampered with)",
                                store::column_name(column), fmt::join(v.row, "/"),
                                crypto::sealer::key_id_of(v.sealed))};
              }
              ASSIGN_OR_RETURN(bool replaced, tx.sealed().replace(v, ring.seal(*plain, context)));
              out.resealed += replaced ? 1 : 0;
            }
            return out;
          }));
      report.resealed[static_cast<std::size_t>(column)] += s.resealed;
      p.done += s.resealed;
      if (progress && s.resealed > 0) {
        progress(p);
      }
      // Fewer than asked for: the column is done. (Values a node with the old key still writes
      // meanwhile are counted below, not chased for ever.)
      if (s.seen < batch) {
        break;
      }
    }
    p.finished = true;
    if (progress) {
      progress(p);
    }
  }
  for (auto column : store::all_sealed_columns) {
    ASSIGN_OR_RETURN(auto left, store::in_read(store, [&](store::transaction& tx) {
                       return tx.sealed().count_not_sealed_with(column, new_id);
                     }));
    report.left += left;
  }
  return report;
}

}  // namespace cognate::pool
