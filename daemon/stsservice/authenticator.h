#pragma once
// SigV4Authenticator: the real stsapi::Authenticator. It verifies a request's SigV4 signature
// (sigv4::Verifier: header or presigned form, STS's clock-skew window) with the secret of the
// access key that signed it, and says who the caller is.
//
// Keys, by prefix:
//   - AKIA… (long-term): an Active key of a configured IAM user (Directory). Unknown and
//     Inactive keys are refused alike with InvalidClientTokenId, as AWS does.
//   - ASIA… (temporary): the request's X-Amz-Security-Token (header, or query for presigned
//     requests) must verify under the SessionTokenCodec — the one the daemon's CredentialStore
//     and LabActions mint with, so instance-profile credentials served by IMDS authenticate here
//     too — and carry that access key id; the secret comes from the token's claims. A missing,
//     forged or other-key token is InvalidClientTokenId; an authentic token past its expiry is
//     ExpiredToken (403, "The security token included in the request is expired"), reported
//     only once the signature matched, so the answer never helps a guesser.
//
// The caller: IAMUser (long-term keys, and GetSessionToken sessions, which act as their user),
// AssumedRole (AssumeRole, AssumeRoleWithWebIdentity and instance-profile sessions),
// FederatedUser (GetFederationToken sessions). Root keys are not configurable, so no Root.
//
// Derived signing keys are cached by the Verifier; the Directory holds everything else
// prepared. Thread-safe; borrows the clock and the codec, which must outlive it.

#include <memory>

#include "common/clock.h"
#include "sigv4/verifier.h"
#include "sts/session_token.h"
#include "stsapi/actions.h"
#include "stsservice/directory.h"
#include "stsservice/shared_directory.h"

namespace imdsd::stsservice {

// The identity a session token's claims stand for, in `partition`. `access_key_id` is the
// claims' key; `session` holds the claims.
stsapi::CallerIdentity CallerFromClaims(sts::SessionClaims claims, std::string_view partition);
// The identity of a configured user signing with `access_key_id`.
stsapi::CallerIdentity CallerFromUser(const UserEntry& user, std::string_view access_key_id);

class SigV4Authenticator final : public stsapi::Authenticator {
 public:
  // `options.max_skew` and `options.regions` come from the config's sts section.
  SigV4Authenticator(const Clock& clock, const sts::SessionTokenCodec& codec,
                     std::shared_ptr<const Directory> directory, sigv4::VerifierOptions options);
  SigV4Authenticator(const SigV4Authenticator&) = delete;
  SigV4Authenticator& operator=(const SigV4Authenticator&) = delete;

  stsapi::Outcome<stsapi::CallerIdentity> Authenticate(const stsapi::StsRequest& request,
                                                       WallTime now) override;

  // Replaces the identities (config reload); requests in flight keep the old ones.
  void SetDirectory(std::shared_ptr<const Directory> directory) {
    directory_.Set(std::move(directory));
  }

 private:
  const sts::SessionTokenCodec& codec_;
  SharedDirectory directory_;
  sigv4::Verifier verifier_;
};

// VerifierOptions for `config`'s sts section: service "sts", its signing region, its skew.
sigv4::VerifierOptions VerifierOptionsFor(const config::Config& config);

}  // namespace imdsd::stsservice
