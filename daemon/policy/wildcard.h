#pragma once
// Wildcard matching as IAM does it for actions, resources, StringLike and ArnLike: '*' matches
// any run of characters (also empty), '?' exactly one; every other character matches itself.
// The policy language has no escape; a policy writes a literal '*' or '?' as the policy
// variable ${*} or ${?}, which policy/variables.h turns into pattern positions flagged literal.
// Pure functions, thread-safe; linear in practice (greedy with one backtrack point).

#include <string_view>
#include <vector>

namespace imdsd::policy {

enum class Case { kSensitive, kInsensitive };  // kInsensitive folds ASCII letters only

bool WildcardMatch(std::string_view pattern, std::string_view text, Case match_case);

// Same, but a pattern position i with literal[i] == true matches only its own character even if
// it is '*' or '?'. `literal` is either empty (no literal positions) or pattern.size() long.
bool WildcardMatch(std::string_view pattern, std::string_view text, Case match_case,
                   const std::vector<bool>& literal);

}  // namespace imdsd::policy
