#include "policy/wildcard.h"

#include <cstddef>

namespace imdsd::policy {
namespace {

char Fold(char c, Case match_case) {
  if (match_case == Case::kInsensitive && c >= 'A' && c <= 'Z')
    return static_cast<char>(c - 'A' + 'a');
  return c;
}

// `is_literal(i)` says whether pattern[i] has lost its wildcard meaning.
template <typename IsLiteral>
bool Match(std::string_view pattern, std::string_view text, Case match_case, IsLiteral is_literal) {
  std::size_t p = 0;
  std::size_t t = 0;
  // Position after the last '*' seen, and the text position it currently absorbs up to.
  std::size_t star = std::string_view::npos;
  std::size_t star_text = 0;
  auto is_star = [&](std::size_t i) { return pattern[i] == '*' && !is_literal(i); };
  while (t < text.size()) {
    if (p < pattern.size() && is_star(p)) {
      star = ++p;
      star_text = t;
    } else if (p < pattern.size() && ((pattern[p] == '?' && !is_literal(p)) ||
                                      Fold(pattern[p], match_case) == Fold(text[t], match_case))) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      // Let the last '*' absorb one more character and retry from there.
      p = star;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && is_star(p)) ++p;
  return p == pattern.size();
}

}  // namespace

bool WildcardMatch(std::string_view pattern, std::string_view text, Case match_case) {
  return Match(pattern, text, match_case, [](std::size_t) { return false; });
}

bool WildcardMatch(std::string_view pattern, std::string_view text, Case match_case,
                   const std::vector<bool>& literal) {
  if (literal.empty()) return WildcardMatch(pattern, text, match_case);
  return Match(pattern, text, match_case,
               [&](std::size_t i) { return i < literal.size() && literal[i]; });
}

}  // namespace imdsd::policy
