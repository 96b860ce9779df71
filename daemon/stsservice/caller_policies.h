#pragma once
// The policy side of a signed caller, for LabActions: which policies speak for it (its identity
// policies and, for a session created with one, its session policy), which principal it is in a
// trust policy, and the condition keys that describe it (sts.md §7.4).
//
// An IAM user (or a GetSessionToken session, which acts as its user) has its user's policies
// and tags. A role session (AssumeRole, web identity, instance profile) has its role's
// permission policies and tags, its own session tags overriding the role's, and the session
// policy it was created with. A role removed by a reload leaves its sessions with no policy.
// Plain functions over borrowed data; thread-safe.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/authorize.h"
#include "policy/context.h"
#include "policy/policy.h"
#include "policy/principal.h"
#include "stsapi/actions.h"
#include "stsservice/directory.h"
#include "stsservice/policy_cache.h"

namespace imdsd::stsservice {

// `error` with `detail` as its audit explanation.
stsapi::StsError Explained(stsapi::StsError error, std::string detail);
// ASCII case-insensitive equality (tag keys are unique regardless of case, as in IAM).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// The ValidationError for a `duration` above `role`'s MaxSessionDuration; nullopt when it fits.
std::optional<stsapi::StsError> RoleDurationError(const RoleEntry& role, int duration);

// A session policy passed to AssumeRole or GetFederationToken, parsed.
struct SessionPolicy {
  std::string compact_json;  // what the session token carries
  policy::Policy policy;
};

// Policy and PolicyArns of a request: nullopt when neither was passed. PolicyArns are refused
// (ValidationError saying why: the config names no managed policies); a Policy that is not a
// valid identity policy is MalformedPolicyDocument with every problem.
stsapi::Outcome<std::optional<SessionPolicy>> ParseSessionPolicy(
    const std::optional<std::string>& policy, const std::vector<std::string>& policy_arns);

// Everything about the caller that policies look at. Holds pointers into itself and into the
// Directory it was resolved from: neither copyable nor movable, and it must not outlive that
// Directory.
struct CallerPolicies {
  CallerPolicies() = default;
  CallerPolicies(const CallerPolicies&) = delete;
  CallerPolicies& operator=(const CallerPolicies&) = delete;

  policy::Principal principal;
  const UserEntry* user = nullptr;  // IAM users and their GetSessionToken sessions
  const RoleEntry* role = nullptr;  // role sessions whose role still exists
  std::string principal_arn;        // aws:PrincipalArn: the user, role or federated-user ARN
  std::string principal_type;       // aws:PrincipalType: User, AssumedRole, FederatedUser
  std::vector<policy::NamedPolicy> identity_policies;
  std::shared_ptr<const policy::Policy> session_policy;  // from the session's claims
  std::optional<std::vector<policy::NamedPolicy>> session_policies;
  policy::Tags principal_tags;
};

// Fills `out` for `caller` from `directory`; a session's policy comes through `cache`.
void ResolveCaller(const Directory& directory, const stsapi::CallerIdentity& caller,
                   PolicyCache& cache, CallerPolicies& out);

// The caller's condition keys: aws:PrincipalArn/Account/Type, aws:userid, aws:username (users),
// aws:PrincipalTag/*, aws:SourceIp, aws:SecureTransport (false: the endpoint is plain HTTP),
// aws:CurrentTime/EpochTime, and for sessions aws:TokenIssueTime, aws:SourceIdentity and
// aws:MultiFactorAuthPresent (true with aws:MultiFactorAuthAge when the session was MFA
// authenticated, false otherwise; absent for long-term keys, as in IAM).
void FillCallerKeys(const stsapi::CallerIdentity& caller, const CallerPolicies& who,
                    std::string_view source_ip, WallTime now, policy::ConditionContext& keys);

// policy::AuthorizeRoleAccess for `action` on `role`.
policy::AccessDecision AuthorizeForRole(const CallerPolicies& who, const RoleEntry& role,
                                        std::string_view action,
                                        const policy::ConditionContext& keys);

struct IdentityDecision {
  bool allowed = false;
  std::string reason;  // which policy and statement decided, for the audit log
};

// Whether the caller's own policies (identity, then session) allow `action` on `resource`: an
// explicit Deny in any wins, an identity policy must allow, and a session policy, when the
// caller has one, must allow too.
IdentityDecision AuthorizeByIdentity(const CallerPolicies& who, std::string_view action,
                                     std::string_view resource,
                                     const policy::ConditionContext& keys);

}  // namespace imdsd::stsservice
