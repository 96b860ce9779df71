#pragma once
// Splitting of the '&'-, ';'-, '/'- and ','-separated texts SigV4 is made of. Header-only, pure,
// thread-safe; internal to sigv4/.

#include <string_view>

namespace imdsd::sigv4 {

// Calls fn(piece) for every non-empty piece of `text` between characters for which
// is_separator(c) holds, left to right. Empty pieces ("a&&b", a trailing ';') are skipped, as
// every SigV4 list skips them.
template <typename IsSeparator, typename Fn>
void ForEachPiece(std::string_view text, IsSeparator is_separator, Fn&& fn) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = start;
    while (end < text.size() && !is_separator(text[end])) ++end;
    if (end > start) fn(text.substr(start, end - start));
    start = end + 1;
  }
}

template <typename Fn>
void ForEachPiece(std::string_view text, char separator, Fn&& fn) {
  ForEachPiece(
      text, [separator](char c) { return c == separator; }, fn);
}

// "name=value" split at the first '='; "name" alone has an empty value.
struct RawParam {
  std::string_view name;
  std::string_view value;
};

inline RawParam SplitParam(std::string_view pair) {
  const std::size_t eq = pair.find('=');
  if (eq == std::string_view::npos) return {pair, {}};
  return {pair.substr(0, eq), pair.substr(eq + 1)};
}

}  // namespace imdsd::sigv4
