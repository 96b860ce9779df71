#pragma once
// The seams between the STS protocol layer and the rest of imdsd:
//  - StsRequest / StsReply: one HTTP exchange without any HTTP library (http/sts_routes.cc
//    converts from and to http::Request/Response).
//  - Authenticator: who signed the request (SigV4 against configured keys and session tokens).
//  - StsActions: what each operation does (trust policies, MFA, issuing credentials).
// Both interfaces are abstract so the protocol layer can be tested with fakes and so it stays
// free of authorization logic; their real implementations live with the STS service wiring.
// Implementations must be thread-safe: every server thread calls them.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "sts/identifiers.h"
#include "sts/session_token.h"
#include "stsapi/errors.h"
#include "stsapi/requests.h"
#include "stsapi/responses.h"

namespace imdsd::stsapi {

// One request as received. Views borrow from the caller for the duration of Handle().
struct StsRequest {
  std::string_view method;  // "GET", "POST"
  std::string_view path;    // without the query string
  // Query-string arguments, already percent-decoded ('+' as space), in order.
  std::vector<std::pair<std::string_view, std::string_view>> query;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;
  std::string source_ip;  // printed form, "127.0.0.1"

  // Case-insensitive header lookup; the first occurrence.
  std::optional<std::string_view> Header(std::string_view name) const;
};

struct StsReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// CloudTrail's userIdentity.type values for the callers STS serves.
enum class PrincipalType { kRoot, kIamUser, kAssumedRole, kFederatedUser };
std::string_view PrincipalTypeName(PrincipalType type);  // "Root", "IAMUser", ...

// Who made a signed request. For temporary credentials `session` holds the verified session
// claims (role chaining, source identity, MFA, transitive tags); they include the session's
// secret access key, so never log a CallerIdentity as a whole.
struct CallerIdentity {
  PrincipalType type = PrincipalType::kIamUser;
  std::string principal_id;  // AIDA… for users, AROA…:session, the account ID for root
  std::string arn;
  sts::AccountId account_id;
  std::string access_key_id;
  std::string user_name;  // IAM user name, federated user name; empty otherwise
  std::optional<sts::SessionClaims> session;
};

// What every action gets besides its typed request.
struct CallContext {
  const CallerIdentity* caller = nullptr;  // null for unsigned operations
  std::string_view source_ip;
  std::string_view user_agent;
  std::string_view request_id;
  WallTime now{};
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The verified caller of `request` (received at `now`), or the error AWS gives: SigV4
  // problems (IncompleteSignature, SignatureDoesNotMatch, skew), unknown keys
  // (InvalidClientTokenId), expired sessions (ExpiredToken), no signature at all
  // (MissingAuthenticationToken).
  virtual Outcome<CallerIdentity> Authenticate(const StsRequest& request, WallTime now) = 0;
};

class StsActions {
 public:
  virtual ~StsActions() = default;
  // Each returns the result or the refusal as AWS words it (errors.h); a refusal's
  // audit_detail says which policy, statement or condition decided it.
  virtual Outcome<AssumeRoleResponse> AssumeRole(const CallContext& context,
                                                 const AssumeRoleRequest& request) = 0;
  virtual Outcome<AssumeRoleWithWebIdentityResponse> AssumeRoleWithWebIdentity(
      const CallContext& context, const AssumeRoleWithWebIdentityRequest& request) = 0;
  virtual Outcome<GetCallerIdentityResponse> GetCallerIdentity(
      const CallContext& context, const GetCallerIdentityRequest& request) = 0;
  virtual Outcome<GetSessionTokenResponse> GetSessionToken(
      const CallContext& context, const GetSessionTokenRequest& request) = 0;
  virtual Outcome<GetFederationTokenResponse> GetFederationToken(
      const CallContext& context, const GetFederationTokenRequest& request) = 0;
  virtual Outcome<GetAccessKeyInfoResponse> GetAccessKeyInfo(
      const CallContext& context, const GetAccessKeyInfoRequest& request) = 0;
  virtual Outcome<DecodeAuthorizationMessageResponse> DecodeAuthorizationMessage(
      const CallContext& context, const DecodeAuthorizationMessageRequest& request) = 0;
};

// GetCallerIdentity needs no policy: the answer is the caller itself. StsActions
// implementations can return this.
GetCallerIdentityResponse CallerIdentityResponseOf(const CallerIdentity& caller);

}  // namespace imdsd::stsapi
