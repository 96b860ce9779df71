#pragma once
// Model validation with AWS's (Coral) error texts: "1 validation error detected: Value 'x' at
// 'roleSessionName' failed to satisfy constraint: Member must ...", several violations counted
// and joined with "; " (reference sts.md §4, plus live observations: lengths count Unicode code
// points, not bytes or UTF-16 units; a value breaking both pattern and length gets both clauses,
// pattern first; supplementary characters fail the ARN pattern even though its text seems to
// admit them, because Java reads "\u10000" as U+1000 followed by '0').
//
// Patterns are matched by hand, not by regex: they are simple character classes. \w is ASCII
// [A-Za-z0-9_] as in Java. The tag pattern's \p{L}\p{Z}\p{N} is approximated without a Unicode
// database: letters, digits and spaces of ASCII and Latin-1 exactly; above U+00FF everything is
// accepted except known punctuation, symbol, mark, control, private-use and emoji blocks.
// Pure functions and a small collector; thread-compatible.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stsapi/errors.h"
#include "stsapi/query.h"

namespace imdsd::stsapi {

enum class Pattern {
  kNone,
  kArn,           // [\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD...]+
  kName,          // [\w+=,.@-]*  (role session name, federated user name, source identity)
  kExternalId,    // [\w+=,.@:\/-]*
  kSerialNumber,  // [\w+=/:,.@-]*
  kDigits,        // [\d]*
  kPolicy,        // [\u0009\u000A\u000D\u0020-\u00FF]+
  kTagKey,        // [\p{L}\p{Z}\p{N}_.:/=+\-@]+
  kTagValue,      // [\p{L}\p{Z}\p{N}_.:/=+\-@]*
  kWord,          // [\w]*  (access key IDs)
};

// The pattern as AWS prints it in messages.
std::string_view PatternText(Pattern pattern);
// Whether all of `utf8` (as code points; invalid UTF-8 never matches) satisfies `pattern`,
// including the pattern's emptiness rule ('+' needs one character).
bool MatchesPattern(Pattern pattern, std::string_view utf8);
// Code points in `utf8`; each invalid byte counts as one.
std::size_t CodePointCount(std::string_view utf8);

struct StringConstraint {
  std::size_t min = 0;
  std::optional<std::size_t> max;
  Pattern pattern = Pattern::kNone;
};

// Collects violations of one request, in the order checked.
class Violations {
 public:
  // "Value null at 'member' failed to satisfy constraint: Member must not be null"
  void Null(std::string_view member);
  // Pattern, then minimum and maximum length. `shown` replaces the value in the message when
  // the value must not be echoed (credentials).
  void CheckString(std::string_view member, std::string_view value, const StringConstraint& c,
                   std::optional<std::string_view> shown = std::nullopt);
  // Required: Null() when absent. Optional: nothing when absent.
  void CheckRequired(std::string_view member, const std::optional<std::string>& value,
                     const StringConstraint& c);
  void CheckOptional(std::string_view member, const std::optional<std::string>& value,
                     const StringConstraint& c);
  void CheckRange(std::string_view member, long long value, long long min, long long max);
  // A list with more than `max` members; `rendered` is how the value is printed.
  void CheckListSize(std::string_view member, std::string_view rendered, std::size_t size,
                     std::size_t max);

  bool empty() const { return clauses_.empty(); }
  std::size_t size() const { return clauses_.size(); }
  // ValidationError "N validation error(s) detected: a; b", or nullopt when there are none.
  std::optional<StsError> ToError() const;

 private:
  void Add(std::string_view member, std::optional<std::string_view> value, std::string rule);
  std::vector<std::string> clauses_;
};

// DurationSeconds and other integers, parsed like Java's Integer.parseInt: optional sign,
// decimal digits, within 32 bits ("+900" and "0900" are 900). nullopt when absent;
// MalformedIntegerError otherwise.
Outcome<std::optional<int>> ParseOptionalInt(const QueryParams& params, std::string_view name);

}  // namespace imdsd::stsapi
