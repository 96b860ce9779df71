#pragma once
// Principal: who makes a request; and how a statement's Principal or NotPrincipal element
// matches it (IAM User Guide "AWS JSON policy elements: Principal" and "NotPrincipal"; sts.md
// §7.1). The forms:
//   - "*" and {"AWS": "*"}: everyone, of any kind.
//   - {"AWS": "123456789012"} and {"AWS": "arn:<partition>:iam::123456789012:root"}: every AWS
//     principal of that account (users, role sessions, federated users, the root user). This is
//     the account delegating to its own policies, not a grant to the caller: IAM then also
//     requires an identity policy of the caller that allows the action. Evaluate() only reports
//     the match as PrincipalMatch::kAccount; checking the identity policy is the caller's job
//     (AuthorizeRoleAccess in policy/authorize.h does it).
//   - An IAM user, assumed-role session or federated-user ARN: exactly that caller.
//   - A role ARN: the sessions of that role (Principal::parent_arn). A user ARN also matches the
//     federated-user sessions that user created with GetFederationToken.
//   - {"Service": "ec2.amazonaws.com"}: that service; {"Federated": ...}: callers authenticated
//     by that provider (an OIDC or SAML provider ARN, or a built-in host such as
//     "accounts.google.com" or "cognito-identity.amazonaws.com").
//   ARNs compare exactly (case-sensitive, no wildcards inside, as in IAM). CanonicalUser only
//   matches the same id; nothing in imdsd authenticates such callers.
// NotPrincipal: the statement applies to every caller it does not exclude. A caller is excluded
// only when every identity it stands for is listed: an assumed-role session needs its session
// ARN, its role ARN and its account; a user needs its ARN and its account. AWS documents that it
// may check the account, then the role, then the session, and tells authors to list all three
// ("NotPrincipal with Deny"); requiring all of them reproduces the surprise learners meet.
// Pure functions, thread-safe.

#include <string>

#include "policy/policy.h"

namespace imdsd::policy {

struct Principal {
  PrincipalKind kind = PrincipalKind::kAws;
  // kAws: the caller's ARN (user, assumed-role session, federated user, or the account root);
  // kService: "ec2.amazonaws.com"; kFederated: the provider ("arn:aws:iam::123456789012:
  // oidc-provider/token.actions.githubusercontent.com", "accounts.google.com"); kCanonicalUser:
  // the id.
  std::string id;
  // kAws only: the caller's 12-digit account.
  std::string account_id = {};
  // kAws sessions only: what the session was made from. An assumed-role session's role ARN,
  // with its path ("arn:aws:iam::123456789012:role/app/reader"; the session ARN drops the
  // path); a federated-user session's IAM user ARN. Empty for users and the root.
  std::string parent_arn = {};

  static Principal Service(std::string name);
  static Principal Aws(std::string arn, std::string account_id, std::string parent_arn = {});
  static Principal Federated(std::string provider);
};

// How specifically a Principal element names a caller, weakest first. The order matters to
// AuthorizeRoleAccess: a trust statement naming the caller itself (kExact) or everyone needs no
// identity policy in the same account, one naming the session's role (kParent) is still limited
// by the session's policies, one naming the account (kAccount) needs the identity policies.
enum class PrincipalMatch { kNone, kAccount, kParent, kEveryone, kExact };

// How `set` (a Principal or NotPrincipal element) matches `who`. For NotPrincipal the answer is
// kNone (excluded) or kEveryone.
PrincipalMatch MatchPrincipal(const PrincipalSet& set, const Principal& who);

// For a NotPrincipal that lists some but not all identities of `who` (and so still applies):
// what is missing, e.g. "it lists arn:aws:iam::111122223333:user/bob but not the account
// 111122223333; a caller is left out only when its account (and role) are listed too". Empty
// when nothing of `who` is listed or the element is not a NotPrincipal.
std::string ExplainNotPrincipalGap(const PrincipalSet& set, const Principal& who);

// Whether `who` is an account's root user (its ARN ends in ":root").
bool IsAccountRoot(const Principal& who);

// {"Service": "ec2.amazonaws.com"}: a principal as a trust policy would name it.
std::string DescribePrincipal(const Principal& principal);
// {"AWS": ["a", "b"], "Service": "x"}, "\"*\"", or "everyone except {...}" for NotPrincipal.
std::string DescribePrincipalSet(const PrincipalSet& set);

}  // namespace imdsd::policy
