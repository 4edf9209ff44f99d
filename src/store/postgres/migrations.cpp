#include "store/postgres/migrations.h"

#include <array>

namespace cognate::store::postgres {
namespace {

constexpr std::string_view v1 = R"sql(
CREATE TABLE pools (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE app_clients (
  id TEXT PRIMARY KEY,
  pool_id TEXT NOT NULL REFERENCES pools(id),
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE users (
  pool_id TEXT NOT NULL REFERENCES pools(id),
  id TEXT NOT NULL,
  email TEXT NOT NULL,
  email_key TEXT NOT NULL,
  status TEXT NOT NULL,
  enabled BIGINT NOT NULL,
  attributes TEXT NOT NULL,
  srp_salt TEXT NOT NULL,
  srp_verifier TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (pool_id, id),
  UNIQUE (pool_id, email_key)
);
CREATE TABLE codes (
  pool_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  superseded_hash TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  failed_attempts BIGINT NOT NULL,
  sent_in_window BIGINT NOT NULL,
  window_start BIGINT NOT NULL,
  PRIMARY KEY (pool_id, user_id, purpose),
  FOREIGN KEY (pool_id, user_id) REFERENCES users(pool_id, id) ON DELETE CASCADE
);
CREATE TABLE outbox (
  id BIGSERIAL PRIMARY KEY,
  recipient TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  last_error TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE TABLE audit (
  id BIGSERIAL PRIMARY KEY,
  pool_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  event TEXT NOT NULL,
  detail TEXT NOT NULL,
  at BIGINT NOT NULL
);
)sql";

constexpr std::string_view v2 = R"sql(
ALTER TABLE users ADD COLUMN failed_sign_ins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_preferred BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
CREATE TABLE auth_sessions (
  pool_id TEXT NOT NULL,
  handle_hash TEXT NOT NULL,
  user_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  step TEXT NOT NULL,
  state TEXT NOT NULL,
  failed_attempts BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (pool_id, handle_hash)
);
CREATE INDEX auth_sessions_expiry ON auth_sessions (expires_at);
CREATE TABLE refresh_tokens (
  pool_id TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  user_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  origin_jti TEXT NOT NULL,
  auth_time BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (pool_id, token_hash)
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (pool_id, origin_jti);
CREATE INDEX refresh_tokens_user ON refresh_tokens (pool_id, user_id);
CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  pool_id TEXT NOT NULL,
  private_pem TEXT NOT NULL,
  active BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
)sql";

constexpr std::string_view v3 = R"sql(
-- Factors leave users: one row per factor a user has (TOTP now; passkeys, many per user, next).
CREATE TABLE user_factors (
  pool_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  secret TEXT NOT NULL,
  enabled BIGINT NOT NULL,
  preferred BIGINT NOT NULL,
  counter BIGINT NOT NULL,
  data TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (pool_id, user_id, id),
  FOREIGN KEY (pool_id, user_id) REFERENCES users(pool_id, id) ON DELETE CASCADE
);
INSERT INTO user_factors (pool_id, user_id, id, kind, status, secret, enabled, preferred, counter,
                          data, created_at, updated_at)
  SELECT pool_id, id, 'totp', 'totp', 'active', totp_secret, totp_enabled, totp_preferred,
         totp_last_step, '{}', updated_at, updated_at
  FROM users WHERE totp_secret <> '';
INSERT INTO user_factors (pool_id, user_id, id, kind, status, secret, enabled, preferred, counter,
                          data, created_at, updated_at)
  SELECT pool_id, id, 'totp:pending', 'totp', 'pending', totp_pending, 0, 0, totp_last_step,
         '{}', updated_at, updated_at
  FROM users WHERE totp_pending <> '';
ALTER TABLE users DROP COLUMN totp_secret;
ALTER TABLE users DROP COLUMN totp_pending;
ALTER TABLE users DROP COLUMN totp_enabled;
ALTER TABLE users DROP COLUMN totp_preferred;
ALTER TABLE users DROP COLUMN totp_last_step;

-- Pools and app clients are data: settings, issuer, and what Cognito keeps per client.
ALTER TABLE pools ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE pools ADD COLUMN issuer TEXT NOT NULL DEFAULT '';
ALTER TABLE pools ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE app_clients ADD COLUMN auth_flows TEXT NOT NULL
  DEFAULT '["ALLOW_USER_SRP_AUTH","ALLOW_REFRESH_TOKEN_AUTH"]';
ALTER TABLE app_clients ADD COLUMN access_token_validity BIGINT NOT NULL DEFAULT 3600;
ALTER TABLE app_clients ADD COLUMN id_token_validity BIGINT NOT NULL DEFAULT 3600;
ALTER TABLE app_clients ADD COLUMN refresh_token_validity BIGINT NOT NULL DEFAULT 2592000;
ALTER TABLE app_clients ADD COLUMN auth_session_validity BIGINT NOT NULL DEFAULT 180;
ALTER TABLE app_clients ADD COLUMN read_attributes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE app_clients ADD COLUMN write_attributes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE app_clients ADD COLUMN secret TEXT NOT NULL DEFAULT '';
ALTER TABLE app_clients ADD COLUMN prevent_user_existence_errors BIGINT NOT NULL DEFAULT 1;
ALTER TABLE app_clients ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
-- Raised with every change of a pool or client; nodes poll it to reload their directory.
CREATE TABLE directory_version (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL
);
INSERT INTO directory_version (id, version) VALUES (1, 1);

-- A Session names no pool: it is found by its hash alone.
CREATE UNIQUE INDEX auth_sessions_handle ON auth_sessions (handle_hash);
)sql";

constexpr std::string_view v4 = R"sql(
-- An email change waits here until the new address is verified (the old one stays the sign-in name).
ALTER TABLE users ADD COLUMN pending_email TEXT NOT NULL DEFAULT '';
-- Mail knows whose it is, so deleting a user drops the mail not sent yet.
ALTER TABLE outbox ADD COLUMN pool_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_user ON outbox (pool_id, user_id);
-- The code state of names no user has (code_repository.h): no mail, no code, same answers.
CREATE TABLE decoy_codes (
  pool_id TEXT NOT NULL,
  name_key TEXT NOT NULL,
  purpose TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  failed_attempts BIGINT NOT NULL,
  sent_in_window BIGINT NOT NULL,
  window_start BIGINT NOT NULL,
  PRIMARY KEY (pool_id, name_key, purpose)
);
CREATE INDEX decoy_codes_expiry ON decoy_codes (expires_at);
)sql";

constexpr std::string_view v5 = R"sql(
-- Operator credentials: access keys that sign the admin operations (SigV4); secrets sealed.
-- And when an operator-created user's temporary password stops working (0: never).
-- User groups; a user's group names are also on the user row, for minting tokens.
CREATE TABLE user_groups (
  pool_id TEXT NOT NULL,
  name_key TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  precedence BIGINT,
  role_arn TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (pool_id, name_key)
);
CREATE TABLE group_members (
  pool_id TEXT NOT NULL,
  name_key TEXT NOT NULL,
  user_id TEXT NOT NULL,
  PRIMARY KEY (pool_id, name_key, user_id)
);
CREATE INDEX group_members_user ON group_members (pool_id, user_id);
ALTER TABLE users ADD COLUMN groups TEXT NOT NULL DEFAULT '[]';
ALTER TABLE users ADD COLUMN password_expires_at BIGINT NOT NULL DEFAULT 0;
CREATE TABLE operator_credentials (
  access_key_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  secret TEXT NOT NULL,
  pools TEXT NOT NULL,
  allow TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
)sql";

constexpr std::string_view v6 = R"sql(
-- Values sealed once per database rather than per row: the hash root that keyed hashes (codes,
-- decoys) derive from, so they outlive a master-key rotation (crypto/sealer.h).
CREATE TABLE sealed_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- The audit trail is searched by user and by time (cognate audit) and swept by age (retention).
CREATE INDEX audit_user ON audit (pool_id, user_id);
CREATE INDEX audit_at ON audit (at);
)sql";

constexpr std::array<std::string_view, 6> all = {v1, v2, v3, v4, v5, v6};

}  // namespace

std::span<const std::string_view> migrations() { return all; }

}  // namespace cognate::store::postgres
