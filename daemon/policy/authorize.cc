#include "policy/authorize.h"

#include <utility>

namespace imdsd::policy {
namespace {

std::string StatementLabel(const Decision& decision) {
  std::string label = "Statement[" + std::to_string(decision.statement.value_or(0)) + "]";
  if (!decision.sid.empty()) label += " (Sid " + JsonQuote(decision.sid) + ")";
  return label;
}

// The combined answer of a list of policies of one kind: any explicit Deny wins, then any Allow.
struct SetDecision {
  Outcome outcome = Outcome::kImplicitDeny;
  const NamedPolicy* deciding = nullptr;  // the denying or allowing policy
  Decision decision;                      // that policy's
  std::string misses;                     // for an implicit deny: the near misses, by policy
};

SetDecision EvaluateSet(const std::vector<NamedPolicy>& policies, const RequestContext& request) {
  SetDecision result;
  for (const NamedPolicy& named : policies) {
    Decision decision = Evaluate(*named.policy, request);
    if (decision.outcome == Outcome::kExplicitDeny) {
      return SetDecision{Outcome::kExplicitDeny, &named, std::move(decision), {}};
    }
    if (decision.allowed()) {
      if (result.outcome != Outcome::kAllow) {
        result.outcome = Outcome::kAllow;
        result.deciding = &named;
        result.decision = std::move(decision);
      }
      continue;
    }
    for (const NearMiss& miss : decision.near_misses) {
      if (miss.effect == Effect::kDeny) continue;
      result.misses += (result.misses.empty() ? "" : "; ") + named.name + ": " + miss.why;
    }
  }
  return result;
}

// ", and the caller has no identity policies" / "..., and none of its session policies does: ...".
std::string SetMissing(const std::vector<NamedPolicy>& policies, const SetDecision& set,
                       const char* kind) {
  if (policies.empty()) return std::string("the caller has no ") + kind + " policies";
  std::string out = std::string("none of its ") + kind + " policies does";
  if (!set.misses.empty()) out += ": " + set.misses;
  return out;
}

AccessDecision FromPolicy(Outcome outcome, PolicySource source, const NamedPolicy& named,
                          const Decision& decision) {
  return AccessDecision{outcome,      source,
                        named.name,   decision.statement,
                        decision.sid, named.name + ": " + decision.reason};
}

}  // namespace

AccessDecision AuthorizeRoleAccess(const RoleAccessRequest& request) {
  const RequestContext trust_request{request.caller, request.action, std::nullopt, request.keys};
  const Decision trust = Evaluate(*request.trust_policy.policy, trust_request);

  // Identity-side policies are about the caller; services and identity providers have none.
  const bool aws_caller = request.caller.kind == PrincipalKind::kAws;
  const RequestContext own_request{std::nullopt, request.action, request.role_arn, request.keys};
  SetDecision identity;
  SetDecision session;
  if (aws_caller) {
    identity = EvaluateSet(request.identity_policies, own_request);
    if (request.session_policies) session = EvaluateSet(*request.session_policies, own_request);
  }

  if (trust.outcome == Outcome::kExplicitDeny) {
    return FromPolicy(Outcome::kExplicitDeny, PolicySource::kTrust, request.trust_policy, trust);
  }
  if (identity.outcome == Outcome::kExplicitDeny) {
    return FromPolicy(Outcome::kExplicitDeny, PolicySource::kIdentity, *identity.deciding,
                      identity.decision);
  }
  if (session.outcome == Outcome::kExplicitDeny) {
    return FromPolicy(Outcome::kExplicitDeny, PolicySource::kSession, *session.deciding,
                      session.decision);
  }
  if (!trust.allowed()) {
    return FromPolicy(Outcome::kImplicitDeny, PolicySource::kTrust, request.trust_policy, trust);
  }

  const bool cross_account = aws_caller && request.caller.account_id != request.role_account_id;
  const bool needs_identity = aws_caller && !IsAccountRoot(request.caller) &&
                              (cross_account || trust.principal_match == PrincipalMatch::kAccount);
  const bool needs_session = aws_caller && request.session_policies.has_value() &&
                             (needs_identity || trust.principal_match == PrincipalMatch::kParent);
  const std::string own_action = request.action + " on " + request.role_arn;
  std::string why_needed;
  if (cross_account) {
    why_needed = "the caller is in account " + request.caller.account_id + " and the role in " +
                 "account " + request.role_account_id +
                 ", so the caller's own policies must also allow " + own_action;
  } else if (trust.principal_match == PrincipalMatch::kAccount) {
    why_needed = "only by trusting the account " + request.caller.account_id +
                 ", which leaves the decision to the caller's own policies: they must also allow " +
                 own_action;
  } else {
    why_needed = "by naming the role " + request.caller.parent_arn +
                 " rather than the session, which the session's policies still limit: they must "
                 "also allow " +
                 own_action;
  }
  const std::string trust_allows =
      request.trust_policy.name + " allows it (" + StatementLabel(trust) + ")";

  if (needs_identity && identity.outcome != Outcome::kAllow) {
    return AccessDecision{Outcome::kImplicitDeny,
                          PolicySource::kIdentity,
                          {},
                          std::nullopt,
                          {},
                          trust_allows + ", but " + why_needed + ", and " +
                              SetMissing(request.identity_policies, identity, "identity")};
  }
  if (needs_session && session.outcome != Outcome::kAllow) {
    return AccessDecision{Outcome::kImplicitDeny,
                          PolicySource::kSession,
                          {},
                          std::nullopt,
                          {},
                          trust_allows + ", but " + why_needed + ", and " +
                              SetMissing(*request.session_policies, session, "session")};
  }

  std::string reason = request.trust_policy.name + ": " + trust.reason;
  if (needs_identity) {
    reason += "; " + identity.deciding->name + ": " + identity.decision.reason;
  }
  if (needs_session) {
    reason += "; " + session.deciding->name + ": " + session.decision.reason;
  }
  return AccessDecision{
      Outcome::kAllow, PolicySource::kTrust, request.trust_policy.name, trust.statement,
      trust.sid,       std::move(reason)};
}

}  // namespace imdsd::policy
