#pragma once
// Evaluating one policy for one request: "does this policy let principal P perform action A (on
// resource R)?", with the statement that decided and a sentence saying why.
//
// IAM's order (sts.md §7.2): an applicable explicit Deny wins over every Allow; otherwise an
// applicable Allow allows; otherwise the request is implicitly denied. A statement applies when
// its principal, action, resource and condition parts all match:
//   - Action/NotAction: patterns with * (any run) and ? (one character), case-insensitive.
//   - Resource/NotResource: same wildcards, case-sensitive; ignored when the request names no
//     resource (trust policies, whose resource is the role itself).
//   - Principal/NotPrincipal: "*" and {"AWS": "*"} match everyone; {"AWS": "<account>"} and
//     {"AWS": "arn:<partition>:iam::<account>:root"} match every AWS principal of that account;
//     other values match exactly (no partial wildcards, as in IAM). Ignored when the request
//     names no principal (identity policies, attached to the principal itself).
//   - Condition: not evaluated yet. A statement with a Condition is treated as not applying, for
//     Allow and Deny alike, and the Decision says so. (EC2 assuming an instance profile's role
//     supplies no condition keys that a configuration could rely on.) The STS endpoint will
//     evaluate conditions against RequestContext keys; only ConditionsHold() in evaluator.cc
//     changes then.
// Pure functions, thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "policy/policy.h"

namespace imdsd::policy {

// Who makes a request.
struct Principal {
  PrincipalKind kind = PrincipalKind::kAws;
  // kService: "ec2.amazonaws.com"; kAws: the caller's ARN; kFederated: the provider
  // ("arn:aws:iam::123456789012:oidc-provider/...", "accounts.google.com"); kCanonicalUser: the id.
  std::string id;
  // kAws only: the caller's 12-digit account, matched by {"AWS": "<account>"}.
  std::string account_id;

  static Principal Service(std::string name);
};

struct RequestContext {
  std::optional<Principal> principal;   // nullopt: Principal elements are not checked
  std::string action;                   // "sts:AssumeRole"
  std::optional<std::string> resource;  // nullopt: Resource elements are not checked
};

enum class Outcome { kAllow, kExplicitDeny, kImplicitDeny };

struct Decision {
  Outcome outcome = Outcome::kImplicitDeny;
  // The statement that decided (the first applicable Deny, else the first applicable Allow);
  // nullopt for an implicit deny.
  std::optional<std::size_t> statement;
  std::string sid;  // that statement's Sid, possibly empty
  // One sentence for a person: which statement allowed or denied and why, or, for an implicit
  // deny, that no statement allows it followed by the statements that nearly did and what kept
  // each from applying ("Statement[0] allows it only under a Condition, ...").
  std::string reason;

  bool allowed() const { return outcome == Outcome::kAllow; }
};

Decision Evaluate(const Policy& policy, const RequestContext& request);

// {"Service": "ec2.amazonaws.com"}: a principal as a trust policy would name it.
std::string DescribePrincipal(const Principal& principal);

}  // namespace imdsd::policy
