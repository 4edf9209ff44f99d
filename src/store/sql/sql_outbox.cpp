#include "store/sql/sql_repositories.h"

namespace cognate::store::sql {
namespace {

outbox_record mail_from(const row& r) {
  return outbox_record{
      .id = r.integer("id"),
      .recipient = r.text("recipient"),
      .pool_id = r.text("pool_id"),
      .user_id = r.text("user_id"),

      .payload_sealed = r.text("payload"),
      .attempts = static_cast<int>(r.integer("attempts")),
      .next_attempt_at = r.time("next_attempt_at"),
      .created_at = r.time("created_at"),
      .last_error = r.text("last_error"),
  };
}

}  // namespace

result<std::int64_t> sql_outbox::enqueue(const outbox_record& m) {
  ASSIGN_OR_RETURN(auto rows,
                   db_.query("INSERT INTO outbox (recipient, payload, status, attempts, "
                             "next_attempt_at, created_at, last_error, pool_id, user_id) VALUES "
                             "(?1, ?2, 'pending', 0, ?3, ?4, '', ?5, ?6) RETURNING id",
                             {m.recipient, m.payload_sealed, seconds(m.next_attempt_at),
                              seconds(m.created_at), m.pool_id, m.user_id}));
  return rows.front().integer("id");
}

result<std::vector<outbox_record>> sql_outbox::claim_due(time_point now, time_point lease_until,
                                                         int limit) {
  return all_of(
      db_.query("UPDATE outbox SET next_attempt_at = ?2 WHERE id IN (SELECT id FROM outbox "
                "WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id "
                "LIMIT ?3) RETURNING id, recipient, payload, attempts, next_attempt_at, "
                "created_at, last_error, pool_id, user_id",

                {seconds(now), seconds(lease_until), std::int64_t{limit}}),
      mail_from);
}

result<void> sql_outbox::mark_sent(std::int64_t id, time_point at) {
  return done(
      db_.run("UPDATE outbox SET status = 'sent', payload = '', sent_at = ?2, last_error = '' "
              "WHERE id = ?1",
              {id, seconds(at)}));
}

result<void> sql_outbox::retry_later(std::int64_t id, int attempts, time_point next_attempt_at,
                                     const std::string& last_error) {
  return done(db_.run(
      "UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, last_error = ?4 WHERE id = ?1",
      {id, std::int64_t{attempts}, seconds(next_attempt_at), last_error}));
}

result<void> sql_outbox::mark_failed(std::int64_t id, const std::string& last_error) {
  return done(
      db_.run("UPDATE outbox SET status = 'failed', payload = '', last_error = ?2 WHERE id = ?1",
              {id, last_error}));
}

result<std::int64_t> sql_outbox::count_pending() {
  ASSIGN_OR_RETURN(auto rows,
                   db_.query("SELECT count(*) AS pending FROM outbox WHERE status = 'pending'"));
  return rows.front().integer("pending");
}

result<outbox_repository::summary> sql_outbox::summarize() {
  summary out;
  ASSIGN_OR_RETURN(auto rows, db_.query("SELECT status, count(*) AS n, min(created_at) AS oldest "
                                        "FROM outbox GROUP BY status ORDER BY status"));
  for (const auto& r : rows) {
    out.by_status.emplace_back(r.text("status"), r.integer("n"));
    if (r.text("status") == "pending" && !r.is_null("oldest")) {
      out.oldest_pending = r.time("oldest");
    }
  }
  return out;
}

result<void> sql_outbox::drop_pending(const std::string& pool_id, const std::string& user_id) {
  return done(db_.run(
      "DELETE FROM outbox WHERE status = 'pending' AND pool_id = ?1 AND user_id = ?2",
      {pool_id, user_id}));
}

}  // namespace cognate::store::sql
