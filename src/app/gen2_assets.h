#pragma once
// The Node scripts that read an Amplify Gen 2 project (src/app/gen2/*.mjs), embedded in the
// binary at build time by cmake/embed_assets.cmake: file name → contents. Immutable; thread-safe.

#include <map>
#include <string_view>

namespace cognate::app::gen2 {

const std::map<std::string_view, std::string_view>& assets();

}  // namespace cognate::app::gen2
