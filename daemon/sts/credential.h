#pragma once
// Credential: one set of temporary role credentials as IMDS serves them
// (iam/security-credentials/<role>) and STS returns them.
//
// A plain immutable value. CredentialStore hands them out as std::shared_ptr<const Credential>
// snapshots, so a reader keeps a whole, consistent credential however the store rotates.
// Contains a secret: never log secret_access_key or session_token (common/redact.h).

#include <string>

#include "common/clock.h"
#include "sts/identifiers.h"

namespace imdsd::sts {

struct Credential {
  std::string access_key_id;      // ASIA…, 20 characters; encodes account_id
  std::string secret_access_key;  // 40 characters
  std::string session_token;      // SessionTokenCodec token carrying the two above
  WallTime issued_at{};           // IMDS "LastUpdated"; whole seconds
  WallTime expires_at{};          // IMDS "Expiration"; whole seconds
  std::string role_arn;
  AccountId account_id;

  friend bool operator==(const Credential&, const Credential&) = default;
};

}  // namespace imdsd::sts
