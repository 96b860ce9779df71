#include "stsservice/authenticator.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stsapi/query.h"

namespace imdsd::stsservice {
namespace {

constexpr std::string_view kSecurityTokenName = "X-Amz-Security-Token";

// The role name of "arn:aws:iam::123456789012:role/path/name": the last path segment.
std::string_view RoleNameOf(std::string_view role_arn) {
  const std::size_t slash = role_arn.rfind('/');
  return slash == std::string_view::npos ? role_arn : role_arn.substr(slash + 1);
}

// StsRequest carries the query already decoded; SigV4 canonicalizes by decoding and encoding
// again, so encoding the decoded pairs gives the same canonical query as the wire text did
// (except for a literal '+', which the HTTP layer has turned into a space: SDKs send %2B).
std::string RawQuery(const std::vector<std::pair<std::string_view, std::string_view>>& query) {
  std::string out;
  for (const auto& [name, value] : query) {
    if (!out.empty()) out += '&';
    out += stsapi::PercentEncode(name);
    out += '=';
    out += stsapi::PercentEncode(value);
  }
  return out;
}

std::optional<std::string_view> SessionTokenOf(const stsapi::StsRequest& request) {
  if (auto header = request.Header(kSecurityTokenName)) return header;
  for (const auto& [name, value] : request.query) {
    if (name == kSecurityTokenName) return value;
  }
  return std::nullopt;
}

stsapi::StsError ToStsError(const sigv4::AuthError& error) {
  stsapi::StsError out;
  out.code = std::string(error.code);
  out.message = error.message;
  out.http_status = error.http_status;
  out.type = stsapi::FaultType::kSender;
  out.audit_detail = std::string("SigV4: ") + sigv4::AuthFailureName(error.reason);
  return out;
}

}  // namespace

stsapi::CallerIdentity CallerFromClaims(sts::SessionClaims claims, std::string_view partition) {
  stsapi::CallerIdentity caller;
  caller.account_id = claims.account_id;
  caller.access_key_id = claims.access_key_id;
  const std::string account = claims.account_id.ToString();
  switch (claims.kind) {
    case sts::SessionKind::kInstanceProfile:
    case sts::SessionKind::kAssumedRole:
      caller.type = stsapi::PrincipalType::kAssumedRole;
      caller.principal_id = sts::MakeAssumedRoleId(claims.role_id, claims.role_session_name);
      caller.arn = sts::MakeAssumedRoleArn(partition, claims.account_id,
                                           RoleNameOf(claims.role_arn), claims.role_session_name);
      break;
    case sts::SessionKind::kSessionToken:
      // GetSessionToken sessions act as their user (see actions.h for the claims layout).
      caller.type = stsapi::PrincipalType::kIamUser;
      caller.principal_id = claims.role_id;
      caller.arn = claims.role_arn;
      caller.user_name = claims.role_session_name;
      break;
    case sts::SessionKind::kFederatedUser:
      caller.type = stsapi::PrincipalType::kFederatedUser;
      caller.principal_id = account + ":" + claims.role_session_name;
      caller.arn = "arn:" + std::string(partition) + ":sts::" + account + ":federated-user/" +
                   claims.role_session_name;
      caller.user_name = claims.role_session_name;
      break;
  }
  caller.session = std::move(claims);
  return caller;
}

stsapi::CallerIdentity CallerFromUser(const UserEntry& user, std::string_view access_key_id) {
  stsapi::CallerIdentity caller;
  caller.type = stsapi::PrincipalType::kIamUser;
  caller.principal_id = user.user->user_id;
  caller.arn = user.arn;
  caller.account_id = user.account_id;
  caller.access_key_id = std::string(access_key_id);
  caller.user_name = user.user->name;
  return caller;
}

sigv4::VerifierOptions VerifierOptionsFor(const config::Config& config) {
  sigv4::VerifierOptions options;
  options.service = "sts";
  options.regions = {config.sts.region.empty() ? config.region : config.sts.region};
  options.max_skew = config.sts.max_clock_skew;
  return options;
}

SigV4Authenticator::SigV4Authenticator(const Clock& clock, const sts::SessionTokenCodec& codec,
                                       std::shared_ptr<const Directory> directory,
                                       sigv4::VerifierOptions options)
    : codec_(codec), directory_(std::move(directory)), verifier_(clock, std::move(options)) {}

stsapi::Outcome<stsapi::CallerIdentity> SigV4Authenticator::Authenticate(
    const stsapi::StsRequest& request, WallTime now) {
  const std::shared_ptr<const Directory> dir = directory_.Get();

  std::vector<sigv4::Header> headers;
  headers.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers) headers.push_back({name, value});
  const std::string query = RawQuery(request.query);
  const sigv4::RequestView view{request.method, request.path, query, headers, request.body};

  const std::optional<std::string_view> token = SessionTokenOf(request);
  std::optional<sts::SessionClaims> claims;
  const AccessKeyEntry* key = nullptr;
  std::string refusal;  // why a key was unknown, for the audit record
  const sigv4::CredentialLookup lookup =
      [&](std::string_view key_id) -> std::optional<sigv4::SigningCredential> {
    if (key_id.starts_with(sts::kTemporaryAccessKeyPrefix)) {
      // Without a token the verifier answers for the missing token itself.
      if (!token || token->empty()) return sigv4::SigningCredential{std::string(), true};
      Result<sts::SessionClaims> verified = codec_.Verify(*token);
      if (!verified.ok()) {
        refusal = "the session token does not verify (altered, or minted under another key)";
        return std::nullopt;
      }
      if (verified->access_key_id != key_id) {
        refusal = "the session token belongs to another access key";
        return std::nullopt;
      }
      claims = std::move(verified).value();
      return sigv4::SigningCredential{claims->secret_access_key, true};
    }
    key = dir->FindAccessKey(key_id);
    if (key == nullptr) {
      refusal = "no configured user has access key " + std::string(key_id);
      return std::nullopt;
    }
    if (!key->key->active) {
      refusal = "access key " + std::string(key_id) + " of user " + key->user->arn + " is Inactive";
      return std::nullopt;
    }
    return sigv4::SigningCredential{key->key->secret.Reveal(), false};
  };

  sigv4::AuthResult result = verifier_.Verify(view, lookup);
  if (!result.ok()) {
    stsapi::StsError error = ToStsError(result.error());
    if (!refusal.empty()) error.audit_detail += ": " + refusal;
    return error;
  }
  if (claims) {
    if (claims->ExpiredAt(now)) {
      stsapi::StsError error = stsapi::ExpiredTokenError();
      error.audit_detail =
          "the session of " + claims->role_arn + " (" + claims->role_session_name + ") expired";
      return error;
    }
    return CallerFromClaims(std::move(*claims), dir->partition());
  }
  if (key == nullptr) return stsapi::InternalFailureError();  // the verifier skipped the lookup
  return CallerFromUser(*key->user, key->key->id);
}

}  // namespace imdsd::stsservice
