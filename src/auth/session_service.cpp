#include "auth/session_service.h"


#include "auth/handles.h"
#include "common/reasons.h"
#include "crypto/seal_context.h"

#include <chrono>

namespace cognate::auth {
pending_session session_service::open(step s, const std::string& pool_id,
                                      const store::client_record& client,
                                      const std::string& user_id,
                                      const challenge_state& state) const {
  const auto now = clock_.now();
  auto handle = new_handle("cg");
  auto hash = handle_hash(handle);
  auto sealed = sealer_.seal(as_bytes(encode_state(state)), crypto::seal_context::session(hash));
  return pending_session{
      .handle = std::move(handle),
      .record = {.pool_id = pool_id,
                 .handle_hash = std::move(hash),
                 .user_id = user_id,
                 .client_id = client.id,
                 .step = std::string(info(s).stored_name),
                 .state_sealed = std::move(sealed),
                 .expires_at = now + std::chrono::seconds(client.auth_session_validity),
                 .created_at = now}};
}

result<live_session> session_service::find(store::transaction& tx, std::string_view handle,
                                           continuation how, std::string_view client_id,
                                           std::string_view challenge_name) const {
  ASSIGN_OR_RETURN(auto found, tx.sessions().find(handle_hash(handle)));
  if (!found) {
    return fail(reason::invalid_session);
  }
  auto current = step_stored_as(found->step);
  if (!current) {
    return fail(reason::invalid_session);
  }
  if (clock_.now() >= found->expires_at) {
    return fail(reason::expired_session);
  }
  const auto& row = info(*current);
  if ((!client_id.empty() && found->client_id != client_id) || !continues(*current, how) ||
      (how == continuation::respond && row.wire_name != challenge_name) ||
      (row.retried_by && found->failed_attempts >= row.attempts)) {
    return fail(reason::invalid_session);
  }
  auto opened = sealer_.open(found->state_sealed, crypto::seal_context::session(found->handle_hash));
  if (!opened) {
    return opened.error();
  }
  ASSIGN_OR_RETURN(
      auto state,
      decode_state(*current, std::string_view(reinterpret_cast<const char*>(opened->data()),
                                              opened->size())));
  return live_session{.record = std::move(*found), .current = *current, .state = std::move(state)};
}

result<live_session> session_service::take(store::transaction& tx, std::string_view handle,
                                           continuation how, std::string_view client_id,
                                           std::string_view challenge_name) const {
  ASSIGN_OR_RETURN(auto s, find(tx, handle, how, client_id, challenge_name));
  if (spends(s.current, how)) {
    RETURN_IF_ERROR(end(tx, s));
  }
  return s;
}

result<void> session_service::end(store::transaction& tx, const live_session& s) const {
  return tx.sessions().remove(s.record.handle_hash);
}

result<void> session_service::count_wrong(store::transaction& tx, const live_session& s) const {
  return tx.sessions().set_attempts(s.record.handle_hash, s.record.failed_attempts + 1);
}

}  // namespace cognate::auth
