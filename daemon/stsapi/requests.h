#pragma once
// Typed STS requests, bound from Query parameters and checked against the STS model's
// constraints with AWS's ValidationError texts (botocore's STS service model, plus what live
// STS was seen to do where the two differ; see each constant).
//
// Bind<Action>() first parses the integers (MalformedInput, as AWS deserializes before it
// validates), then checks every member in model order and reports all violations in one
// ValidationError. Limits that depend on the role or the caller (role MaxSessionDuration, role
// chaining, root's 1-hour cap, PackedPolicySize) are the service's, see errors.h.
// Pure functions and plain values; thread-compatible.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stsapi/errors.h"
#include "stsapi/query.h"

namespace imdsd::stsapi {

enum class Action {
  kAssumeRole,
  kAssumeRoleWithWebIdentity,
  kGetCallerIdentity,
  kGetSessionToken,
  kGetFederationToken,
  kGetAccessKeyInfo,
  kDecodeAuthorizationMessage,
};

// The operation named `name` (case-sensitive, as STS matches it), or nullopt.
std::optional<Action> ActionFromName(std::string_view name);
std::string_view ActionName(Action action);
// AssumeRoleWithWebIdentity (and SAML, not served) are called without a signature.
bool IsUnsigned(Action action);

// Model limits.
inline constexpr int kMinDurationSeconds = 900;
inline constexpr int kMaxRoleDurationSeconds = 43200;    // AssumeRole*, before the role's max
inline constexpr int kMaxTokenDurationSeconds = 129600;  // GetSessionToken, GetFederationToken
inline constexpr int kDefaultRoleDurationSeconds = 3600;
inline constexpr int kDefaultTokenDurationSeconds = 43200;
inline constexpr int kRoleChainingMaxSeconds = 3600;
inline constexpr int kRootMaxTokenSeconds = 3600;  // longer requests are silently cut (model)
// Emulator choices where the model sets no limit but AWS's documentation does (the error AWS
// gives is unconfirmed, so the Coral text is used): session policy plaintext and ARNs.
inline constexpr std::size_t kMaxSessionPolicyChars = 2048;
inline constexpr std::size_t kMaxPolicyArns = 10;
inline constexpr std::size_t kMaxTags = 50;
// The model says 64, but live STS accepts 256 and refuses 257 with the Coral length text.
inline constexpr std::size_t kMaxSourceIdentityChars = 256;

struct Tag {
  std::string key;
  std::string value;
  friend bool operator==(const Tag&, const Tag&) = default;
};

struct AssumeRoleRequest {
  std::string role_arn;
  std::string role_session_name;
  std::vector<std::string> policy_arns;
  std::optional<std::string> policy;
  std::optional<int> duration_seconds;  // absent: the service applies kDefaultRoleDurationSeconds
  std::vector<Tag> tags;
  std::vector<std::string> transitive_tag_keys;
  std::optional<std::string> external_id;
  std::optional<std::string> serial_number;
  std::optional<std::string> token_code;  // secret-ish: never audited
  std::optional<std::string> source_identity;
};

struct AssumeRoleWithWebIdentityRequest {
  std::string role_arn;
  std::string role_session_name;
  std::string web_identity_token;  // a bearer credential: never audited or logged
  std::optional<std::string> provider_id;
  std::vector<std::string> policy_arns;
  std::optional<std::string> policy;
  std::optional<int> duration_seconds;
};

struct GetCallerIdentityRequest {};

struct GetSessionTokenRequest {
  std::optional<int> duration_seconds;
  std::optional<std::string> serial_number;
  std::optional<std::string> token_code;  // never audited
};

struct GetFederationTokenRequest {
  std::string name;
  std::optional<std::string> policy;
  std::vector<std::string> policy_arns;
  std::optional<int> duration_seconds;
  std::vector<Tag> tags;
};

struct GetAccessKeyInfoRequest {
  std::string access_key_id;
};

struct DecodeAuthorizationMessageRequest {
  std::string encoded_message;
};

using AnyRequest =
    std::variant<std::monostate, AssumeRoleRequest, AssumeRoleWithWebIdentityRequest,
                 GetCallerIdentityRequest, GetSessionTokenRequest, GetFederationTokenRequest,
                 GetAccessKeyInfoRequest, DecodeAuthorizationMessageRequest>;

Outcome<AssumeRoleRequest> BindAssumeRole(const QueryParams& params);
Outcome<AssumeRoleWithWebIdentityRequest> BindAssumeRoleWithWebIdentity(const QueryParams& params);
Outcome<GetCallerIdentityRequest> BindGetCallerIdentity(const QueryParams& params);
Outcome<GetSessionTokenRequest> BindGetSessionToken(const QueryParams& params);
Outcome<GetFederationTokenRequest> BindGetFederationToken(const QueryParams& params);
Outcome<GetAccessKeyInfoRequest> BindGetAccessKeyInfo(const QueryParams& params);
Outcome<DecodeAuthorizationMessageRequest> BindDecodeAuthorizationMessage(
    const QueryParams& params);

// Binds the request for `action`; AnyRequest holds the matching alternative.
Outcome<AnyRequest> BindRequest(Action action, const QueryParams& params);

}  // namespace imdsd::stsapi
