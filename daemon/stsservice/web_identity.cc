// LabActions::AssumeRoleWithWebIdentity: an OIDC token instead of a signature.
//
// Order: role (a missing one is the generic denial), the provider named by the token's iss in
// the role's account ("No OpenIDConnect provider found in your account for ISS"), the RS256
// signature under that provider's keys, the claims (issuer, audience "Incorrect token
// audience", expiry ExpiredTokenException), the session policy, the trust policy with the
// provider as Federated principal and the <issuer>:aud/:sub/:amr keys, then the duration.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "crypto/jwt.h"
#include "stsapi/requests.h"
#include "stsservice/caller_policies.h"
#include "stsservice/lab_actions.h"

namespace imdsd::stsservice {
namespace {

// "Couldn't retrieve verification key ..." is what AWS says when it has no key for a token
// (aws/aws-cli#7194, two spaces after the comma); it also fits a signature made with another key.
constexpr char kNoVerificationKey[] =
    "Couldn't retrieve verification key from your identity provider,  please reference "
    "AssumeRoleWithWebIdentity documentation for requirements";

// The "iss" string of a JWT's payload, read before the signature is checked, only to choose
// the provider whose keys check it (the verified claims are compared again afterwards). A
// small scanner suffices: iss is a plain URL, and anything it cannot read is refused.
std::optional<std::string> UnverifiedIssuer(std::string_view token) {
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  std::optional<crypto::Bytes> payload =
      crypto::Base64UrlNoPadDecode(token.substr(first + 1, second - first - 1));
  if (!payload) return std::nullopt;
  const std::string_view json(reinterpret_cast<const char*>(payload->data()), payload->size());
  std::size_t at = json.find("\"iss\"");
  if (at == std::string_view::npos) return std::nullopt;
  at += 5;
  auto skip_space = [&] {
    while (at < json.size() &&
           (json[at] == ' ' || json[at] == '\t' || json[at] == '\n' || json[at] == '\r')) {
      ++at;
    }
  };
  skip_space();
  if (at >= json.size() || json[at] != ':') return std::nullopt;
  ++at;
  skip_space();
  if (at >= json.size() || json[at] != '"') return std::nullopt;
  std::string out;
  for (++at; at < json.size(); ++at) {
    const char c = json[at];
    if (c == '"') return out;
    if (c == '\\') {
      if (++at >= json.size() || json[at] != '/') return std::nullopt;  // only \/ in URLs
      out += '/';
      continue;
    }
    out += c;
  }
  return std::nullopt;
}

}  // namespace

stsapi::Outcome<stsapi::AssumeRoleWithWebIdentityResponse> LabActions::AssumeRoleWithWebIdentity(
    const stsapi::CallContext& context, const stsapi::AssumeRoleWithWebIdentityRequest& request) {
  const std::shared_ptr<const Directory> dir = directory_.Get();
  const WallTime now = Now(context);

  if (!request.role_arn.starts_with("arn:")) return stsapi::InvalidRoleArnError(request.role_arn);
  const RoleEntry* role = dir->FindRoleByArn(request.role_arn);
  if (role == nullptr) {
    return Explained(stsapi::WebIdentityNotAuthorizedError(),
                     "no role " + request.role_arn + " exists in the configuration");
  }

  const std::optional<std::string> issuer = UnverifiedIssuer(request.web_identity_token);
  if (!issuer) {
    return Explained(stsapi::InvalidIdentityTokenError("The ID token provided is not a valid "
                                                       "JSON Web Token with an issuer."),
                     "the token has no readable iss claim");
  }
  const OidcProviderEntry* provider = dir->FindOidcProviderByIssuer(role->account_id, *issuer);
  if (provider == nullptr) {
    return Explained(stsapi::InvalidIdentityTokenError(
                         "No OpenIDConnect provider found in your account for " + *issuer),
                     "account " + role->account_id.ToString() + " of role " + role->arn +
                         " has no OIDC provider with URL " + *issuer);
  }
  Result<crypto::VerifiedJwt> verified = provider->keys.Verify(request.web_identity_token);
  if (!verified.ok()) {
    const bool unauthenticated = verified.status().code() == ErrorCode::kUnauthenticated;
    return Explained(
        stsapi::InvalidIdentityTokenError(unauthenticated ? std::string(kNoVerificationKey)
                                                          : "The ID token provided is malformed."),
        "provider " + provider->provider->arn + ": " + verified.status().message());
  }
  const crypto::JwtClaims& claims = verified->claims;
  const crypto::ClaimsVerdict verdict =
      crypto::CheckClaims(claims, {provider->provider->url, provider->provider->client_ids}, now);
  switch (verdict.problem) {
    case crypto::ClaimsProblem::kNone:
      break;
    case crypto::ClaimsProblem::kWrongIssuer:
      return Explained(stsapi::InvalidIdentityTokenError(
                           "No OpenIDConnect provider found in your account for " + *issuer),
                       verdict.reason);
    case crypto::ClaimsProblem::kWrongAudience:
      return Explained(stsapi::InvalidIdentityTokenError("Incorrect token audience"),
                       verdict.reason);
    case crypto::ClaimsProblem::kExpired: {
      const auto now_s =
          std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
      return Explained(
          stsapi::WebIdentityTokenExpiredError(now_s, claims.exp->time_since_epoch().count()),
          verdict.reason);
    }
    case crypto::ClaimsProblem::kNoExpiry:
    case crypto::ClaimsProblem::kNotYetValid:
      return Explained(stsapi::InvalidIdentityTokenError(verdict.reason), verdict.reason);
  }
  // The audience that matched: the first token aud the provider accepts.
  std::string audience;
  for (const std::string& aud : claims.aud) {
    for (const std::string& id : provider->provider->client_ids) {
      if (aud == id && audience.empty()) audience = aud;
    }
  }
  const std::string subject = claims.sub.value_or("");

  stsapi::Outcome<std::optional<SessionPolicy>> session_policy =
      ParseSessionPolicy(request.policy, request.policy_arns);
  if (!session_policy.ok()) return std::move(session_policy).error();

  policy::ConditionContext keys;
  keys.SetRequestTime(now);
  if (!context.source_ip.empty()) {
    keys.Set(policy::keys::kSourceIp, std::string(context.source_ip));
  }
  keys.Set(policy::keys::kSecureTransport, std::string("false"));
  keys.Set(policy::keys::kRoleSessionName, request.role_session_name);
  const std::string& url = provider->provider->url;
  keys.Set(policy::WebIdentityKey(url, "aud"), audience);
  if (!subject.empty()) keys.Set(policy::WebIdentityKey(url, "sub"), subject);
  if (!claims.amr.empty()) keys.Set(policy::WebIdentityKey(url, "amr"), claims.amr);

  CallerPolicies who;
  who.principal = policy::Principal::Federated(provider->provider->arn);
  policy::AccessDecision decision =
      AuthorizeForRole(who, *role, "sts:AssumeRoleWithWebIdentity", keys);
  if (!decision.allowed()) {
    return Explained(stsapi::WebIdentityNotAuthorizedError(), std::move(decision.reason));
  }

  const int duration = request.duration_seconds.value_or(stsapi::kDefaultRoleDurationSeconds);
  if (auto error = RoleDurationError(*role, duration)) return *std::move(error);
  std::optional<int> packed;
  if (session_policy.value()) {
    packed = PackedPolicyPercent(session_policy.value()->compact_json, {}, {});
    if (*packed > 100) return stsapi::PackedPolicyTooLargeError(*packed);
  }

  sts::SessionClaims session;
  if (session_policy.value()) session.session_policy = session_policy.value()->compact_json;
  RoleSession issued =
      IssueRoleSession(*dir, *role, request.role_session_name, session, now, duration);

  stsapi::AssumeRoleWithWebIdentityResponse response;
  response.credentials = std::move(issued.credentials);
  response.subject_from_web_identity_token = subject;
  response.assumed_role_user = std::move(issued.user);
  response.packed_policy_size = packed;
  // Live STS answers with the provider's ARN for OIDC providers (the model only says "the
  // issuing authority").
  response.provider = provider->provider->arn;
  response.audience = audience;
  return response;
}

}  // namespace imdsd::stsservice
