#pragma once
// Policy variables in condition values (IAM User Guide "IAM policy elements: Variables and
// tags"): "${aws:username}/*" becomes "alice/*" for user alice.
//   - ${key} takes the value of a single-valued condition key of the request (key names ignore
//     case); ${key, 'text'} falls back to 'text' when the request has no such key.
//   - ${*}, ${?} and ${$} stand for a literal '*', '?' and '$'.
//   - A key the request lacks (without a default), or one with several values, leaves the
//     variable unresolved; IAM then treats the statement as invalid, and EvaluateCondition
//     makes the condition false.
//   - Only policies with Version "2012-10-17" have variables; older ones read "${...}" as
//     text. The caller decides (EvaluateCondition's `policy_variables`).
// Text from a variable never acts as a wildcard: Resolved::literal flags those positions.
// Pure function, thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "policy/context.h"

namespace imdsd::policy {

struct Resolved {
  std::string text;
  // Empty, or one flag per character of `text`: true where the character came from a variable
  // and must match itself even if it is '*' or '?'.
  std::vector<bool> literal;
  bool substituted = false;  // the text differs from what the policy wrote
  std::string unresolved;    // "${aws:username}" when a variable has no value; `text` is unusable
};

Resolved ResolveVariables(std::string_view written, const ConditionContext& context);

}  // namespace imdsd::policy
