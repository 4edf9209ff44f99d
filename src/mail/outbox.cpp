#include "mail/outbox.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace cognate::mail {
namespace {

std::string context_for(const std::string& recipient) { return "outbox:" + recipient; }

}  // namespace

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
  row.payload_sealed = sealer.seal(as_bytes(json), context_for(m.to));
  row.next_attempt_at = now;
  row.created_at = now;
  return row;
}

result<message> from_outbox_record(const store::outbox_record& row, const crypto::sealer& sealer) {
  auto plain = sealer.open(row.payload_sealed, context_for(row.recipient));
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

int outbox_worker::deliver_due() {
  // One mail per claim: a claim's lease covers one send, so a batch of slow sends cannot outlive
  // it (another node would send the rest again), and a crash strands at most one mail, for one
  // lease.
  const auto lease = mailer_.max_send_time() + options_.lease_margin;
  int sent = 0;
  for (int tried = 0; tried < options_.batch; ++tried) {
    const auto now = clock_.now();
    auto claimed = store::in_transaction(
        store_, [&](store::transaction& tx) { return tx.outbox().claim_due(now, now + lease, 1); });
    if (!claimed || claimed->empty()) {
      break;
    }
    const auto& row = claimed->front();
    auto m = from_outbox_record(row, sealer_);
    auto delivered = m ? mailer_.send(*m) : result<void>(m.error());
    const auto after = clock_.now();
    const int attempts = row.attempts + 1;
    const bool give_up = !delivered && (!m || after - row.created_at >= options_.give_up_after);
    const auto delay = std::min<std::chrono::seconds>(
        options_.max_retry, options_.first_retry * (1LL << std::min(attempts - 1, 20)));
    auto recorded = store_.transact([&](store::transaction& tx) -> result<void> {
      if (delivered) {
        return tx.outbox().mark_sent(row.id, after);
      }
      if (give_up) {
        return tx.outbox().mark_failed(row.id, delivered.error().message);
      }
      return tx.outbox().retry_later(row.id, attempts, after + delay, delivered.error().message);
    });
    if (give_up) {
      spdlog::error("mail {} to {} failed for good after {} attempts: {}", row.id, row.recipient,
                    attempts, delivered.error().message);
    } else if (!delivered) {
      spdlog::warn("mail {} to {} not delivered (attempt {}), retrying in {}s: {}", row.id,
                   row.recipient, attempts, delay.count(), delivered.error().message);
    }
    if (delivered && recorded) {
      ++sent;
    }
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
