#include "mail/template.h"

namespace cognate::mail {

std::string render_template(std::string_view tmpl, std::string_view code,
                            std::string_view username) {
  static constexpr std::string_view code_marker = "{####}";
  static constexpr std::string_view username_marker = "{username}";
  std::string out;
  out.reserve(tmpl.size() + code.size());
  while (!tmpl.empty()) {
    if (tmpl.starts_with(code_marker)) {
      out += code;
      tmpl.remove_prefix(code_marker.size());
    } else if (tmpl.starts_with(username_marker)) {
      out += username;
      tmpl.remove_prefix(username_marker.size());
    } else {
      out += tmpl.front();
      tmpl.remove_prefix(1);
    }
  }
  return out;
}

}  // namespace cognate::mail
