#include "app/credentials.h"

#include "app/runtime.h"
#include "auth/operator_guard.h"
#include "pool/master_keys.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <fcntl.h>
#include <unistd.h>

namespace cognate::app {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    out += (out.empty() ? "" : ",") + i;
  }
  return out;
}

// The value of `key` in an INI file's [cognate] profile, or "".
std::string profile_value(const std::filesystem::path& file, std::string_view key) {
  std::ifstream in(file);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.starts_with("[")) {
      inside = line == "[cognate]";
      continue;
    }
    const auto eq = line.find('=');
    if (!inside || eq == std::string::npos) {
      continue;
    }
    auto name = line.substr(0, eq);
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name == key) {
      auto value = line.substr(eq + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      value.erase(value.find_last_not_of(" \t\r") + 1);
      return value;
    }
  }
  return {};
}

// Writes `text` to `path` readable by its owner only (mode 0600 from the start), atomically.
void write_private_file(const std::filesystem::path& path, const std::string& text) {
  auto tmp = path;
  tmp += fmt::format(".tmp-{}", ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("cannot write " + tmp.string());
  }
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    std::filesystem::remove(tmp);
    throw std::runtime_error("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

int run_credentials(const credentials_command& c) {
  auto store = open_store(c.database, 1);
  auto opened = pool::open_sealer(*store, crypto::master_key::load(c.key_file));
  if (!opened) {
    fmt::print(stderr, "cognate: {}\n", opened.error().message);
    return 1;
  }
  const crypto::sealer& sealer = *opened;
  const system_clock clock;
  if (c.action == "create") {
    auto issued = auth::operator_guard::create(*store, sealer, clock, c.name, c.pools, c.allow);
    if (!issued) {
      fmt::print(stderr, "cognate: {}\n", issued.error().message);
      return 1;
    }
    fmt::print("access key id      {}\nsecret access key  {}\n", issued->access_key_id,
               issued->secret);
    fmt::print("name               {}\npools              {}\noperations         {}\n", c.name,
               c.pools.empty() ? "all" : join(c.pools), c.allow.empty() ? "all" : join(c.allow));
    fmt::print("\nThe secret is shown only now. For the AWS CLI:\n"
               "  aws configure set aws_access_key_id {} --profile cognate\n"
               "  aws configure set aws_secret_access_key <the secret> --profile cognate\n",
               issued->access_key_id);
    return 0;
  }
  if (c.action == "list") {
    auto listed = store::in_read(*store, [](store::transaction& tx) { return tx.credentials().list(); });
    if (!listed) {
      fmt::print(stderr, "cognate: {}\n", listed.error().message);
      return 1;
    }
    fmt::print("{:<22} {:<24} {:<10} {:<30} {}\n", "ACCESS KEY ID", "NAME", "STATE", "POOLS",
               "OPERATIONS");
    for (const auto& r : *listed) {
      fmt::print("{:<22} {:<24} {:<10} {:<30} {}\n", r.access_key_id, r.name,
                 r.revoked_at ? "revoked" : "active", r.pools.empty() ? "all" : join(r.pools),
                 r.allow.empty() ? "all" : join(r.allow));
    }
    return 0;
  }
  // revoke
  auto revoked = store::in_transaction(*store, [&](store::transaction& tx) -> result<bool> {
    ASSIGN_OR_RETURN(auto done, tx.credentials().revoke(c.access_key_id, clock.now()));
    if (done) {
      RETURN_IF_ERROR(tx.audit().append({.event = "credential_revoked",
                                         .detail = fmt::format(R"({{"access_key_id":"{}"}})",
                                                               c.access_key_id),
                                         .at = clock.now()}));
    }
    return done;
  });
  if (!revoked) {
    fmt::print(stderr, "cognate: {}\n", revoked.error().message);
    return 1;
  }
  if (!*revoked) {
    fmt::print(stderr, "cognate: no active credential {}\n", c.access_key_id);
    return 1;
  }
  fmt::print("revoked {}: every node refuses it from its next request\n", c.access_key_id);
  return 0;
}

std::string ensure_sandbox_credential(store::store& store, const crypto::sealer& sealer,
                                      const clock& clock, const std::filesystem::path& file,
                                      const std::string& region) {
  const auto existing = profile_value(file, "aws_access_key_id");
  if (!existing.empty()) {
    auto found = store::in_read(store, [&](store::transaction& tx) {
      return tx.credentials().find(existing);
    });
    if (found && *found && !(*found)->revoked_at) {
      return existing;
    }
  }
  auto issued = auth::operator_guard::create(store, sealer, clock, "sandbox", {}, {});
  if (!issued) {
    throw std::runtime_error("cannot create the sandbox credential: " + issued.error().message);
  }
  write_private_file(file, fmt::format("[cognate]\naws_access_key_id = {}\n"
                                       "aws_secret_access_key = {}\nregion = {}\n",
                                       issued->access_key_id, issued->secret, region));
  return issued->access_key_id;
}

}  // namespace cognate::app
