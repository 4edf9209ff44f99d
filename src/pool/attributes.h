#pragma once
// User attributes a client may set (SignUp now, UpdateUserAttributes later), checked against the
// pool's schema: the standard OIDC attributes plus the custom ones declared in userAttributes.
// Pure.

#include "common/error.h"
#include "pool/settings.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace cognate::pool {

using attribute_list = std::vector<std::pair<std::string, std::string>>;
using attribute_map = std::map<std::string, std::string>;

// Validates `given` and returns them as a map. Failures (errc::invalid_parameter unless noted)
// carry Cognito-style messages: unknown attribute, duplicate name, value too long or of the
// wrong type for a custom attribute, a required attribute missing (after `implied` — attributes
// the server sets itself, like email from the user name — is merged in), or
// errc::not_authorized for attributes clients may not write (sub, *_verified).
result<attribute_map> check_client_attributes(const pool_settings& settings,
                                              const attribute_list& given,
                                              const attribute_map& implied);

// An update of a user's attributes by the user (UpdateUserAttributes, DeleteUserAttributes as
// blank values): `given` applied to `current`, a blank value deleting. Fails as
// check_client_attributes(), and with "user.<name>: Attribute cannot be updated." for an
// attribute declared immutable. The result keeps every required attribute.
result<attribute_map> update_attributes(const pool_settings& settings,
                                        const attribute_map& current,
                                        const attribute_list& given);

// The attributes the pool requires (userAttributes with required: true) that `attributes` has no
// value for, in declaration order.
std::vector<std::string> missing_required(const pool_settings& settings,
                                          const attribute_map& attributes);

// The JSON object text a user's attributes are stored as, and back. Values that are not strings
// are skipped when reading; malformed text reads as no attributes.

std::string attributes_to_json(const attribute_map& attributes);
attribute_map attributes_from_json(std::string_view json);

}  // namespace cognate::pool
