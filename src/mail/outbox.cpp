#include "mail/outbox.h"

#include "common/metrics.h"
#include "crypto/seal_context.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

namespace cognate::mail {
store::outbox_record to_outbox_record(const message& m, const crypto::sealer& sealer,
                                      time_point now) {
  boost::json::object o{{"from", m.from},
                        {"to", m.to},
                        {"reply_to", m.reply_to},
                        {"subject", m.subject},
                        {"body", m.body},
                        {"message_id", m.message_id},
                        {"date", to_unix(m.date)},
                        {"code", m.code}};
  std::string json = boost::json::serialize(o);
  store::outbox_record row;
  row.recipient = m.to;
  row.payload_sealed = sealer.seal(as_bytes(json), crypto::seal_context::outbox(m.to));
  row.next_attempt_at = now;
  row.created_at = now;
  return row;
}

result<message> from_outbox_record(const store::outbox_record& row, const crypto::sealer& sealer) {
  auto plain = sealer.open(row.payload_sealed, crypto::seal_context::outbox(row.recipient));
  if (!plain) {
    return plain.error();
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(
      std::string_view(reinterpret_cast<const char*>(plain->data()), plain->size()), ec);
  if (ec || !v.is_object()) {
    return internal_failure("outbox payload is not a JSON object");
  }
  const auto& o = v.as_object();
  auto text = [&](const char* key) -> std::string {
    const auto* f = o.if_contains(key);
    return f && f->is_string() ? std::string(f->as_string()) : std::string();
  };
  message m;
  m.from = text("from");
  m.to = text("to");
  m.reply_to = text("reply_to");
  m.subject = text("subject");
  m.body = text("body");
  m.message_id = text("message_id");
  m.code = text("code");
  const auto* date = o.if_contains("date");
  m.date = from_unix(date && date->is_int64() ? date->as_int64() : to_unix(row.created_at));
  return m;
}

outbox_worker::outbox_worker(store::store& store, const crypto::sealer& sealer, mailer& mailer,
                             const clock& clock, outbox_options options)
    : store_(store), sealer_(sealer), mailer_(mailer), clock_(clock), options_(options) {}

outbox_worker::~outbox_worker() { stop(); }

void outbox_worker::start() {
  std::lock_guard lock(mutex_);
  if (!thread_.joinable()) {
    stopping_ = false;
    thread_ = std::thread(&outbox_worker::run, this);
  }
}

void outbox_worker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void outbox_worker::notify() {
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
  }
  wake_.notify_all();
}

namespace {

// What became of one send: written in the transaction that claims the next mail.
struct send_outcome {
  std::int64_t id = 0;
  bool delivered = false;
  bool give_up = false;
  int attempts = 0;
  time_point at;
  time_point retry_at;
  std::string error;
};

result<void> record(store::transaction& tx, const send_outcome& o) {
  if (o.delivered) {
    return tx.outbox().mark_sent(o.id, o.at);
  }
  if (o.give_up) {
    return tx.outbox().mark_failed(o.id, o.error);
  }
  return tx.outbox().retry_later(o.id, o.attempts, o.retry_at, o.error);
}

}  // namespace

int outbox_worker::deliver_due() {
  // One mail per claim: a claim's lease covers one send, so a batch of slow sends cannot outlive
  // it (another node would send the rest again), and a crash strands at most one mail, for one
  // lease. Each send's outcome is written by the transaction that claims the next mail (one
  // transaction per mail, and one more at the end).
  const auto lease = mailer_.max_send_time() + options_.lease_margin;
  int sent = 0;
  std::optional<send_outcome> last;
  for (int tried = 0;; ++tried) {
    const auto now = clock_.now();
    const bool claim = tried < options_.batch;
    auto claimed = store::in_transaction(
        store_, [&](store::transaction& tx) -> result<std::vector<store::outbox_record>> {
          if (last) {
            RETURN_IF_ERROR(record(tx, *last));
          }
          if (!claim) {
            return std::vector<store::outbox_record>{};
          }
          return tx.outbox().claim_due(now, now + lease, 1);
        });
    if (last && last->delivered && claimed) {
      ++sent;
    }
    last.reset();
    if (!claimed || claimed->empty()) {
      break;
    }
    const auto& row = claimed->front();
    auto m = from_outbox_record(row, sealer_);
    auto delivered = m ? mailer_.send(*m) : result<void>(m.error());
    send_outcome o{.id = row.id, .delivered = delivered.has_value(), .attempts = row.attempts + 1,
                   .at = clock_.now()};
    auto& emails = metrics::process().emails;
    if (delivered) {
      emails.with({"sent"}).add();
    } else {
      o.give_up = !m || o.at - row.created_at >= options_.give_up_after;
      o.retry_at = o.at + std::min<std::chrono::seconds>(
                              options_.max_retry,
                              options_.first_retry * (1LL << std::min(o.attempts - 1, 20)));
      o.error = delivered.error().message;
      emails.with({o.give_up ? "failed" : "retried"}).add();
      if (o.give_up) {
        spdlog::error("mail {} to {} failed for good after {} attempts: {}", row.id,
                      row.recipient, o.attempts, o.error);
      } else {
        spdlog::warn("mail {} to {} not delivered (attempt {}), retrying in {}s: {}", row.id,
                     row.recipient, o.attempts,
                     std::chrono::duration_cast<std::chrono::seconds>(o.retry_at - o.at).count(),
                     o.error);
      }
    }
    last = std::move(o);
  }
  return sent;
}

void outbox_worker::run() {
  for (;;) {
    while (deliver_due() > 0) {
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.idle_poll, [&] { return stopping_ || pending_; });
    if (stopping_) {
      return;
    }
    pending_ = false;
  }
}

}  // namespace cognate::mail
