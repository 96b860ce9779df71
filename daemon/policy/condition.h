#pragma once
// Condition evaluation: does a statement's Condition element hold for a request's condition
// keys? IAM's rules (IAM User Guide "Condition operators", "Conditions with multiple context
// keys or values", "Single-valued vs. multivalued context keys"; sts.md §7.2-7.3):
//   - Every condition of a statement must hold: operator blocks and the keys inside one block are
//     ANDed. The values listed for one key are ORed; for a negated operator (StringNotEquals,
//     StringNotLike, NumericNotEquals, DateNotEquals, NotIpAddress, ArnNotEquals, ArnNotLike)
//     they are NORed: the request value must match none of them.
//   - A key the request lacks makes a positive operator false and a negated one true.
//     ...IfExists holds when the key is absent; Null "true" means absent, "false" present.
//   - ForAnyValue: at least one request value passes (never for an absent or empty set).
//     ForAllValues: every request value passes (always for an absent or empty set). For a
//     negated operator, "passes" means matching none of the policy values.
//   - Without a qualifier, a key with several values holds for a positive operator when any of
//     them matches, and for a negated one when none does. (Emulator choice: AWS only says such
//     keys need a qualifier.)
//   - Key names ignore case (ConditionContext); values are compared case-sensitively except by
//     the ...IgnoreCase operators and Bool. StringLike and the Arn operators take * and ?;
//     Arn operators compare the six colon-separated parts of an ARN one by one.
//   - Numbers are integers or decimals. Dates are ISO 8601 ("2026-01-01", "2026-01-01T12:00Z",
//     "2026-01-01T12:00:00.5+02:00"; no zone means UTC) or epoch seconds ("1767225600").
//     BinaryEquals compares the bytes of base64 text; the request's value is base64 too.
//     IpAddress takes CIDR blocks or single addresses, IPv4 or IPv6.
//   - A value that is not what the operator needs, in the policy or in the request, makes the
//     condition false (never a crash); the explanation names the value.
//   - String and Arn values may hold policy variables (policy/variables.h) when
//     `policy_variables` is set (the policy's Version is "2012-10-17"). A variable without a
//     value makes the condition false.
// Pure functions, thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/context.h"
#include "policy/policy.h"

namespace imdsd::policy {

struct ConditionVerdict {
  bool holds = true;
  // Set when it does not hold; names the key, the operator and the values, e.g. "condition
  // sts:ExternalId StringEquals failed: request has 'abc', policy wants 'xyz'". Quoted values
  // are cut at 100 characters, control characters replaced by '?'.
  std::string why;
};

ConditionVerdict EvaluateCondition(const Condition& condition, const ConditionContext& context,
                                   bool policy_variables);

// All conditions of one statement; the first that fails decides.
ConditionVerdict EvaluateConditions(const std::vector<Condition>& conditions,
                                    const ConditionContext& context, bool policy_variables);

// Milliseconds since the Unix epoch for a Date operator's value (formats above); nullopt when
// `text` is not a date.
std::optional<std::int64_t> ParseConditionDate(std::string_view text);

}  // namespace imdsd::policy
