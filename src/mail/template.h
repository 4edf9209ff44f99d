#pragma once
// Cognito message templates: "Your code is {####}". Pure function; thread-safe.

#include <string>
#include <string_view>

namespace cognate::mail {

// `tmpl` with every "{####}" replaced by `code` and every "{username}" by `username`. Nothing else
// is substituted, and substituted text is never expanded again (a code containing "{username}"
// stays literal). Never fails.
std::string render_template(std::string_view tmpl, std::string_view code,
                            std::string_view username = {});

}  // namespace cognate::mail
