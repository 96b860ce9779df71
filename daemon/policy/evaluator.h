#pragma once
// Evaluating one policy for one request: "does this policy let principal P perform action A (on
// resource R), given the request's condition keys?", with the statement that decided and
// sentences a learner can act on.
//
// IAM's order (sts.md §7.2): an applicable explicit Deny wins over every Allow; otherwise an
// applicable Allow allows; otherwise the request is implicitly denied. A statement applies when
// its principal, action, resource and condition parts all match:
//   - Action/NotAction: patterns with * (any run) and ? (one character), case-insensitive.
//   - Resource/NotResource: same wildcards, case-sensitive; ignored when the request names no
//     resource (trust policies, whose resource is the role itself).
//   - Principal/NotPrincipal: policy/principal.h. Ignored when the request names no principal
//     (identity and session policies, attached to the principal itself).
//   - Condition: policy/condition.h, against RequestContext::keys; policy variables only when the
//     policy's Version is "2012-10-17". When the request carries no keys (keys == nullptr: a
//     static check with no request to take keys from, such as config/'s "may EC2 use this
//     role?"), a statement with a Condition counts as not applying, for Allow and Deny alike,
//     and the Decision says so.
// Among several applicable Allows, the one naming the principal most specifically decides
// (PrincipalMatch order), so a caller combining policies sees the strongest grant.
// This is one policy; policy/authorize.h combines trust, identity and session policies.
// Pure functions, thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "policy/context.h"
#include "policy/policy.h"
#include "policy/principal.h"

namespace imdsd::policy {

struct RequestContext {
  std::optional<Principal> principal;   // nullopt: Principal elements are not checked
  std::string action;                   // "sts:AssumeRole"
  std::optional<std::string> resource;  // nullopt: Resource elements are not checked
  // The request's condition keys, borrowed for the call; nullptr: none known (see above).
  const ConditionContext* keys = nullptr;
};

enum class Outcome { kAllow, kExplicitDeny, kImplicitDeny };

// The part of a statement that kept it from applying.
enum class StatementPart { kPrincipal, kAction, kResource, kCondition };

// A statement that nearly applied: an Allow that missed in exactly one part, or a Deny whose
// condition did not hold.
struct NearMiss {
  std::size_t statement = 0;
  std::string sid;
  Effect effect = Effect::kAllow;
  StatementPart part = StatementPart::kCondition;
  // A sentence naming the statement: "Statement[0] allows it, but condition sts:ExternalId
  // StringEquals failed: request has 'abc', policy wants 'xyz'".
  std::string why;
};

struct Decision {
  Outcome outcome = Outcome::kImplicitDeny;
  // The statement that decided (the first applicable Deny, else the applicable Allow naming the
  // principal most specifically, else the first applicable Allow); nullopt for an implicit deny.
  std::optional<std::size_t> statement;
  std::string sid;  // that statement's Sid, possibly empty
  // How the deciding statement names the request's principal; kNone when the request names no
  // principal or the statement has no Principal element.
  PrincipalMatch principal_match = PrincipalMatch::kNone;
  // One sentence for a person: which statement allowed or denied and why, or, for an implicit
  // deny, that no statement allows it followed by the near misses ("no statement allows ...:
  // Statement[0] allows it, but condition ... failed: ...; Statement[1] ...").
  std::string reason;
  // Statements that nearly applied, conditions first (they matched in everything else), then
  // other Allows, then Denies whose condition failed.
  std::vector<NearMiss> near_misses;

  bool allowed() const { return outcome == Outcome::kAllow; }
};

Decision Evaluate(const Policy& policy, const RequestContext& request);

}  // namespace imdsd::policy
