#pragma once
// LabActions: the real stsapi::StsActions — what each STS operation does for a lab, with IAM's
// authorization rules and AWS's answers. Construction recipe for the daemon (task G2):
//
//   auto directory = stsservice::Directory::Build(config_ptr);          // Result<shared_ptr>
//   stsservice::SigV4Authenticator authenticator(clock, codec, *directory,
//                                                stsservice::VerifierOptionsFor(*config_ptr));
//   stsservice::LabActions actions(clock, random, codec, *directory);
//   stsapi::StsFrontend frontend(options, clock, random, authenticator, actions, &audit);
//   // on reload, once the new Config validated:
//   //   auto next = Directory::Build(new_config);   // on error keep the old one
//   //   authenticator.SetDirectory(*next); actions.SetDirectory(*next);
//
// `codec` must be the SessionTokenCodec the CredentialStore uses (the daemon's
// sts-session.key), so instance-profile credentials from IMDS can call STS.
//
// Operations (sts.md §5; AWS wins where they differ, see each .cc):
//   - GetCallerIdentity: the caller, never denied.
//   - AssumeRole: role by ARN (a missing role is the same AccessDenied as a refusal), session
//     policy (Policy; PolicyArns are refused: the config has no managed policies), MFA
//     (SerialNumber + TokenCode against the caller's device, each code good once), the
//     condition keys of sts.md §7.4, policy::AuthorizeRoleAccess for sts:AssumeRole (and
//     sts:TagSession when the session gets tags, sts:SetSourceIdentity when it gets a source
//     identity), then the durations: default 3600, at most the role's MaxSessionDuration, at
//     most 3600 when role chaining (the caller is an AssumeRole session; instance-profile
//     credentials are not chaining), then PackedPolicySize.
//   - GetSessionToken, GetFederationToken: long-term user keys only; durations 900..129600,
//     default 43200 (there are no root keys to cap at 3600).
//   - AssumeRoleWithWebIdentity: unsigned; the JWT verified against the role account's OIDC
//     provider named by its iss (signature, issuer, audience, expiry), trust policy with a
//     Federated principal and <issuer>:aud/:sub/:amr keys.
//   - GetAccessKeyInfo: the account a key id encodes, known key or not.
//   - DecodeAuthorizationMessage: refused (imdsd encodes no authorization messages).
// Every AccessDenied carries the explained decision in StsError::audit_detail.
//
// Session claims by kind (sts/session_token.h has room for roles; users reuse the fields):
//   kAssumedRole: role_arn, role_id (AROA…), role_session_name, plus policy, tags, transitive
//     keys, source identity, chained_from (the calling session's ARN), MFA.
//   kSessionToken: role_arn = the user's ARN, role_id = its AIDA… id, role_session_name = its
//     name; MFA when the call passed a code.
//   kFederatedUser: role_arn = the creating user's ARN, role_id = its id, role_session_name =
//     the federated name; session policy and tags.
//
// State: the Directory (swapped on reload) and, per MFA device serial, the time step of the last
// accepted code (so a code is good once; kept across reloads). Thread-safe; borrows the clock,
// random source and codec, which must outlive it.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "policy/context.h"
#include "sts/session_token.h"
#include "stsapi/actions.h"
#include "stsservice/directory.h"
#include "stsservice/policy_cache.h"
#include "stsservice/shared_directory.h"

namespace imdsd::stsservice {

// PackedPolicySize as imdsd estimates it. AWS packs session policies and tags into a compressed
// binary form and reports its size as a percentage of the room in the session token; the format
// is private. imdsd counts half of each compact policy character (policy JSON compresses about
// two to one), key + value + 4 for each session tag and key + 2 for each transitive key, against
// a budget of 2048: a maximal 2048-character policy alone uses 50%, 50 full-size tags several
// times the budget. The result is rounded up; anything above 100 is PackedPolicyTooLarge.
int PackedPolicyPercent(std::string_view compact_policy, const std::vector<sts::SessionTag>& tags,
                        const std::vector<std::string>& transitive_keys);

class LabActions final : public stsapi::StsActions {
 public:
  LabActions(const Clock& clock, RandomSource& random, const sts::SessionTokenCodec& codec,
             std::shared_ptr<const Directory> directory);
  LabActions(const LabActions&) = delete;
  LabActions& operator=(const LabActions&) = delete;

  // Replaces the identities (config reload); requests in flight keep the old ones.
  void SetDirectory(std::shared_ptr<const Directory> directory) {
    directory_.Set(std::move(directory));
  }

  stsapi::Outcome<stsapi::AssumeRoleResponse> AssumeRole(
      const stsapi::CallContext& context, const stsapi::AssumeRoleRequest& request) override;
  stsapi::Outcome<stsapi::AssumeRoleWithWebIdentityResponse> AssumeRoleWithWebIdentity(
      const stsapi::CallContext& context,
      const stsapi::AssumeRoleWithWebIdentityRequest& request) override;
  stsapi::Outcome<stsapi::GetCallerIdentityResponse> GetCallerIdentity(
      const stsapi::CallContext& context, const stsapi::GetCallerIdentityRequest& request) override;
  stsapi::Outcome<stsapi::GetSessionTokenResponse> GetSessionToken(
      const stsapi::CallContext& context, const stsapi::GetSessionTokenRequest& request) override;
  stsapi::Outcome<stsapi::GetFederationTokenResponse> GetFederationToken(
      const stsapi::CallContext& context,
      const stsapi::GetFederationTokenRequest& request) override;
  stsapi::Outcome<stsapi::GetAccessKeyInfoResponse> GetAccessKeyInfo(
      const stsapi::CallContext& context, const stsapi::GetAccessKeyInfoRequest& request) override;
  stsapi::Outcome<stsapi::DecodeAuthorizationMessageResponse> DecodeAuthorizationMessage(
      const stsapi::CallContext& context,
      const stsapi::DecodeAuthorizationMessageRequest& request) override;

 private:
  WallTime Now(const stsapi::CallContext& context) const;
  // Checks SerialNumber + TokenCode (when either was passed) for `user` (nullptr: the caller
  // has no MFA devices) at `now`, refusing a code already used. The MFA time on success;
  // nullopt when the request has neither.
  stsapi::Outcome<std::optional<WallTime>> CheckMfa(const UserEntry* user,
                                                    const std::optional<std::string>& serial,
                                                    const std::optional<std::string>& code,
                                                    WallTime now);
  // A new session of `role` named `session_name`: fills the role fields of `claims` (whose
  // other fields the caller set), issues credentials and names the assumed-role user.
  struct RoleSession {
    stsapi::Credentials credentials;
    stsapi::AssumedRoleUser user;
  };
  RoleSession IssueRoleSession(const Directory& directory, const RoleEntry& role,
                               std::string_view session_name, sts::SessionClaims& claims,
                               WallTime now, int duration_seconds);
  // New ASIA credentials for `claims` (key, secret and times are filled in here).
  stsapi::Credentials Issue(sts::SessionClaims& claims, WallTime now,
                            std::chrono::seconds lifetime);

  const Clock& clock_;
  RandomSource& random_;
  const sts::SessionTokenCodec& codec_;
  SharedDirectory directory_;
  PolicyCache session_policies_;  // parsed session policies of calling sessions

  std::mutex mfa_mutex_;
  std::map<std::string, std::uint64_t, std::less<>> last_mfa_step_;  // guarded by mfa_mutex_
};

}  // namespace imdsd::stsservice
