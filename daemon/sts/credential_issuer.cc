#include "sts/credential_issuer.h"

#include <utility>

namespace imdsd::sts {

Status ValidateRoleSession(const RoleSession& session) {
  IMDSD_RETURN_IF_ERROR(ValidatePartition(session.partition));
  IMDSD_RETURN_IF_ERROR(ValidateIamName(session.role_name));
  IMDSD_RETURN_IF_ERROR(ValidateIamPath(session.role_path));
  const std::string_view id = session.role_id;
  if (id.size() != kUniqueIdLength || id.substr(0, 4) != kRoleIdPrefix) {
    return InvalidArgument("role ID '" + session.role_id +
                           "' must be AROA followed by 17 characters");
  }
  for (char c : id.substr(4)) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) {
      return InvalidArgument("role ID '" + session.role_id +
                             "' may only contain A-Z and 2-7 after its prefix");
    }
  }
  IMDSD_RETURN_IF_ERROR(ValidateRoleSessionName(session.session_name));
  if (session.lifetime <= std::chrono::seconds::zero()) {
    return InvalidArgument("credential lifetime must be positive");
  }
  return Status::Ok();
}

std::string RoleArnOf(const RoleSession& session) {
  return MakeRoleArn(session.partition, session.account_id, session.role_path, session.role_name);
}

bool ClaimsMatchSession(const SessionClaims& claims, const RoleSession& session) {
  return claims.kind == session.kind && claims.account_id == session.account_id &&
         claims.role_arn == RoleArnOf(session) && claims.role_id == session.role_id &&
         claims.role_session_name == session.session_name;
}

CredentialIssuer::CredentialIssuer(const Clock& clock, RandomSource& random,
                                   const SessionTokenCodec& codec)
    : clock_(clock), random_(random), codec_(codec) {}

Result<Credential> CredentialIssuer::IssueRoleCredential(const RoleSession& request) const {
  IMDSD_RETURN_IF_ERROR(ValidateRoleSession(request));
  SessionClaims claims;
  claims.kind = request.kind;
  claims.access_key_id = MakeAccessKeyId(kTemporaryAccessKeyPrefix, request.account_id, random_);
  claims.secret_access_key = MakeSecretAccessKey(random_);
  claims.account_id = request.account_id;
  claims.role_arn = RoleArnOf(request);
  claims.role_id = request.role_id;
  claims.role_session_name = request.session_name;
  // Whole seconds, because that is all IMDS prints and all the token stores; flooring keeps the
  // printed LastUpdated from lying about the future.
  claims.issued_at = std::chrono::floor<std::chrono::seconds>(clock_.Now());
  claims.expires_at = claims.issued_at + request.lifetime;

  Credential credential;
  credential.session_token = codec_.Mint(claims);
  credential.access_key_id = std::move(claims.access_key_id);
  credential.secret_access_key = std::move(claims.secret_access_key);
  credential.issued_at = claims.issued_at;
  credential.expires_at = claims.expires_at;
  credential.role_arn = std::move(claims.role_arn);
  credential.account_id = claims.account_id;
  return credential;
}

Result<RestoredCredential> CredentialIssuer::Restore(std::string_view session_token) const {
  IMDSD_ASSIGN_OR_RETURN(SessionClaims claims, codec_.Verify(session_token));
  Credential credential;
  credential.access_key_id = claims.access_key_id;
  credential.secret_access_key = claims.secret_access_key;
  credential.session_token = std::string(session_token);
  credential.issued_at = claims.issued_at;
  credential.expires_at = claims.expires_at;
  credential.role_arn = claims.role_arn;
  credential.account_id = claims.account_id;
  return RestoredCredential{std::move(credential), std::move(claims)};
}

}  // namespace imdsd::sts
