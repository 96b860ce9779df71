#include "policy/condition.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <utility>

#include "common/net.h"
#include "policy/variables.h"
#include "policy/wildcard.h"

namespace imdsd::policy {
namespace {

enum class Family {
  kString,
  kStringIgnoreCase,
  kLike,
  kNumeric,
  kDate,
  kBool,
  kBinary,
  kIp,
  kArn,
  kNull
};
enum class Relation { kEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

struct OperatorInfo {
  Family family = Family::kString;
  bool negated = false;
  Relation relation = Relation::kEqual;
};

OperatorInfo Info(ConditionOperator op) {
  using O = ConditionOperator;
  switch (op) {
    case O::kStringEquals:
      return {Family::kString};
    case O::kStringNotEquals:
      return {Family::kString, true};
    case O::kStringEqualsIgnoreCase:
      return {Family::kStringIgnoreCase};
    case O::kStringNotEqualsIgnoreCase:
      return {Family::kStringIgnoreCase, true};
    case O::kStringLike:
      return {Family::kLike};
    case O::kStringNotLike:
      return {Family::kLike, true};
    case O::kNumericEquals:
      return {Family::kNumeric};
    case O::kNumericNotEquals:
      return {Family::kNumeric, true};
    case O::kNumericLessThan:
      return {Family::kNumeric, false, Relation::kLess};
    case O::kNumericLessThanEquals:
      return {Family::kNumeric, false, Relation::kLessEqual};
    case O::kNumericGreaterThan:
      return {Family::kNumeric, false, Relation::kGreater};
    case O::kNumericGreaterThanEquals:
      return {Family::kNumeric, false, Relation::kGreaterEqual};
    case O::kDateEquals:
      return {Family::kDate};
    case O::kDateNotEquals:
      return {Family::kDate, true};
    case O::kDateLessThan:
      return {Family::kDate, false, Relation::kLess};
    case O::kDateLessThanEquals:
      return {Family::kDate, false, Relation::kLessEqual};
    case O::kDateGreaterThan:
      return {Family::kDate, false, Relation::kGreater};
    case O::kDateGreaterThanEquals:
      return {Family::kDate, false, Relation::kGreaterEqual};
    case O::kBool:
      return {Family::kBool};
    case O::kBinaryEquals:
      return {Family::kBinary};
    case O::kIpAddress:
      return {Family::kIp};
    case O::kNotIpAddress:
      return {Family::kIp, true};
    case O::kArnEquals:
    case O::kArnLike:
      return {Family::kArn};
    case O::kArnNotEquals:
    case O::kArnNotLike:
      return {Family::kArn, true};
    case O::kNull:
      return {Family::kNull};
  }
  return {};
}

// Families whose policy values are text, so they may hold policy variables.
bool IsTextual(Family family) {
  return family == Family::kString || family == Family::kStringIgnoreCase ||
         family == Family::kLike || family == Family::kArn;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// --- Value parsers: nullopt for anything malformed. ---

struct Number {
  bool integral = true;
  long long whole = 0;  // when integral
  double real = 0;      // always
};

std::optional<Number> ParseNumber(std::string_view text) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  Number n;
  if (auto [p, ec] = std::from_chars(begin, end, n.whole); ec == std::errc() && p == end) {
    n.real = static_cast<double>(n.whole);
    return n;
  }
  // A decimal, or an integer too large for long long: sign, digits, at most one '.'. Checking
  // the characters first keeps from_chars from accepting "inf", "nan" or exponents.
  std::string_view body = text.substr(!text.empty() && text.front() == '-' ? 1 : 0);
  const std::size_t dots = static_cast<std::size_t>(std::count(body.begin(), body.end(), '.'));
  if (body.empty() || dots > 1 || body == "." ||
      !std::all_of(body.begin(), body.end(), [](char c) { return IsDigit(c) || c == '.'; })) {
    return std::nullopt;
  }
  auto [p, ec] = std::from_chars(begin, end, n.real);
  if (ec != std::errc() || p != end || !std::isfinite(n.real)) return std::nullopt;
  n.integral = false;
  return n;
}

int Compare(const Number& a, const Number& b) {
  if (a.integral && b.integral) return (a.whole > b.whole) - (a.whole < b.whole);
  return (a.real > b.real) - (a.real < b.real);
}

// Two digits (or `count` digits) at text[pos]; -1 when they are not there.
int DigitsAt(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!IsDigit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::optional<std::int64_t> ParseEpoch(std::string_view text) {
  // Up to the year 9999; anything later is a typo rather than a date.
  constexpr double kMaxSeconds = 253402300799.0;
  auto number = ParseNumber(text);
  if (!number || text.front() == '-' || number->real > kMaxSeconds) return std::nullopt;
  if (number->integral) return number->whole * 1000;
  return static_cast<std::int64_t>(std::llround(number->real * 1000.0));
}

std::optional<bool> ParseBool(std::string_view text) {
  if (EqualsIgnoreCase(text, "true")) return true;
  if (EqualsIgnoreCase(text, "false")) return false;
  return std::nullopt;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  std::size_t padding = 0;
  while (!text.empty() && text.back() == '=' && padding < 2) {
    text.remove_suffix(1);
    ++padding;
  }
  if (text.empty() || text.size() % 4 == 1) return std::nullopt;
  auto sextet = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (IsDigit(c)) return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    int value = sextet(c);
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  // Leftover bits must be zero, so each byte string has one spelling ("aGVsbG8=", not "aGVsbG9=").
  if ((bits & ((1U << count) - 1)) != 0) return std::nullopt;
  return out;
}

struct Block {
  net::IpAddress base;
  int prefix = 0;
};

// "10.0.0.0/8", "2001:db8::/32" or a single address. Host bits below the prefix are ignored
// rather than refused: a policy saying "10.1.2.3/8" means the /8.
std::optional<Block> ParseBlock(std::string_view text) {
  const std::size_t slash = text.find('/');
  auto address = net::IpAddress::Parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  const int max = address->is_v4() ? 32 : 128;
  int prefix = max;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || prefix < 0 ||
        prefix > max) {
      return std::nullopt;
    }
  }
  return Block{*address, prefix};
}

bool Contains(const Block& block, const net::IpAddress& address) {
  if (address.family() != block.base.family()) return false;
  const auto& want = block.base.bytes();
  const auto& have = address.bytes();
  const int full = block.prefix / 8;
  if (!std::equal(want.begin(), want.begin() + full, have.begin())) return false;
  const int rest = block.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (want[full] & mask) == (have[full] & mask);
}

// Where the six parts of an ARN start ("arn", partition, service, region, account, resource;
// the resource may hold more colons), plus text.size() + 1 as an end marker. False when the
// text has fewer than five colons or does not start with "arn".
bool ArnBounds(std::string_view text, std::array<std::size_t, 7>& starts) {
  starts[0] = 0;
  std::size_t from = 0;
  for (std::size_t part = 1; part < 6; ++part) {
    std::size_t colon = text.find(':', from);
    if (colon == std::string_view::npos) return false;
    starts[part] = from = colon + 1;
  }
  starts[6] = text.size() + 1;
  return text.substr(0, 3) == "arn";
}

bool ArnMatches(const Resolved& pattern, std::string_view text) {
  std::array<std::size_t, 7> want{};
  std::array<std::size_t, 7> have{};
  if (!ArnBounds(pattern.text, want) || !ArnBounds(text, have)) return false;
  const std::string_view pattern_text = pattern.text;
  for (std::size_t part = 0; part < 6; ++part) {
    const std::size_t begin = want[part];
    const std::size_t length = want[part + 1] - 1 - begin;
    std::vector<bool> literal;
    if (!pattern.literal.empty()) {
      literal.assign(pattern.literal.begin() + static_cast<std::ptrdiff_t>(begin),
                     pattern.literal.begin() + static_cast<std::ptrdiff_t>(begin + length));
    }
    if (!WildcardMatch(pattern_text.substr(begin, length),
                       text.substr(have[part], have[part + 1] - 1 - have[part]), Case::kSensitive,
                       literal)) {
      return false;
    }
  }
  return true;
}

// --- Operands ---

// A value of the condition, or of the request, in the form its operator compares.
struct Value {
  std::string_view written;  // as in the policy or the request
  Resolved resolved;         // textual families: after policy variables
  Number number;
  std::int64_t millis = 0;
  bool flag = false;
  std::string bytes;
  Block block;
};

const char* KindOf(Family family, bool request) {
  switch (family) {
    case Family::kNumeric:
      return "a number";
    case Family::kDate:
      return "a date (ISO 8601 or epoch seconds)";
    case Family::kBool:
      return "true or false";
    case Family::kBinary:
      return "base64";
    case Family::kIp:
      return request ? "an IP address" : "an IP address or CIDR block";
    case Family::kArn:
      return "an ARN";
    default:
      return "text";
  }
}

// Parses `text` for `family`; false when it does not fit. Textual values are left to the
// caller, except that ARNs must have their six parts.
bool Parse(Family family, std::string_view text, bool request, Value& out) {
  out.written = text;
  switch (family) {
    case Family::kNumeric: {
      auto number = ParseNumber(text);
      if (number) out.number = *number;
      return number.has_value();
    }
    case Family::kDate: {
      auto millis = ParseConditionDate(text);
      if (millis) out.millis = *millis;
      return millis.has_value();
    }
    case Family::kBool: {
      auto flag = ParseBool(text);
      if (flag) out.flag = *flag;
      return flag.has_value();
    }
    case Family::kBinary: {
      auto bytes = DecodeBase64(text);
      if (bytes) out.bytes = std::move(*bytes);
      return bytes.has_value();
    }
    case Family::kIp: {
      if (request && text.find('/') != std::string_view::npos) return false;
      auto block = ParseBlock(text);
      if (block) out.block = *block;
      return block.has_value();
    }
    case Family::kArn: {
      std::array<std::size_t, 7> starts{};
      return ArnBounds(request ? text : std::string_view(out.resolved.text), starts);
    }
    default:
      return true;
  }
}

bool Holds(Relation relation, int order) {
  switch (relation) {
    case Relation::kEqual:
      return order == 0;
    case Relation::kLess:
      return order < 0;
    case Relation::kLessEqual:
      return order <= 0;
    case Relation::kGreater:
      return order > 0;
    case Relation::kGreaterEqual:
      return order >= 0;
  }
  return false;
}

// Whether request value `have` stands in the operator's (positive) relation to policy value
// `want`: equal, like, less than, inside the block...
bool Matches(const OperatorInfo& info, const Value& have, const Value& want) {
  switch (info.family) {
    case Family::kString:
      return have.written == want.resolved.text;
    case Family::kStringIgnoreCase:
      return EqualsIgnoreCase(have.written, want.resolved.text);
    case Family::kLike:
      return WildcardMatch(want.resolved.text, have.written, Case::kSensitive,
                           want.resolved.literal);
    case Family::kArn:
      return ArnMatches(want.resolved, have.written);
    case Family::kNumeric:
      return Holds(info.relation, Compare(have.number, want.number));
    case Family::kDate:
      return Holds(info.relation, (have.millis > want.millis) - (have.millis < want.millis));
    case Family::kBool:
      return have.flag == want.flag;
    case Family::kBinary:
      return have.bytes == want.bytes;
    case Family::kIp:
      return Contains(want.block, have.block.base);
    case Family::kNull:
      return false;
  }
  return false;
}

// --- Explanations ---

std::string Quote(std::string_view text) {
  constexpr std::size_t kMax = 100;
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += (c < 0x20 || c == 0x7F) ? '?' : text[i];
  }
  if (text.size() > kMax) out += "...";
  return out + "'";
}

std::string QuoteList(const std::vector<std::string>& values) {
  constexpr std::size_t kMax = 10;
  std::string out;
  for (std::size_t i = 0; i < values.size() && i < kMax; ++i) {
    out += (i == 0 ? "" : ", ") + Quote(values[i]);
  }
  if (values.size() > kMax) out += ", ... (" + std::to_string(values.size() - kMax) + " more)";
  return out;
}

std::string Show(Family family, const Value& value) {
  if (IsTextual(family)) {
    std::string out = Quote(value.resolved.text);
    if (value.resolved.substituted) out += " (from " + Quote(value.written) + ")";
    return out;
  }
  if (family == Family::kBool || family == Family::kBinary) return Quote(value.written);
  return std::string(value.written);  // parsed as a number, date or address: plain text
}

std::string Join(Family family, const std::vector<Value>& values, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += separator;
    out += Show(family, values[i]);
  }
  return out;
}

// What the policy asks of one request value: "'xyz'", "one of 'a', 'b'", "a number less than
// 3", "no match for 'dev-*'"...
std::string Wanted(const OperatorInfo& info, const std::vector<Value>& values) {
  const bool one = values.size() == 1;
  const Family family = info.family;
  auto relation_words = [&](bool date) -> std::string {
    switch (info.relation) {
      case Relation::kEqual:
        return info.negated ? "other than" : "equal to";
      case Relation::kLess:
        return date ? "before" : "less than";
      case Relation::kLessEqual:
        return date ? "at or before" : "at most";
      case Relation::kGreater:
        return date ? "after" : "greater than";
      case Relation::kGreaterEqual:
        return date ? "at or after" : "at least";
    }
    return {};
  };
  switch (family) {
    case Family::kString:
    case Family::kStringIgnoreCase: {
      std::string out =
          info.negated ? (one ? "anything but " : "none of ") : std::string(one ? "" : "one of ");
      out += Join(family, values, ", ");
      return family == Family::kStringIgnoreCase ? out + " (ignoring case)" : out;
    }
    case Family::kLike:
    case Family::kArn:
      return std::string(info.negated ? "no match for " : "a match for ") +
             (one            ? ""
              : info.negated ? "any of "
                             : "one of ") +
             Join(family, values, ", ");
    case Family::kNumeric:
      return "a number " + relation_words(false) + " " +
             Join(family, values, info.negated ? ", " : " or ");
    case Family::kDate:
      return "a time " + relation_words(true) + " " +
             Join(family, values, info.negated ? ", " : " or ");
    case Family::kBool:
      return Join(family, values, " or ");
    case Family::kBinary:
      return "the bytes of " + Join(family, values, " or ");
    case Family::kIp:
      return std::string(info.negated ? "an address outside " : "an address in ") +
             Join(family, values, info.negated ? " and " : " or ");
    case Family::kNull:
      break;
  }
  return {};
}

ConditionVerdict Fail(const Condition& condition, const std::string& detail) {
  return {false,
          "condition " + condition.key + " " + condition.operator_text + " failed: " + detail};
}

ConditionVerdict EvaluateNull(const Condition& condition, const std::vector<std::string>* present) {
  bool absent_ok = false;
  bool present_ok = false;
  for (const std::string& value : condition.values) {
    auto flag = ParseBool(value);
    if (!flag) return Fail(condition, "policy value " + Quote(value) + " is not true or false");
    (*flag ? absent_ok : present_ok) = true;
  }
  if (present ? present_ok : absent_ok) return {};
  return Fail(condition, present ? "policy wants " + condition.key +
                                       " to be absent, but the request has " + QuoteList(*present)
                                 : "policy wants " + condition.key +
                                       " to be present, but the request has none");
}

}  // namespace

std::optional<std::int64_t> ParseConditionDate(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.size() < 10 || text[4] != '-') return ParseEpoch(text);
  const int year = DigitsAt(text, 0, 4);
  const int month = DigitsAt(text, 5, 2);
  const int day = DigitsAt(text, 8, 2);
  if (year < 0 || month < 0 || day < 0 || text[7] != '-') return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  std::int64_t millis =
      static_cast<std::int64_t>(std::chrono::sys_days(date).time_since_epoch().count()) * 86400000;
  std::size_t pos = 10;
  if (pos == text.size()) return millis;
  if (text[pos] != 'T' && text[pos] != 't') return std::nullopt;
  const int hours = DigitsAt(text, pos + 1, 2);
  const int minutes = DigitsAt(text, pos + 4, 2);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || text[pos + 3] != ':') {
    return std::nullopt;
  }
  millis += (hours * 3600LL + minutes * 60LL) * 1000;
  pos += 6;
  if (pos < text.size() && text[pos] == ':') {
    const int seconds = DigitsAt(text, pos + 1, 2);
    if (seconds < 0 || seconds > 59) return std::nullopt;
    millis += seconds * 1000LL;
    pos += 3;
    if (pos < text.size() && text[pos] == '.') {
      std::size_t digits = 0;
      int fraction = 0;
      for (++pos; pos < text.size() && IsDigit(text[pos]); ++pos, ++digits) {
        if (digits < 3) fraction = fraction * 10 + (text[pos] - '0');
      }
      if (digits == 0) return std::nullopt;
      for (std::size_t i = digits; i < 3; ++i) fraction *= 10;
      millis += fraction;
    }
  }
  if (pos == text.size()) return millis;  // no zone: UTC
  if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) return millis;
  if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
  const int sign = text[pos] == '+' ? 1 : -1;
  const int offset_hours = DigitsAt(text, pos + 1, 2);
  std::size_t rest = pos + 3;
  int offset_minutes = 0;
  if (rest < text.size()) {
    if (text[rest] == ':') ++rest;
    offset_minutes = DigitsAt(text, rest, 2);
    rest += 2;
  }
  if (offset_hours < 0 || offset_hours > 23 || offset_minutes < 0 || offset_minutes > 59 ||
      rest != text.size()) {
    return std::nullopt;
  }
  return millis - sign * (offset_hours * 3600LL + offset_minutes * 60LL) * 1000;
}

ConditionVerdict EvaluateCondition(const Condition& condition, const ConditionContext& context,
                                   bool policy_variables) {
  const OperatorInfo info = Info(condition.op);
  const std::vector<std::string>* present = context.Find(condition.key);
  if (info.family == Family::kNull) return EvaluateNull(condition, present);
  if (present == nullptr) {
    if (condition.if_exists || condition.qualifier == SetQualifier::kForAllValues) return {};
    if (info.negated && condition.qualifier == SetQualifier::kNone) return {};
    return Fail(condition, "the request has no " + condition.key);
  }

  std::vector<Value> wanted(condition.values.size());
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const std::string& written = condition.values[i];
    Value& value = wanted[i];
    if (IsTextual(info.family)) {
      if (policy_variables) {
        value.resolved = ResolveVariables(written, context);
      } else {
        value.resolved.text = written;
      }
      if (!value.resolved.unresolved.empty()) {
        return Fail(condition, "policy variable " + value.resolved.unresolved +
                                   " has no value in this request");
      }
    }
    if (!Parse(info.family, written, false, value)) {
      return Fail(condition, "policy value " +
                                 Quote(IsTextual(info.family) ? value.resolved.text : written) +
                                 " is not " + KindOf(info.family, false));
    }
  }

  // For each request value: does it match one of the policy's values (in the positive sense)?
  std::vector<bool> matched;
  matched.reserve(present->size());
  for (const std::string& text : *present) {
    Value have;
    if (!Parse(info.family, text, true, have)) {
      return Fail(condition,
                  "request value " + Quote(text) + " is not " + KindOf(info.family, true));
    }
    matched.push_back(std::any_of(wanted.begin(), wanted.end(),
                                  [&](const Value& want) { return Matches(info, have, want); }));
  }
  auto passes = [&](bool match) { return info.negated ? !match : match; };
  bool holds = false;
  switch (condition.qualifier) {
    case SetQualifier::kNone:
      holds = passes(std::find(matched.begin(), matched.end(), true) != matched.end());
      break;
    case SetQualifier::kForAnyValue:
      holds = std::any_of(matched.begin(), matched.end(), passes);
      break;
    case SetQualifier::kForAllValues:
      holds = std::all_of(matched.begin(), matched.end(), passes);
      break;
  }
  if (holds) return {};
  const char* quantifier =
      condition.qualifier == SetQualifier::kForAnyValue    ? "at least one value to be "
      : condition.qualifier == SetQualifier::kForAllValues ? "every value to be "
                                                           : "";
  return Fail(condition, "request has " + QuoteList(*present) + ", policy wants " + quantifier +
                             Wanted(info, wanted));
}

ConditionVerdict EvaluateConditions(const std::vector<Condition>& conditions,
                                    const ConditionContext& context, bool policy_variables) {
  for (const Condition& condition : conditions) {
    ConditionVerdict verdict = EvaluateCondition(condition, context, policy_variables);
    if (!verdict.holds) return verdict;
  }
  return {};
}

}  // namespace imdsd::policy
