// The operation table: every Cognito operation Cognate answers, with its input members in the
// order Cognito validates them (protocol doc §3–§4).
#include "api/handlers.h"
#include "api/operation.h"

#include <array>

namespace cognate::api {
namespace {

using enum member_type;

constexpr string_rule client_id_rule{.min_length = 1, .max_length = 128, .no_whitespace = true};
constexpr string_rule username_rule{.min_length = 1, .max_length = 128, .no_whitespace = true};
constexpr string_rule code_rule{.min_length = 1, .max_length = 2048, .no_whitespace = true};
constexpr string_rule token_rule{.min_length = 1, .max_length = 8192, .no_whitespace = true};
constexpr string_rule session_rule{.min_length = 20, .max_length = 2048, .no_whitespace = true};
constexpr string_rule name_rule{.min_length = 1, .max_length = 64, .no_whitespace = true};
constexpr string_rule secret_rule{.min_length = 0, .max_length = 256};

constexpr member_rule client_id{"ClientId", string, true, client_id_rule};
constexpr member_rule required_access_token{"AccessToken", string, true, token_rule};
constexpr member_rule optional_access_token{"AccessToken", string, false, token_rule};
constexpr member_rule optional_session{"Session", string, false, session_rule};
constexpr member_rule secret_hash{"SecretHash", string, false, {.min_length = 1, .max_length = 128}};

constexpr std::array sign_up_members{
    client_id,
    member_rule{"Username", string, true, username_rule},
    member_rule{"Password", string, false, {.min_length = 0, .max_length = 4096}},
    member_rule{"UserAttributes", attribute_list},
    secret_hash,
};
constexpr std::array confirm_sign_up_members{
    client_id,
    member_rule{"Username", string, true, username_rule},
    member_rule{"ConfirmationCode", string, true, code_rule},
    secret_hash,
};
constexpr std::array resend_members{
    client_id,
    member_rule{"Username", string, true, username_rule},
    secret_hash,
};
constexpr std::array initiate_auth_members{
    client_id,
    member_rule{"AuthFlow", string, true, name_rule},
    member_rule{"AuthParameters", string_map},
};
constexpr std::array respond_members{
    client_id,
    member_rule{"ChallengeName", string, true, name_rule},
    optional_session,
    member_rule{"ChallengeResponses", string_map},
};
constexpr std::array associate_members{optional_access_token, optional_session};
constexpr std::array verify_members{
    member_rule{"UserCode", string, true,
                {.min_length = 6, .max_length = 6, .no_whitespace = true, .digits_only = true}},
    member_rule{"FriendlyDeviceName", string, false, {.min_length = 0, .max_length = 256}},
    optional_access_token,
    optional_session,
};
constexpr std::array set_mfa_preference_members{
    required_access_token,
    member_rule{"SoftwareTokenMfaSettings", mfa_setting},
    member_rule{"SMSMfaSettings", mfa_setting},
    member_rule{"EmailMfaSettings", mfa_setting},
};
constexpr std::array access_token_members{required_access_token};
constexpr std::array revoke_members{
    member_rule{"Token", string, true, token_rule},
    client_id,
    member_rule{"ClientSecret", string, false, secret_rule},
};
constexpr std::array refresh_members{
    member_rule{"RefreshToken", string, true, token_rule},
    client_id,
    member_rule{"ClientSecret", string, false, secret_rule},
    member_rule{"DeviceKey", string, false, secret_rule},
};

constexpr member_rule password{"Password", string, true, {.min_length = 0, .max_length = 4096}};
constexpr std::array forgot_password_members{
    client_id,
    member_rule{"Username", string, true, username_rule},
    secret_hash,
};
constexpr std::array confirm_forgot_password_members{
    client_id,
    member_rule{"Username", string, true, username_rule},
    member_rule{"ConfirmationCode", string, true, code_rule},
    password,
    secret_hash,
};
constexpr std::array change_password_members{
    member_rule{"PreviousPassword", string, true, {.min_length = 0, .max_length = 4096}},
    member_rule{"ProposedPassword", string, true, {.min_length = 0, .max_length = 4096}},
    required_access_token,
};
constexpr std::array update_attributes_members{
    member_rule{"UserAttributes", attribute_list, true},
    required_access_token,
};
constexpr std::array delete_attributes_members{
    member_rule{"UserAttributeNames", string_list, true, {.min_length = 1, .max_length = 32}},
    required_access_token,
};
constexpr member_rule attribute_name{"AttributeName", string, true,
                                     {.min_length = 1, .max_length = 32, .no_whitespace = true}};
constexpr std::array verification_code_members{required_access_token, attribute_name};
constexpr std::array verify_attribute_members{
    required_access_token,
    attribute_name,
    member_rule{"Code", string, true, code_rule},
};

// Admin operations (protocol doc cognito-admin-api.md §3): the pool by UserPoolId.
constexpr member_rule user_pool_id{"UserPoolId", string, true,
                                   {.min_length = 1, .max_length = 55, .no_whitespace = true}};
constexpr member_rule admin_username{"Username", string, true, username_rule};
constexpr std::array admin_user_members{user_pool_id, admin_username};
constexpr std::array list_users_members{
    user_pool_id,
    member_rule{"AttributesToGet", string_list, false, {.min_length = 1, .max_length = 32}},
    member_rule{"Limit", integer, false, {.min_length = 0, .max_length = 60}},
    member_rule{"PaginationToken", string, false, {.min_length = 1, .max_length = 2048}},
    member_rule{"Filter", string, false, {.min_length = 0, .max_length = 256}},
};
constexpr std::array admin_set_password_members{
    user_pool_id,
    admin_username,
    member_rule{"Password", string, true, {.min_length = 0, .max_length = 4096}},
    member_rule{"Permanent", boolean},
};
constexpr std::array admin_create_user_members{
    user_pool_id,
    admin_username,
    member_rule{"UserAttributes", attribute_list},
    member_rule{"TemporaryPassword", string, false, {.min_length = 0, .max_length = 256}},
    member_rule{"ForceAliasCreation", boolean},
    member_rule{"MessageAction", string, false, {.min_length = 1, .max_length = 16}},
    member_rule{"DesiredDeliveryMediums", string_list, false, {.min_length = 1, .max_length = 8}},
};
constexpr member_rule group_name{"GroupName", string, true,
                                 {.min_length = 1, .max_length = 128, .no_whitespace = true}};
constexpr member_rule limit_member{"Limit", integer, false, {.min_length = 0, .max_length = 60}};
constexpr member_rule next_token{"NextToken", string, false, {.min_length = 1, .max_length = 2048}};
constexpr std::array group_write_members{
    group_name,
    user_pool_id,
    member_rule{"Description", string, false, {.min_length = 0, .max_length = 2048}},
    member_rule{"RoleArn", string, false, {.min_length = 20, .max_length = 2048}},
    member_rule{"Precedence", integer, false, {.min_length = 0, .max_length = 2147483647}},
};
constexpr std::array group_members{group_name, user_pool_id};
constexpr std::array list_groups_members{user_pool_id, limit_member, next_token};
constexpr std::array user_group_members{user_pool_id, admin_username, group_name};
constexpr std::array groups_for_user_members{admin_username, user_pool_id, limit_member, next_token};
constexpr std::array users_in_group_members{user_pool_id, group_name, limit_member, next_token};
constexpr std::array admin_update_attributes_members{
    user_pool_id,
    admin_username,
    member_rule{"UserAttributes", attribute_list, true},
};
constexpr std::array admin_delete_attributes_members{
    user_pool_id,
    admin_username,
    member_rule{"UserAttributeNames", string_list, true, {.min_length = 1, .max_length = 32}},
};
constexpr member_rule validity{"", integer, false, {.min_length = 1, .max_length = 315360000}};
constexpr std::array client_write_members{
    user_pool_id,
    member_rule{"ClientName", string, false, {.min_length = 1, .max_length = 128}},
    member_rule{"ExplicitAuthFlows", string_list, false, {.min_length = 1, .max_length = 64}},
    member_rule{"ReadAttributes", string_list, false, {.min_length = 1, .max_length = 64}},
    member_rule{"WriteAttributes", string_list, false, {.min_length = 1, .max_length = 64}},
    member_rule{"AccessTokenValidity", integer, false, validity.rule},
    member_rule{"IdTokenValidity", integer, false, validity.rule},
    member_rule{"RefreshTokenValidity", integer, false, validity.rule},
    member_rule{"AuthSessionValidity", integer, false, {.min_length = 3, .max_length = 15}},
    member_rule{"GenerateSecret", boolean},
    member_rule{"EnableTokenRevocation", boolean},
    member_rule{"PreventUserExistenceErrors", string, false, {.min_length = 1, .max_length = 16}},
};
constexpr std::array client_members{user_pool_id, client_id};
constexpr std::array list_clients_members{
    user_pool_id,
    member_rule{"MaxResults", integer, false, {.min_length = 1, .max_length = 60}},
    next_token,
};
constexpr std::array admin_initiate_members{
    user_pool_id,
    client_id,
    member_rule{"AuthFlow", string, true, name_rule},
    member_rule{"AuthParameters", string_map},
};
constexpr std::array admin_respond_members{
    user_pool_id,
    client_id,
    member_rule{"ChallengeName", string, true, name_rule},
    optional_session,
    member_rule{"ChallengeResponses", string_map},
};
constexpr std::array pool_members{user_pool_id};
constexpr std::array create_pool_members{
    member_rule{"PoolName", string, true, {.min_length = 1, .max_length = 128}},
    member_rule{"MfaConfiguration", string, false, {.min_length = 2, .max_length = 8}},
    member_rule{"DeletionProtection", string, false, {.min_length = 6, .max_length = 8}},
};
constexpr std::array update_pool_members{
    user_pool_id,
    member_rule{"PoolName", string, false, {.min_length = 1, .max_length = 128}},
    member_rule{"MfaConfiguration", string, false, {.min_length = 2, .max_length = 8}},
    member_rule{"DeletionProtection", string, false, {.min_length = 6, .max_length = 8}},
};
constexpr std::array list_pools_members{
    member_rule{"NextToken", string, false, {.min_length = 1, .max_length = 2048}},
    member_rule{"MaxResults", integer, true, {.min_length = 1, .max_length = 60}},
};
constexpr std::array set_pool_mfa_members{
    user_pool_id,
    member_rule{"MfaConfiguration", string, false, {.min_length = 2, .max_length = 8}},
};
constexpr std::array auth_events_members{
    user_pool_id,
    admin_username,
    member_rule{"MaxResults", integer, false, {.min_length = 0, .max_length = 60}},
    member_rule{"NextToken", string, false, {.min_length = 1, .max_length = 2048}},
};
constexpr std::array admin_mfa_members{
    user_pool_id,
    admin_username,
    member_rule{"SoftwareTokenMfaSettings", mfa_setting},
    member_rule{"SMSMfaSettings", mfa_setting},
    member_rule{"EmailMfaSettings", mfa_setting},
};

using limit = limit_class;
using proof = secret_proof;

constexpr auto none = authentication::none;
constexpr auto access_token_or_session = authentication::access_token_or_session;
constexpr auto sigv4 = authentication::sigv4;
constexpr auto by_pool_id = pool_lookup::user_pool_id;

constexpr std::array table{
    operation_spec{"SignUp", handlers::sign_up, none, pool_lookup::client_id, false,
                   limit::sign_up, sign_up_members, proof::secret_hash},
    operation_spec{"ConfirmSignUp", handlers::confirm_sign_up, none, pool_lookup::client_id, false,
                   limit::sign_up, confirm_sign_up_members, proof::secret_hash},
    operation_spec{"ResendConfirmationCode", handlers::resend_confirmation_code, none,
                   pool_lookup::client_id, false, limit::recovery, resend_members,
                   proof::secret_hash},
    operation_spec{"InitiateAuth", handlers::initiate_auth, none, pool_lookup::client_id, false,
                   limit::sign_in, initiate_auth_members, proof::auth_parameters},
    operation_spec{"RespondToAuthChallenge", handlers::respond_to_auth_challenge, none,
                   pool_lookup::client_id, false, limit::challenge, respond_members,
                   proof::challenge_responses},
    operation_spec{"AssociateSoftwareToken", handlers::associate_software_token,
                   access_token_or_session, pool_lookup::session, false, limit::mfa,
                   associate_members},
    operation_spec{"VerifySoftwareToken", handlers::verify_software_token, access_token_or_session,
                   pool_lookup::session, false, limit::mfa, verify_members},
    operation_spec{"SetUserMFAPreference", handlers::set_user_mfa_preference,
                   authentication::access_token, pool_lookup::access_token, false, limit::mfa,
                   set_mfa_preference_members},
    operation_spec{"GetUser", handlers::get_user, authentication::access_token,
                   pool_lookup::access_token, true, limit::read, access_token_members},
    operation_spec{"GlobalSignOut", handlers::global_sign_out, authentication::access_token,
                   pool_lookup::access_token, false, limit::token, access_token_members},
    operation_spec{"RevokeToken", handlers::revoke_token, none, pool_lookup::client_id, false,
                   limit::token, revoke_members, proof::client_secret},
    operation_spec{"GetTokensFromRefreshToken", handlers::get_tokens_from_refresh_token, none,
                   pool_lookup::client_id, false, limit::token, refresh_members,
                   proof::client_secret},
    operation_spec{"ForgotPassword", handlers::forgot_password, none, pool_lookup::client_id,
                   false, limit::recovery, forgot_password_members, proof::secret_hash},
    operation_spec{"ConfirmForgotPassword", handlers::confirm_forgot_password, none,
                   pool_lookup::client_id, false, limit::recovery, confirm_forgot_password_members,
                   proof::secret_hash},
    operation_spec{"ChangePassword", handlers::change_password, authentication::access_token,
                   pool_lookup::access_token, false, limit::account, change_password_members},
    operation_spec{"UpdateUserAttributes", handlers::update_user_attributes,
                   authentication::access_token, pool_lookup::access_token, false, limit::account,
                   update_attributes_members},
    operation_spec{"DeleteUserAttributes", handlers::delete_user_attributes,
                   authentication::access_token, pool_lookup::access_token, false, limit::account,
                   delete_attributes_members},
    operation_spec{"GetUserAttributeVerificationCode",
                   handlers::get_user_attribute_verification_code, authentication::access_token,
                   pool_lookup::access_token, false, limit::account, verification_code_members},
    operation_spec{"VerifyUserAttribute", handlers::verify_user_attribute,
                   authentication::access_token, pool_lookup::access_token, false, limit::account,
                   verify_attribute_members},
    operation_spec{"DeleteUser", handlers::delete_user, authentication::access_token,
                   pool_lookup::access_token, false, limit::account, access_token_members},
    operation_spec{"AdminCreateUser", handlers::admin_create_user, sigv4, by_pool_id, false,
                   limit::admin, admin_create_user_members},
    operation_spec{"AdminGetUser", handlers::admin_get_user, sigv4, by_pool_id, true, limit::admin,
                   admin_user_members},
    operation_spec{"ListUsers", handlers::list_users, sigv4, by_pool_id, true, limit::admin,
                   list_users_members},
    operation_spec{"AdminDeleteUser", handlers::admin_delete_user, sigv4, by_pool_id, false,
                   limit::admin, admin_user_members},
    operation_spec{"AdminDisableUser", handlers::admin_disable_user, sigv4, by_pool_id, false,
                   limit::admin, admin_user_members},
    operation_spec{"AdminEnableUser", handlers::admin_enable_user, sigv4, by_pool_id, false,
                   limit::admin, admin_user_members},
    operation_spec{"AdminConfirmSignUp", handlers::admin_confirm_sign_up, sigv4, by_pool_id,
                   false, limit::admin, admin_user_members},
    operation_spec{"AdminResetUserPassword", handlers::admin_reset_user_password, sigv4,
                   by_pool_id, false, limit::admin, admin_user_members},
    operation_spec{"AdminSetUserPassword", handlers::admin_set_user_password, sigv4, by_pool_id,
                   false, limit::admin, admin_set_password_members},
    operation_spec{"AdminUserGlobalSignOut", handlers::admin_user_global_sign_out, sigv4,
                   by_pool_id, false, limit::admin, admin_user_members},
    operation_spec{"AdminUpdateUserAttributes", handlers::admin_update_user_attributes, sigv4,
                   by_pool_id, false, limit::admin, admin_update_attributes_members},
    operation_spec{"AdminDeleteUserAttributes", handlers::admin_delete_user_attributes, sigv4,
                   by_pool_id, false, limit::admin, admin_delete_attributes_members},
    operation_spec{"AdminSetUserMFAPreference", handlers::admin_set_user_mfa_preference, sigv4,
                   by_pool_id, false, limit::admin, admin_mfa_members},
    operation_spec{"AdminListUserAuthEvents", handlers::admin_list_user_auth_events, sigv4,
                   by_pool_id, true, limit::admin, auth_events_members},
    operation_spec{"AdminInitiateAuth", handlers::admin_initiate_auth, sigv4, by_pool_id, false,
                   limit::sign_in, admin_initiate_members, proof::auth_parameters},
    operation_spec{"AdminRespondToAuthChallenge", handlers::admin_respond_to_auth_challenge, sigv4,
                   by_pool_id, false, limit::sign_in, admin_respond_members,
                   proof::challenge_responses},
    operation_spec{"CreateUserPool", handlers::create_user_pool, sigv4, pool_lookup::none, false,
                   limit::admin, create_pool_members},
    operation_spec{"DescribeUserPool", handlers::describe_user_pool, sigv4, by_pool_id, true,
                   limit::admin, pool_members},
    operation_spec{"UpdateUserPool", handlers::update_user_pool, sigv4, by_pool_id, false,
                   limit::admin, update_pool_members},
    operation_spec{"DeleteUserPool", handlers::delete_user_pool, sigv4, by_pool_id, false,
                   limit::admin, pool_members},
    operation_spec{"ListUserPools", handlers::list_user_pools, sigv4, pool_lookup::none, true,
                   limit::admin, list_pools_members},
    operation_spec{"GetUserPoolMfaConfig", handlers::get_user_pool_mfa_config, sigv4, by_pool_id,
                   true, limit::admin, pool_members},
    operation_spec{"SetUserPoolMfaConfig", handlers::set_user_pool_mfa_config, sigv4, by_pool_id,
                   false, limit::admin, set_pool_mfa_members},
    operation_spec{"GetCSVHeader", handlers::get_csv_header, sigv4, by_pool_id, true, limit::admin,
                   pool_members},
    operation_spec{"CreateUserPoolClient", handlers::create_user_pool_client, sigv4, by_pool_id,
                   false, limit::admin, client_write_members},
    operation_spec{"DescribeUserPoolClient", handlers::describe_user_pool_client, sigv4,
                   by_pool_id, true, limit::admin, client_members},
    operation_spec{"UpdateUserPoolClient", handlers::update_user_pool_client, sigv4, by_pool_id,
                   false, limit::admin, client_write_members},
    operation_spec{"DeleteUserPoolClient", handlers::delete_user_pool_client, sigv4, by_pool_id,
                   false, limit::admin, client_members},
    operation_spec{"ListUserPoolClients", handlers::list_user_pool_clients, sigv4, by_pool_id,
                   true, limit::admin, list_clients_members},
    operation_spec{"CreateGroup", handlers::create_group, sigv4, by_pool_id, false, limit::admin,
                   group_write_members},
    operation_spec{"GetGroup", handlers::get_group, sigv4, by_pool_id, true, limit::admin,
                   group_members},
    operation_spec{"UpdateGroup", handlers::update_group, sigv4, by_pool_id, false, limit::admin,
                   group_write_members},
    operation_spec{"DeleteGroup", handlers::delete_group, sigv4, by_pool_id, false, limit::admin,
                   group_members},
    operation_spec{"ListGroups", handlers::list_groups, sigv4, by_pool_id, true, limit::admin,
                   list_groups_members},
    operation_spec{"AdminAddUserToGroup", handlers::admin_add_user_to_group, sigv4, by_pool_id,
                   false, limit::admin, user_group_members},
    operation_spec{"AdminRemoveUserFromGroup", handlers::admin_remove_user_from_group, sigv4,
                   by_pool_id, false, limit::admin, user_group_members},
    operation_spec{"AdminListGroupsForUser", handlers::admin_list_groups_for_user, sigv4,
                   by_pool_id, true, limit::admin, groups_for_user_members},
    operation_spec{"ListUsersInGroup", handlers::list_users_in_group, sigv4, by_pool_id, true,
                   limit::admin, users_in_group_members},


};

}  // namespace

std::span<const operation_spec> cognito_operations() { return table; }

}  // namespace cognate::api
