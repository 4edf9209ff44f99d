#pragma once
// Where a server's pool settings come from: amplify/auth.json (JSON with defineAuth's keys), or an
// Amplify Gen 2 project whose amplify/backend.ts is run by Node (app/gen2_project.h) — in both
// cases validated by pool::parse_auth_config, so one project is accepted or refused the same way
// whichever form it takes. The sandbox polls fingerprint() and reloads when it changes.

#include "app/gen2_project.h"
#include "common/error.h"
#include "pool/settings.h"

#include <filesystem>
#include <string>
#include <vector>

namespace cognate::app {

struct loaded_config {
  pool::pool_settings settings;
  std::string json;  // the effective amplify/auth.json text (what `cognate config compile` prints)
  std::vector<std::string> warnings;
};

class config_source {
 public:
  config_source() = default;  // amplify/auth.json in the working folder
  static config_source json_file(std::filesystem::path file);
  static config_source gen2_project(std::filesystem::path project_dir, std::filesystem::path backend,
                                    gen2_options options);

  // For messages: "amplify/auth.json", "amplify/backend.ts".
  std::string name() const;
  bool is_project() const { return project_; }
  // Changes whenever an edit may change the settings: the JSON file's text; for a project, the
  // names, sizes and modification times of the files under amplify/ (node_modules and dot
  // folders skipped).
  std::string fingerprint() const;
  // Reads and validates. Failure: errc::invalid_parameter, the message naming the file (and key).
  result<loaded_config> load() const;

 private:
  bool project_ = false;
  std::filesystem::path path_ = "amplify/auth.json";  // the JSON file, or the project folder
  std::filesystem::path backend_;  // project only
  gen2_options options_;
};

// The config `given` names — a JSON file, or a Gen 2 project's folder or backend file — or, when
// `given` is empty, the Gen 2 project in `folder` (amplify/backend.ts) if there is one, else
// `folder`/amplify/auth.json. Failure: invalid_parameter (a folder without amplify/backend.*).
result<config_source> find_config(const std::filesystem::path& folder, const std::string& given,
                                  gen2_options options);

// `v` as JSON indented two spaces per level (arrays of plain values on one line), ending in a
// newline: amplify/auth.json and amplify_outputs.json are read by people too.
std::string pretty_json(const boost::json::value& v);

}  // namespace cognate::app
