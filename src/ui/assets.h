#pragma once
// The built-in Authenticator page's files (src/ui/assets/*), embedded in the binary at build time
// by cmake/embed_assets.cmake: file name → contents. Immutable; thread-safe.

#include <map>
#include <string_view>

namespace cognate::ui {

const std::map<std::string_view, std::string_view>& assets();

}  // namespace cognate::ui
