#include "app/config_source.h"

#include "common/reasons.h"
#include "pool/auth_config.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace cognate::app {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void pretty(const boost::json::value& v, std::string& out, int depth) {
  const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  const std::string inner(static_cast<std::size_t>(depth + 1) * 2, ' ');
  if (v.is_object() && !v.as_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [key, value] : v.as_object()) {
      out += first ? "" : ",\n";
      first = false;
      out += inner + boost::json::serialize(boost::json::string(key)) + ": ";
      pretty(value, out, depth + 1);
    }
    out += "\n" + indent + "}";
  } else if (v.is_array() && std::any_of(v.as_array().begin(), v.as_array().end(),
                                         [](const auto& e) { return e.is_object(); })) {
    out += "[\n";
    bool first = true;
    for (const auto& value : v.as_array()) {
      out += first ? "" : ",\n";
      first = false;
      out += inner;
      pretty(value, out, depth + 1);
    }
    out += "\n" + indent + "]";
  } else {
    out += boost::json::serialize(v);
  }
}

}  // namespace

std::string pretty_json(const boost::json::value& v) {
  std::string out;
  pretty(v, out, 0);
  return out + "\n";
}

result<config_source> find_config(const fs::path& folder, const std::string& given,
                                  gen2_options options) {
  std::error_code ec;
  if (given.empty()) {
    if (auto backend = find_backend(folder)) {
      return config_source::gen2_project(folder, *backend, std::move(options));
    }
    return config_source::json_file(folder / "amplify" / "auth.json");
  }
  const fs::path path(given);
  if (fs::is_directory(path, ec)) {
    auto backend = find_backend(path);
    if (!backend) {
      return fail(reason::invalid_parameter,
                  fmt::format("{} has no amplify/backend.ts (or .js, .mjs, .cjs)", given));
    }
    return config_source::gen2_project(path, *backend, std::move(options));
  }
  const auto stem = path.filename().string();
  if (stem.starts_with("backend.") && path.parent_path().filename() == "amplify") {
    auto project = path.parent_path().parent_path();
    return config_source::gen2_project(project.empty() ? fs::path(".") : project, path,
                                       std::move(options));
  }
  return config_source::json_file(path);
}

config_source config_source::json_file(fs::path file) {
  config_source s;
  s.path_ = std::move(file);
  return s;
}

config_source config_source::gen2_project(fs::path project_dir, fs::path backend,
                                          gen2_options options) {
  config_source s;
  s.project_ = true;
  s.path_ = std::move(project_dir);
  s.backend_ = std::move(backend);
  s.options_ = std::move(options);
  return s;
}

std::string config_source::name() const {
  if (!project_) {
    return path_.string();
  }
  return backend_.lexically_relative(path_).string();
}

std::string config_source::fingerprint() const {
  if (!project_) {
    return read_text(path_).value_or("");
  }
  std::vector<std::string> entries;
  std::error_code ec;
  fs::recursive_directory_iterator it(path_ / "amplify", fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (it->is_directory(ec) && (name == "node_modules" || name.starts_with("."))) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) {
      continue;
    }
    const auto size = it->file_size(ec);
    const auto time = it->last_write_time(ec).time_since_epoch().count();
    entries.push_back(fmt::format("{}\t{}\t{}", it->path().string(), size, time));
  }
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const auto& e : entries) {
    out += e + "\n";
  }
  return out;
}

result<loaded_config> config_source::load() const {
  loaded_config out;
  std::string file = path_.string();
  if (!project_) {
    auto text = read_text(path_);
    if (!text) {
      return fail(reason::invalid_parameter, fmt::format("cannot read {}", file));
    }
    out.json = *text;
  } else {
    ASSIGN_OR_RETURN(auto project, evaluate_project(path_, backend_, options_));
    out.json = pretty_json(project.auth);
    out.warnings = std::move(project.warnings);
    file = project.file.empty() ? name() : project.file;
  }
  auto parsed = pool::parse_auth_config(out.json);
  if (!parsed) {
    // The JSON file's messages name the file where they are printed; a project's name the
    // TypeScript file the setting is written in.
    if (project_) {
      return fail(reason::invalid_parameter, fmt::format("{}: {}", file, parsed.error().message));
    }
    return parsed.error();
  }
  out.settings = std::move(*parsed);
  return out;
}

}  // namespace cognate::app
