#include "store/postgres/connection.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <optional>
#include <utility>

namespace cognate::store::postgres {
namespace {

struct result_free {
  void operator()(PGresult* r) const { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_free>;

// "?1" → "$1" outside string literals.
std::string dollar_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  bool in_string = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'') {
      in_string = !in_string;
    }
    if (!in_string && c == '?' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      out.push_back('$');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

PGconn* open(const std::string& url) {
  const char* keys[] = {"dbname", "connect_timeout", nullptr};
  const char* values[] = {url.c_str(), "2", nullptr};
  // expand_dbname = 1: `dbname` holds the whole URL; parameters in the URL win over ours.
  return PQconnectdbParams(keys, values, 1);
}

}  // namespace

connection::connection(const std::string& url) : url_(url), conn_(open(url)) {
  if (ok()) {
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  }
}

connection::~connection() { PQfinish(conn_); }

bool connection::ok() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }

bool connection::ensure_connected() {
  if (ok()) {
    return true;
  }
  prepared_.clear();
  PQfinish(conn_);
  conn_ = open(url_);
  if (ok()) {
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    spdlog::info("reconnected to PostgreSQL");
    return true;
  }
  return false;
}

std::string connection::error_message() const {
  std::string m = conn_ ? PQerrorMessage(conn_) : "out of memory";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) {
    m.pop_back();
  }
  return m;
}

bool connection::last_failure_retryable() const {
  return last_sqlstate_ == "40001" || last_sqlstate_ == "40P01";
}

failure connection::error(PGresult* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state ? state : (ok() ? "XX000" : "08006");
  if (last_failure_retryable()) {
    return failure{errc::internal, "transaction conflict; retry"};
  }
  const char* message = result ? PQresultErrorMessage(result) : nullptr;
  if (!ok()) {
    // A lost connection: the caller reconnects; say so once, without an error-level line.
    spdlog::warn("postgresql connection lost during {}: {}", what, error_message());
    return failure{errc::internal, "An internal error occurred."};
  }
  return internal_failure(fmt::format("postgresql {}: {} (SQLSTATE {})", what,
                                      message && *message ? message : error_message(),
                                      last_sqlstate_));
}

result<void> connection::exec(std::string_view sql) {
  result_ptr r(PQexec(conn_, std::string(sql).c_str()));
  auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return error(r.get(), "exec");
  }
  last_sqlstate_.clear();
  return {};
}

void connection::begin(std::string_view begin_sql) { pending_begin_ = begin_sql; }

result<void> connection::end(bool commit) {
  if (!pending_begin_.empty()) {
    pending_begin_.clear();  // nothing was sent: nothing to end
    return {};
  }
  return exec(commit ? "COMMIT" : "ROLLBACK");
}

result<std::shared_ptr<PGresult>> connection::execute_with_begin(
    const std::string& name, bool prepare, const std::string& sql,
    const std::vector<const char*>& values) {
  const std::string begin_sql = std::exchange(pending_begin_, {});
  if (PQenterPipelineMode(conn_) != 1) {
    return error(nullptr, "pipeline");
  }
  bool sent = PQsendQueryParams(conn_, begin_sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr,
                                0) == 1;
  sent = sent && (!prepare || PQsendPrepare(conn_, name.c_str(), dollar_placeholders(sql).c_str(),
                                            0, nullptr) == 1);
  sent = sent && PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()),
                                     values.data(), nullptr, nullptr, 0) == 1;
  sent = sent && PQpipelineSync(conn_) == 1;
  // Each command's results end with a null result; the sync ends the pipeline. The first
  // failure is the one reported (later commands answer PGRES_PIPELINE_ABORTED).
  std::shared_ptr<PGresult> answer;
  std::optional<failure> failed;
  if (!sent) {
    failed = error(nullptr, "pipeline");
  }
  const int commands = prepare ? 3 : 2;
  for (int command = 0; sent && command < commands; ++command) {
    std::shared_ptr<PGresult> r(PQgetResult(conn_), PQclear);
    if (!r) {
      failed = failed ? failed : error(nullptr, "pipeline");
      sent = false;
      break;
    }
    const auto status = PQresultStatus(r.get());
    const bool last = command == commands - 1;
    if (prepare && command == 1 && status == PGRES_COMMAND_OK) {
      // Statements outlive transactions: it stays prepared whatever happens next.
      prepared_.emplace(sql, name);
    }
    if (status != PGRES_COMMAND_OK && !(last && status == PGRES_TUPLES_OK)) {
      if (!failed) {
        failed = error(r.get(), command == 0 ? "begin" : last ? "query" : "prepare");
      }
    } else if (last) {
      answer = r;
    }
    while (PGresult* rest = PQgetResult(conn_)) {  // the command's terminating null
      PQclear(rest);
    }
  }
  if (sent) {
    for (;;) {  // up to and including the sync
      result_ptr r(PQgetResult(conn_));
      if (!r || PQresultStatus(r.get()) == PGRES_PIPELINE_SYNC) {
        break;
      }
    }
  }
  PQexitPipelineMode(conn_);
  if (failed) {
    return *failed;
  }
  last_sqlstate_.clear();
  return answer;
}

// Prepares `sql` once per connection, then runs it; the result is a command or rows.
result<std::shared_ptr<PGresult>> connection::execute(std::string_view sql,
                                                      const std::vector<sql::value>& params) {
  auto found = prepared_.find(sql);
  const bool prepare = found == prepared_.end();
  std::string name = prepare ? fmt::format("s{}", prepared_.size()) : found->second;
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
      texts[i] = std::to_string(*n);
      values[i] = texts[i].c_str();
    } else if (const auto* s = std::get_if<std::string>(&params[i])) {
      values[i] = s->c_str();
    } else {
      values[i] = nullptr;
    }
  }
  if (!pending_begin_.empty()) {
    return execute_with_begin(name, prepare, std::string(sql), values);
  }
  if (prepare) {
    result_ptr r(PQprepare(conn_, name.c_str(), dollar_placeholders(sql).c_str(), 0, nullptr));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      return error(r.get(), "prepare");
    }
    prepared_.emplace(std::string(sql), name);
  }
  std::shared_ptr<PGresult> r(PQexecPrepared(conn_, name.c_str(),
                                             static_cast<int>(values.size()), values.data(),
                                             nullptr, nullptr, 0),
                              PQclear);
  auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return error(r.get(), "query");
  }
  last_sqlstate_.clear();
  return r;
}

result<std::vector<sql::row>> connection::query(std::string_view sql,
                                                const std::vector<sql::value>& params) {
  auto r = execute(sql, params);
  if (!r) {
    return r.error();
  }
  PGresult* res = r->get();
  std::vector<sql::row> rows;
  const int n = PQntuples(res);
  const int cols = PQnfields(res);
  rows.reserve(static_cast<std::size_t>(n));
  auto names = std::make_shared<std::vector<std::string>>();
  for (int c = 0; c < cols; ++c) {
    names->emplace_back(PQfname(res, c));
  }
  for (int i = 0; i < n; ++i) {
    std::vector<sql::value> columns;
    columns.reserve(static_cast<std::size_t>(cols));
    for (int c = 0; c < cols; ++c) {
      if (PQgetisnull(res, i, c)) {
        columns.emplace_back(nullptr);
      } else {
        columns.emplace_back(
            std::string(PQgetvalue(res, i, c), static_cast<std::size_t>(PQgetlength(res, i, c))));
      }
    }
    rows.emplace_back(names, std::move(columns));
  }
  return rows;
}

result<int> connection::run(std::string_view sql, const std::vector<sql::value>& params) {
  auto r = execute(sql, params);
  if (!r) {
    return r.error();
  }
  return std::atoi(PQcmdTuples(r->get()));
}

}  // namespace cognate::store::postgres
