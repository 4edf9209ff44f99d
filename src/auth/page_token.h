#pragma once
// NextToken for the admin listings that page by a sorted key (groups, group members, clients,
// pools): the last key returned, opaque (base64url) to clients. Pure.

#include "common/error.h"

#include <string>
#include <string_view>

namespace cognate::auth {

// The token for a page that ended at `last_key`.
std::string page_token(std::string_view last_key);
// The key a token names ("" for none); invalid_parameter "Invalid NextToken." when garbled.
result<std::string> page_position(std::string_view token);

}  // namespace cognate::auth
