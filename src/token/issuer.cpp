#include "token/issuer.h"

#include "common/random.h"

#include <boost/json.hpp>

namespace cognate::token {

issued_tokens issue_tokens(const keyring& keys, std::string_view issuer, const token_subject& who,
                           const token_lifetimes& lifetimes, time_point now) {
  const auto iat = to_unix(now);
  const auto auth_time = to_unix(who.auth_time);
  const std::string event_id = random_uuid();

  boost::json::object access{{"sub", who.sub},
                             {"iss", issuer},
                             {"client_id", who.client_id},
                             {"origin_jti", who.origin_jti},
                             {"event_id", event_id},
                             {"token_use", "access"},
                             {"scope", "aws.cognito.signin.user.admin"},
                             {"auth_time", auth_time},
                             {"exp", to_unix(now + lifetimes.access)},
                             {"iat", iat},
                             {"jti", random_uuid()},
                             {"username", who.sub}};
  if (!who.groups.empty()) {
    boost::json::array groups;
    for (const auto& g : who.groups) {
      groups.emplace_back(g);
    }
    access["cognito:groups"] = groups;
  }
  boost::json::object id{{"sub", who.sub}};
  if (!who.groups.empty()) {
    id["cognito:groups"] = access["cognito:groups"];
  }
  for (const auto& [name, value] : who.attributes) {
    if (name == "email_verified" || name == "phone_number_verified") {
      id[name] = value == "true";
    } else if (name != "sub") {
      id[name] = value;
    }
  }
  id["iss"] = issuer;
  id["cognito:username"] = who.sub;
  id["origin_jti"] = who.origin_jti;
  id["aud"] = who.client_id;
  id["event_id"] = event_id;
  id["token_use"] = "id";
  id["auth_time"] = auth_time;
  id["exp"] = to_unix(now + lifetimes.id);
  id["iat"] = iat;
  id["jti"] = random_uuid();
  return issued_tokens{keys.sign(access), keys.sign(id), lifetimes.access};
}

}  // namespace cognate::token
