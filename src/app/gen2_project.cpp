#include "app/gen2_project.h"

#include "app/gen2_assets.h"
#include "common/reasons.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace cognate::app {
namespace {

namespace fs = std::filesystem;

// What a child process printed, and how it ended.
struct process_result {
  std::string out;
  std::string err;
  int status = -1;  // exit status; -1 when killed or not started
  bool timed_out = false;
};

// Runs `argv` in `cwd` with stdin from /dev/null, collecting stdout and stderr (the last 1 MiB of
// each), and kills its process group after `timeout`.
result<process_result> run_process(const std::vector<std::string>& argv, const fs::path& cwd,
                                   std::chrono::seconds timeout) {
  std::array<int, 2> out_pipe{-1, -1};
  std::array<int, 2> err_pipe{-1, -1};
  if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0) {
    return internal_failure(fmt::format("pipe: {}", std::strerror(errno)));
  }
  if (::pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return internal_failure(fmt::format("pipe: {}", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  // Nothing else of this process (its listening socket, its connections) reaches the child.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  if (!cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  }
  // A process group of its own (killed whole on a timeout), with default signal handling.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGHUP}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  // The child's environment: ours, with Node's experimental-feature warnings off.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!std::string_view(*e).starts_with("NODE_NO_WARNINGS=")) {
      env_strings.emplace_back(*e);
    }
  }
  env_strings.emplace_back("NODE_NO_WARNINGS=1");
  std::vector<char*> env;
  for (auto& e : env_strings) {
    env.push_back(e.data());
  }
  env.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (spawned != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return fail(reason::invalid_parameter,
                fmt::format("cannot run {}: {} (Cognate reads Amplify Gen 2 projects with Node.js "
                            "22.18 or later; --node names another binary)",
                            argv[0], std::strerror(spawned)));
  }
  process_result r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<pollfd, 2> fds{pollfd{out_pipe[0], POLLIN, 0}, pollfd{err_pipe[0], POLLIN, 0}};
  constexpr std::size_t cap = 1 << 20;
  int open_fds = 2;
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    if (::poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0 && errno != EINTR) {
      ::kill(-pid, SIGKILL);  // cannot watch it any more: do not wait for it unbounded
      break;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      std::array<char, 8192> buffer{};
      const auto n = ::read(fds[i].fd, buffer.data(), buffer.size());
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      auto& sink = i == 0 ? r.out : r.err;
      sink.append(buffer.data(), static_cast<std::size_t>(n));
      if (sink.size() > cap) {
        sink.erase(0, sink.size() - cap);  // the answer is at the end
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) {
      ::close(f.fd);
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Writes the reader's scripts into `dir` (only those that differ, so a running reader never sees
// a half-written file).
void write_scripts(const fs::path& dir) {
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  for (const auto& [name, text] : gen2::assets()) {
    const auto path = dir / std::string(name);
    std::ifstream in(path, std::ios::binary);
    std::stringstream current;
    current << in.rdbuf();
    if (in && current.str() == text) {
      continue;
    }
    // A new file of our own (never through a link someone placed), renamed over the old one.
    const auto temporary = path.string() + ".tmp";
    fs::remove(temporary);
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      throw std::runtime_error(fmt::format("{}: {}", temporary, std::strerror(errno)));
    }
    std::size_t written = 0;
    while (written < text.size()) {
      const auto n = ::write(fd, text.data() + written, text.size() - written);
      if (n <= 0) {
        ::close(fd);
        throw std::runtime_error(fmt::format("{}: {}", temporary, std::strerror(errno)));
      }
      written += static_cast<std::size_t>(n);
    }
    ::close(fd);
    fs::rename(temporary, path);
  }
}

std::vector<std::string> strings_of(const boost::json::value* v) {
  std::vector<std::string> out;
  if (v != nullptr && v->is_array()) {
    for (const auto& e : v->as_array()) {
      if (e.is_string()) {
        out.emplace_back(e.as_string());
      }
    }
  }
  return out;
}

std::string first_lines(const std::string& text, int lines) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (lines-- > 0 && std::getline(in, line)) {
    out += (out.empty() ? "" : " | ") + line;
  }
  return out;
}

}  // namespace

std::optional<fs::path> find_backend(const fs::path& project_dir) {
  for (const char* name : {"backend.js", "backend.mjs", "backend.cjs", "backend.ts"}) {
    const auto path = project_dir / "amplify" / name;
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      return path;
    }
  }
  return std::nullopt;
}

result<evaluated_project> evaluate_project(const fs::path& project_dir, const fs::path& backend,
                                           const gen2_options& options) {
  try {
    write_scripts(options.scripts_dir);
  } catch (const std::exception& e) {
    return fail(reason::invalid_parameter,
                fmt::format("cannot write the project reader to {}: {}",
                            options.scripts_dir.string(), e.what()));
  }
  const auto project = fs::absolute(project_dir).lexically_normal();
  ASSIGN_OR_RETURN(auto ran, run_process({options.node,
                                          (fs::absolute(options.scripts_dir) / "evaluate.mjs").string(),
                                          project.string(), fs::absolute(backend).string()},
                                         project, options.timeout));
  if (ran.timed_out) {
    return fail(reason::invalid_parameter,
                fmt::format("{} did not finish within {} s (does it wait for something?)",
                            backend.lexically_relative(project).string(), options.timeout.count()));
  }
  // The reader's answer is its last line (the project's own code may print before it).
  auto text = std::string_view(ran.out);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (const auto newline = text.rfind('\n'); newline != std::string_view::npos) {
    text.remove_prefix(newline + 1);
  }
  boost::system::error_code ec;
  auto doc = boost::json::parse(text, ec);
  if (ec || !doc.is_object()) {
    return fail(reason::invalid_parameter,
                fmt::format("Node.js could not read the project (exit status {}): {}", ran.status,
                            first_lines(ran.err.empty() ? ran.out : ran.err, 6)));
  }
  const auto& o = doc.as_object();
  const auto errors = strings_of(o.if_contains("errors"));
  if (!errors.empty()) {
    std::string message = errors.front();
    for (std::size_t i = 1; i < errors.size(); ++i) {
      message += "; " + errors[i];
    }
    return fail(reason::invalid_parameter, message);
  }
  const auto* auth = o.if_contains("auth");
  if (auth == nullptr || !auth->is_object()) {
    return fail(reason::invalid_parameter, "the project's defineAuth gave no settings");
  }
  evaluated_project out;
  out.auth = auth->as_object();
  if (const auto* file = o.if_contains("file"); file && file->is_string()) {
    out.file = std::string(file->as_string());
  }
  out.warnings = strings_of(o.if_contains("warnings"));
  return out;
}

}  // namespace cognate::app
