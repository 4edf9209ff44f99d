#pragma once
// Users moved in from a Cognito user-import CSV (GetCSVHeader, `cognate import`). The header is
// Cognito's: the standard attributes, the pool's custom ones, cognito:mfa_enabled and
// cognito:username, in any order. Each row becomes a user in RESET_REQUIRED with its attributes
// and no password, as Cognito's import makes them: the first sign-in answers
// PasswordResetRequiredException and the user sets a password through ForgotPassword (their email
// must be verified for the code to go out). Users are named by email here, as Gen 2 pools sign in;
// cognito:username must be there but its value is not kept (Cognate names users by their sub, and
// Cognito gives imported users new subs too). A row either becomes a whole user or is refused with
// a reason; a user whose email the pool has is left as it is, so a re-run imports only the rest.
// Blocking (store); thread-compatible.

#include "common/clock.h"
#include "common/error.h"
#include "pool/attributes.h"
#include "pool/directory.h"
#include "store/store.h"

#include <cstddef>
#include <string>
#include <vector>

namespace cognate::pool {

// GetCSVHeader: the columns of the pool's import file, in Cognito's order.
std::vector<std::string> csv_header(const pool_settings& settings);

// The columns of a file, checked against the pool's schema.
struct import_columns {
  std::vector<std::string> names;  // as the header gives them, trimmed
};

// Failure (invalid_parameter): a column the pool has no attribute for, a column given twice, or
// one of cognito:username, email missing.
result<import_columns> read_import_header(const pool_settings& settings,
                                          const std::vector<std::string>& fields);

// One user read from a row.
struct imported_user {
  std::size_t line = 0;
  std::string email;
  attribute_map attributes;  // email and email_verified included
  bool mfa_enabled = false;  // cognito:mfa_enabled (SMS on Cognito: not carried over)
};

// A row (its fields in the header's order) as a user. Failure (invalid_parameter) with the
// reason the row cannot be imported: a field count unlike the header's, a value that is not
// UTF-8, no or a malformed email, an empty cognito:username, a boolean that is not
// true/false, an attribute the schema refuses.
result<imported_user> read_import_row(const pool_settings& settings, const import_columns& columns,
                                      const std::vector<std::string>& fields, std::size_t line);

struct import_batch_outcome {
  int created = 0;
  int existing = 0;  // the pool had a user with that email: left as it was
};

// Inside one transaction: creates the users whose email the pool does not have yet, each with
// an "import_user" audit row naming `actor`. Everything returned derives from this run (the
// store may run it again).
result<import_batch_outcome> import_users(store::transaction& tx, const pool_entry& pool,
                                          const std::vector<imported_user>& users,
                                          const std::string& actor, time_point now);

}  // namespace cognate::pool
