#pragma once
// Authorizing a role assumption as IAM does for AssumeRole, AssumeRoleWithWebIdentity and
// AssumeRoleWithSAML: the role's trust policy, the caller's identity policies and the caller's
// session policies together, with one explained decision for the AccessDenied audit event.
//
// The rules come from the IAM User Guide, "Policy evaluation logic" (a role trust policy must
// explicitly allow the principal; a resource policy naming a user or session ARN is not limited
// by implicit denies in other policies, one naming a role ARN is limited by session policies),
// "Cross-account policy evaluation logic" (both accounts must allow) and "Session policies";
// and from the STS API reference for AssumeRole (same account: either an identity policy allows
// AssumeRole while the trust policy trusts the account, or the trust policy names the user):
//   1. An applicable explicit Deny in any of the policies (trust, identity, session) wins.
//   2. The trust policy must allow the caller; nothing replaces it.
//   3. Cross-account (the caller's account is not the role's): the caller's identity policies
//      must also allow the action on the role ARN, and so must the session policies of a caller
//      whose session has them.
//   4. Same account, depending on how the deciding trust statement names the caller
//      (PrincipalMatch): its own ARN (user or session) or everyone is enough alone; the
//      session's role ARN still needs the session policies; only the account needs the identity
//      policies (and session policies), as in 3.
//   5. Service and federated callers have no identity policies: the trust policy decides. An
//      account's root user needs no identity policy (it holds every permission); whether STS
//      lets the root assume roles at all is a rule for the caller, not for this function.
// Not modelled: permissions boundaries, SCPs, resource control policies. That a trust statement
// with "*" counts as naming the caller (rule 4) follows resource policies in general; AWS does
// not document it for roles.
// Pure function, thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "policy/context.h"
#include "policy/evaluator.h"
#include "policy/policy.h"
#include "policy/principal.h"

namespace imdsd::policy {

struct NamedPolicy {
  // How explanations name it: "trust policy of role arn:aws:iam::111122223333:role/app",
  // "inline policy s3-read of user alice", "session policy".
  std::string name;
  const Policy* policy = nullptr;  // borrowed for the call; must not be null
};

struct RoleAccessRequest {
  Principal caller;
  std::string action = "sts:AssumeRole";  // also sts:TagSession, sts:SetSourceIdentity, ...
  std::string role_arn;                   // the resource identity policies are checked against
  std::string role_account_id;
  NamedPolicy trust_policy;
  // The caller's identity policies; for an assumed-role session, its role's permission
  // policies. Unused for service and federated callers.
  std::vector<NamedPolicy> identity_policies;
  // The caller's session policies, when its session was created with some (AssumeRole's Policy
  // and PolicyArns); nullopt when it has none, which limits nothing.
  std::optional<std::vector<NamedPolicy>> session_policies;
  // The request's condition keys, borrowed for the call; nullptr: statements with a Condition
  // do not apply (see policy/evaluator.h).
  const ConditionContext* keys = nullptr;
};

// Which kind of policy decided.
enum class PolicySource { kTrust, kIdentity, kSession };

struct AccessDecision {
  Outcome outcome = Outcome::kImplicitDeny;
  // The policy that denied (explicitly, or by not allowing what it had to); the trust policy for
  // an Allow.
  PolicySource source = PolicySource::kTrust;
  std::string policy;  // its NamedPolicy::name; empty when the caller has no policy of that kind
  std::optional<std::size_t> statement;  // the deciding statement, when one decided
  std::string sid;
  // The whole story for a learner, e.g. "trust policy of role arn:...:role/shared allows it
  // (Statement[0]), but the caller is in account 111111111111 and the role in account
  // 222222222222, so the caller's own policies must also allow sts:AssumeRole on
  // arn:...:role/shared, and none of its identity policies does: ...".
  std::string reason;

  bool allowed() const { return outcome == Outcome::kAllow; }
};

AccessDecision AuthorizeRoleAccess(const RoleAccessRequest& request);

}  // namespace imdsd::policy
