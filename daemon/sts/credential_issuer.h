#pragma once
// CredentialIssuer: mints temporary role credentials (access key ID, secret, session token) and
// rebuilds a Credential from its session token.
//
// Stateless: everything a credential needs later is inside its session token. Borrows the clock,
// the random source and the codec, which must outlive it. Thread-safe, because all three are.

#include <chrono>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "common/status.h"
#include "sts/credential.h"
#include "sts/identifiers.h"
#include "sts/session_token.h"

namespace imdsd::sts {

// Who the credential is for: a role, and the session name it is assumed under.
struct RoleSession {
  AccountId account_id;
  std::string partition = "aws";
  std::string role_name;
  std::string role_path = "/";  // "/" or "/a/b/"
  // AROA…; MakeUniqueId(kRoleIdPrefix, account_id, role_name) for configured roles.
  std::string role_id;
  std::string session_name;  // the instance ID for instance-profile credentials
  std::chrono::seconds lifetime = std::chrono::hours(6);
  SessionKind kind = SessionKind::kInstanceProfile;

  friend bool operator==(const RoleSession&, const RoleSession&) = default;
};

// kInvalidArgument naming the first bad field: partition, role name, path, role ID (21
// characters, AROA prefix, base32), session name, or a lifetime that is not positive.
Status ValidateRoleSession(const RoleSession& session);

// The ARN of `session`'s role.
std::string RoleArnOf(const RoleSession& session);

// True when `claims` were issued for `session`'s role and session name (the lifetime is not
// compared: a credential stays valid when only the rotation policy changes).
bool ClaimsMatchSession(const SessionClaims& claims, const RoleSession& session);

// A credential rebuilt from its token, with the claims that say whom it belongs to.
struct RestoredCredential {
  Credential credential;
  SessionClaims claims;
};

class CredentialIssuer {
 public:
  CredentialIssuer(const Clock& clock, RandomSource& random, const SessionTokenCodec& codec);
  CredentialIssuer(const CredentialIssuer&) = delete;
  CredentialIssuer& operator=(const CredentialIssuer&) = delete;

  // A fresh credential for `request`: new ASIA key ID encoding the account, new secret, a token
  // carrying both; issued at the current wall-clock second, expiring `request.lifetime` later.
  // kInvalidArgument (from ValidateRoleSession) when the request is malformed.
  Result<Credential> IssueRoleCredential(const RoleSession& request) const;

  // The credential that `session_token` was issued with, expired or not. kUnauthenticated when
  // the token does not verify (altered, foreign key, garbage).
  Result<RestoredCredential> Restore(std::string_view session_token) const;

 private:
  const Clock& clock_;
  RandomSource& random_;
  const SessionTokenCodec& codec_;
};

}  // namespace imdsd::sts
