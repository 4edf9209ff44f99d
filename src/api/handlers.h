#pragma once
// The handlers of the operation table (operations.cpp). Each reads its validated input from the
// call, calls the domain and encodes Cognito's answer. Blocking; run on worker threads.

#include "api/operation.h"

namespace cognate::api::handlers {

// A timestamp as the admin operations answer it: epoch seconds with milliseconds, a JSON number
// (botocore and SDK v3 parse the fraction). admin_operations.cpp.
boost::json::value epoch_seconds(time_point t);

// CodeDeliveryDetails as Cognito writes it.
boost::json::object delivery_json(const pool::code_delivery& d);

// Sign-up group (sign_up_operations.cpp).
result<boost::json::object> sign_up(const call& c);
result<boost::json::object> confirm_sign_up(const call& c);
result<boost::json::object> resend_confirmation_code(const call& c);

// Sign-in group (sign_in_operations.cpp).
result<boost::json::object> initiate_auth(const call& c);
result<boost::json::object> respond_to_auth_challenge(const call& c);
result<boost::json::object> admin_initiate_auth(const call& c);
result<boost::json::object> admin_respond_to_auth_challenge(const call& c);
result<boost::json::object> revoke_token(const call& c);
result<boost::json::object> get_tokens_from_refresh_token(const call& c);

// Account recovery and self-service (account_operations.cpp).
result<boost::json::object> forgot_password(const call& c);
result<boost::json::object> confirm_forgot_password(const call& c);
result<boost::json::object> change_password(const call& c);
result<boost::json::object> update_user_attributes(const call& c);
result<boost::json::object> delete_user_attributes(const call& c);
result<boost::json::object> get_user_attribute_verification_code(const call& c);
result<boost::json::object> verify_user_attribute(const call& c);
result<boost::json::object> delete_user(const call& c);

// Admin operations on users, SigV4-signed (admin_operations.cpp).
result<boost::json::object> admin_create_user(const call& c);
result<boost::json::object> admin_get_user(const call& c);
result<boost::json::object> list_users(const call& c);
result<boost::json::object> admin_delete_user(const call& c);
result<boost::json::object> admin_disable_user(const call& c);
result<boost::json::object> admin_enable_user(const call& c);
result<boost::json::object> admin_confirm_sign_up(const call& c);
result<boost::json::object> admin_reset_user_password(const call& c);
result<boost::json::object> admin_set_user_password(const call& c);
result<boost::json::object> admin_user_global_sign_out(const call& c);
result<boost::json::object> admin_update_user_attributes(const call& c);
result<boost::json::object> admin_delete_user_attributes(const call& c);
result<boost::json::object> admin_set_user_mfa_preference(const call& c);
result<boost::json::object> admin_list_user_auth_events(const call& c);

// Groups, SigV4-signed (group_operations.cpp).
result<boost::json::object> create_group(const call& c);
result<boost::json::object> get_group(const call& c);
result<boost::json::object> update_group(const call& c);
result<boost::json::object> delete_group(const call& c);
result<boost::json::object> list_groups(const call& c);
result<boost::json::object> admin_add_user_to_group(const call& c);
result<boost::json::object> admin_remove_user_from_group(const call& c);
result<boost::json::object> admin_list_groups_for_user(const call& c);
result<boost::json::object> list_users_in_group(const call& c);

// User pools, SigV4-signed (pool_operations.cpp).
result<boost::json::object> create_user_pool(const call& c);
result<boost::json::object> describe_user_pool(const call& c);
result<boost::json::object> update_user_pool(const call& c);
result<boost::json::object> delete_user_pool(const call& c);
result<boost::json::object> list_user_pools(const call& c);
result<boost::json::object> get_user_pool_mfa_config(const call& c);
result<boost::json::object> set_user_pool_mfa_config(const call& c);
result<boost::json::object> get_csv_header(const call& c);

// App clients, SigV4-signed (client_operations.cpp).
result<boost::json::object> create_user_pool_client(const call& c);
result<boost::json::object> describe_user_pool_client(const call& c);
result<boost::json::object> update_user_pool_client(const call& c);
result<boost::json::object> delete_user_pool_client(const call& c);
result<boost::json::object> list_user_pool_clients(const call& c);

// Signed-in users (user_operations.cpp).


result<boost::json::object> get_user(const call& c);
result<boost::json::object> global_sign_out(const call& c);
result<boost::json::object> associate_software_token(const call& c);
result<boost::json::object> verify_software_token(const call& c);
result<boost::json::object> set_user_mfa_preference(const call& c);

}  // namespace cognate::api::handlers
