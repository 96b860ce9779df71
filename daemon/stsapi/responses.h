#pragma once
// Typed STS results, what StsActions return and xml.h renders (<ActionResult> members).
// Contains secrets (Credentials): never log a response; audit.h copies only what CloudTrail
// shows. Plain values; thread-compatible.

#include <optional>
#include <string>
#include <variant>

#include "common/clock.h"

namespace imdsd::stsapi {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  WallTime expiration{};
};

struct AssumedRoleUser {
  std::string assumed_role_id;  // AROA…:session
  std::string arn;              // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
};

struct FederatedUser {
  std::string federated_user_id;  // ACCOUNT:name
  std::string arn;                // arn:aws:sts::ACCOUNT:federated-user/name
};

struct AssumeRoleResponse {
  Credentials credentials;
  AssumedRoleUser assumed_role_user;
  std::optional<int> packed_policy_size;  // absent when no session policy or tags were passed
  std::optional<std::string> source_identity;
};

struct AssumeRoleWithWebIdentityResponse {
  Credentials credentials;
  std::string subject_from_web_identity_token;
  AssumedRoleUser assumed_role_user;
  std::optional<int> packed_policy_size;
  std::string provider;
  std::string audience;
  std::optional<std::string> source_identity;
};

struct GetCallerIdentityResponse {
  std::string user_id;
  std::string account;
  std::string arn;
};

struct GetSessionTokenResponse {
  Credentials credentials;
};

struct GetFederationTokenResponse {
  Credentials credentials;
  FederatedUser federated_user;
  std::optional<int> packed_policy_size;
};

struct GetAccessKeyInfoResponse {
  std::string account;
};

struct DecodeAuthorizationMessageResponse {
  std::string decoded_message;
};

using AnyResponse =
    std::variant<std::monostate, AssumeRoleResponse, AssumeRoleWithWebIdentityResponse,
                 GetCallerIdentityResponse, GetSessionTokenResponse, GetFederationTokenResponse,
                 GetAccessKeyInfoResponse, DecodeAuthorizationMessageResponse>;

}  // namespace imdsd::stsapi
