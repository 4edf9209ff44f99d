#pragma once
// What GetUser answers about the caller: the user name, attributes (sub first) and MFA settings.
// Pure: everything comes from what the access check read.

#include "auth/access_guard.h"
#include "auth/factors.h"

#include <map>
#include <string>
#include <vector>

namespace cognate::auth {

struct user_profile {
  std::string username;                           // the UUID
  std::map<std::string, std::string> attributes;  // includes sub, email, email_verified
  std::vector<std::string> mfa_settings;          // UserMFASettingList: "SOFTWARE_TOKEN_MFA"
  std::string preferred_mfa;                      // PreferredMfaSetting, or ""
};

user_profile profile_of(const caller& who, const factor_set& factors, time_point now);
// The same for any user of `pool` with their factors (AdminGetUser, ListUsers).
user_profile profile_of(const pool::pool_entry& pool, const store::user_record& user,
                        const std::vector<store::factor_record>& user_factors,
                        const factor_set& factors, time_point now);

}  // namespace cognate::auth
