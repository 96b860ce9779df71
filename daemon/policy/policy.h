#pragma once
// Policy: an IAM policy document (identity, session or trust policy) as typed values.
//
// Built by policy::ParsePolicy() (policy/parser.h) from JSON text, which checks the grammar, and
// read by policy::Evaluate() (policy/evaluator.h). The types keep everything the grammar allows,
// including what the evaluator does not use yet (Resource, conditions), so later features extend
// the evaluator without changing the parser. Plain values: copyable, thread-safe when not mutated.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imdsd::policy {

// Which rules of IAM apply on top of the shared grammar.
enum class PolicyKind {
  // Attached to a principal (permission and session policies): Resource (or NotResource) is
  // required, Principal is not allowed.
  kIdentity,
  // A role's trust policy (AssumeRolePolicyDocument): Principal (or NotPrincipal) is required,
  // Resource is not allowed (the resource is the role itself).
  kTrust,
};

enum class Effect { kAllow, kDeny };

// The keys of a Principal element.
enum class PrincipalKind { kAws, kService, kFederated, kCanonicalUser };

// "AWS", "Service", "Federated", "CanonicalUser".
std::string_view PrincipalKindName(PrincipalKind kind);

struct PrincipalId {
  PrincipalKind kind = PrincipalKind::kAws;
  std::string id;  // as written: "ec2.amazonaws.com", "123456789012", "arn:aws:iam::...", "*"

  friend bool operator==(const PrincipalId&, const PrincipalId&) = default;
};

// A Principal or NotPrincipal element: "*", or {"AWS": ..., "Service": [...]} flattened into a
// list in document order.
struct PrincipalSet {
  bool negated = false;  // NotPrincipal
  bool anyone = false;   // the bare string "*"
  std::vector<PrincipalId> ids;
};

// Action/NotAction or Resource/NotResource: patterns with * and ? wildcards.
struct PatternSet {
  bool negated = false;  // NotAction / NotResource
  std::vector<std::string> patterns;
};

// The condition operators IAM defines, without the ForAnyValue:/ForAllValues: qualifier and the
// IfExists suffix.
enum class ConditionOperator {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kNumericEquals,
  kNumericNotEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateNotEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kBinaryEquals,
  kIpAddress,
  kNotIpAddress,
  kArnEquals,
  kArnLike,
  kArnNotEquals,
  kArnNotLike,
  kNull,
};

// "StringEquals" for kStringEquals, and back; nullopt for a name IAM does not define (names are
// case-sensitive, as in IAM).
std::string_view ConditionOperatorName(ConditionOperator op);
std::optional<ConditionOperator> ConditionOperatorFromName(std::string_view name);

enum class SetQualifier { kNone, kForAnyValue, kForAllValues };

// One key test of a Condition block: {"StringEquals": {"sts:ExternalId": ["a", "b"]}} gives one
// Condition with two values. Conditions of a statement are ANDed; values of one key are ORed
// (for negated operators, ANDed), as IAM does.
struct Condition {
  std::string operator_text;  // as written: "ForAnyValue:StringLikeIfExists"
  ConditionOperator op = ConditionOperator::kStringEquals;
  SetQualifier qualifier = SetQualifier::kNone;
  bool if_exists = false;
  std::string key;  // as written; IAM compares key names case-insensitively
  // JSON strings as they are; JSON numbers and booleans as their text ("42", "true"): IAM
  // accepts both spellings.
  std::vector<std::string> values;
};

struct Statement {
  std::string sid;  // empty when absent
  Effect effect = Effect::kAllow;
  std::optional<PrincipalSet> principal;  // Principal or NotPrincipal; absent in identity policies
  PatternSet action;                      // Action or NotAction (one is required)
  std::optional<PatternSet> resource;     // Resource or NotResource; absent in trust policies
  std::vector<Condition> conditions;      // empty: no Condition element
};

struct Policy {
  // "2012-10-17" or "2008-10-17"; empty when the document has no Version (IAM then applies
  // 2008-10-17, which has no policy variables).
  std::string version;
  std::string id;                     // the optional top-level "Id"
  std::vector<Statement> statements;  // at least one
};

// `text` as a JSON string literal, quotes included. Escapes '"', '\\' and control characters;
// other bytes (UTF-8) pass through unchanged.
std::string JsonQuote(std::string_view text);

}  // namespace imdsd::policy
