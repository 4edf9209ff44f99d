#include "app/import_command.h"

#include "app/provision.h"
#include "app/runtime.h"
#include "common/clock.h"
#include "common/reasons.h"
#include "pool/csv_reader.h"
#include "pool/email_address.h"
#include "pool/settings_json.h"
#include "pool/user_import.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unordered_map>

namespace cognate::app {
namespace {

constexpr std::string_view actor = "cognate import";

// What the run did so far, and how it shows it.
class import_progress {
 public:
  explicit import_progress(std::uintmax_t total) : total_(total), tty_(isatty(STDERR_FILENO) != 0) {}

  void rows(std::size_t n, std::uintmax_t bytes_read) {
    const int percent = total_ == 0 ? 100 : static_cast<int>(bytes_read * 100 / total_);
    if (tty_) {
      const int filled = percent / 5;
      fmt::print(stderr, "\r[{:=<{}}{: <{}}] {:3}%  {} rows", "", filled, "", 20 - filled, percent,
                 n);
      std::fflush(stderr);
      dirty_ = true;
    } else if (percent / 10 > last_tenth_) {
      last_tenth_ = percent / 10;
      fmt::print(stderr, "{}% read, {} rows\n", percent, n);
    }
  }
  // Before a line of its own: ends the bar's line.
  void interrupt() {
    if (dirty_) {
      fmt::print(stderr, "\n");
      dirty_ = false;
    }
  }

 private:
  std::uintmax_t total_;
  bool tty_;
  bool dirty_ = false;
  int last_tenth_ = 0;
};

}  // namespace

int run_import(const import_command& c) {
  auto fatal = [](const std::string& what) {
    fmt::print(stderr, "cognate import: {}\n", what);
    return 2;
  };
  std::ifstream in(c.file, std::ios::binary);
  if (!in) {
    return fatal(fmt::format("cannot read {}", c.file));
  }
  std::error_code size_error;
  const auto total = std::filesystem::file_size(c.file, size_error);

  auto store = open_store(c.database, 1);
  pool::pool_entry pool;
  try {
    pool.id = choose_pool(*store, c.pool);
  } catch (const std::exception& e) {
    return fatal(e.what());
  }
  auto record = store::in_read(*store, [&](store::transaction& tx) {
    return tx.directory().find_pool(pool.id);
  });
  if (!record || !*record) {
    return fatal(fmt::format("cannot read pool {}", pool.id));
  }
  auto settings = pool::settings_from_json((*record)->settings_json);
  if (!settings) {
    return fatal(settings.error().message);
  }
  pool.name = (*record)->name;
  pool.settings = std::move(*settings);

  const system_clock clock;
  import_progress progress(size_error ? 0 : total);
  pool::csv_reader reader;
  std::optional<pool::import_columns> columns;
  std::unordered_map<std::string, std::size_t> first_line_of;  // email key → line
  std::vector<pool::imported_user> batch;
  std::size_t rows = 0;
  int created = 0;
  int existing = 0;
  int refused = 0;
  int mfa_enabled = 0;
  std::uintmax_t read_bytes = 0;

  auto commit = [&]() -> bool {
    if (batch.empty()) {
      return true;
    }
    auto done = store::in_transaction(*store, [&](store::transaction& tx) {
      return pool::import_users(tx, pool, batch, std::string(actor), clock.now());
    });
    if (!done) {
      progress.interrupt();
      fmt::print(stderr, "cognate import: lines {}–{} not imported: {}\n", batch.front().line,
                 batch.back().line, done.error().message);
      return false;
    }
    created += done->created;
    existing += done->existing;
    batch.clear();
    return true;
  };
  auto take = [&](std::vector<pool::csv_record>& records) -> int {
    for (auto& r : records) {
      if (!columns) {
        auto header = pool::read_import_header(pool.settings, r.fields);
        if (!header) {
          progress.interrupt();
          fmt::print(stderr, "cognate import: {}\n", header.error().message);
          return 2;
        }
        columns = std::move(*header);
        continue;
      }
      ++rows;
      auto user = pool::read_import_row(pool.settings, *columns, r.fields, r.line);
      if (user) {
        const auto [at, fresh] = first_line_of.emplace(pool::email_key(user->email), r.line);
        if (!fresh) {
          user = fail(reason::invalid_parameter,
                      fmt::format("line {}: the same email as line {}", r.line, at->second));
        }
      }
      if (!user) {
        progress.interrupt();
        fmt::print(stderr, "{}\n", user.error().message);
        ++refused;
        continue;
      }
      mfa_enabled += user->mfa_enabled ? 1 : 0;
      batch.push_back(std::move(*user));
      if (static_cast<int>(batch.size()) >= c.batch && !commit()) {
        return 2;
      }
    }
    records.clear();
    return 0;
  };

  int status = 0;
  std::vector<char> chunk(1 << 20);
  std::vector<pool::csv_record> records;
  while (status == 0 && in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) {
      break;
    }
    read_bytes += got;
    auto fed = reader.feed(std::string_view(chunk.data(), got), records);
    status = take(records);
    if (status == 0 && !fed) {
      progress.interrupt();
      fmt::print(stderr, "cognate import: {}; nothing after it was read\n", fed.error().message);
      status = 2;
    }
    progress.rows(rows, read_bytes);
  }
  if (status == 0) {
    auto end = reader.finish(records);
    status = take(records);
    if (status == 0 && !end) {
      progress.interrupt();
      fmt::print(stderr, "cognate import: {}\n", end.error().message);
      status = 2;
    }
  }
  if (status == 0 && !columns) {
    status = fatal(fmt::format("{} has no header line", c.file));
  }
  if (!commit()) {
    status = 2;
  }
  progress.rows(rows, total);
  progress.interrupt();
  fmt::print("imported into {}: {} users created (RESET_REQUIRED: each sets a password with "
             "ForgotPassword), {} already there (left as they were), {} rows refused{}\n",
             pool.id, created, existing, refused, refused > 0 ? " (listed above)" : "");
  if (mfa_enabled > 0) {
    fmt::print("{} users had cognito:mfa_enabled true: their SMS MFA is not carried over; they set "
               "up MFA at their next sign-in when the pool requires it\n",
               mfa_enabled);
  }
  if (status == 0 && refused > 0) {
    status = 1;
  }
  return status;
}

}  // namespace cognate::app
