#pragma once
// Wildcard matching as IAM does it for actions, resources and StringLike: '*' matches any run of
// characters (also empty), '?' exactly one; every other character matches itself. There is no
// escape. Pure function, thread-safe; linear in practice (greedy with one backtrack point).

#include <string_view>

namespace imdsd::policy {

enum class Case { kSensitive, kInsensitive };  // kInsensitive folds ASCII letters only

bool WildcardMatch(std::string_view pattern, std::string_view text, Case match_case);

}  // namespace imdsd::policy
