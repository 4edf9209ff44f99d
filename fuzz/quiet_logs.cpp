// Linked into every fuzz target: the code under test logs its internal failures (spdlog), which
// at fuzzing rates is slow and buries libFuzzer's own report. Logging is off before main().
#include <spdlog/spdlog.h>

namespace {

const bool quiet = [] {
  spdlog::set_level(spdlog::level::off);
  return true;
}();

}  // namespace
