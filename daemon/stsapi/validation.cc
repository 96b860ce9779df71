#include "stsapi/validation.h"

#include <cstdint>
#include <limits>

namespace imdsd::stsapi {
namespace {

constexpr char32_t kInvalid = 0x110000;  // stands for a byte that is not valid UTF-8

// Decodes the code point at `utf8[i]` and advances `i`; malformed or overlong sequences and
// surrogates yield kInvalid and consume one byte.
char32_t NextCodePoint(std::string_view utf8, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(utf8[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    ++i;
    return kInvalid;
  }
  if (i + len > utf8.size()) {
    ++i;
    return kInvalid;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(utf8[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kInvalid;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kInvalid;
  }
  i += len;
  return cp;
}

bool IsWordChar(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool IsOneOf(char32_t c, std::string_view set) {
  return c < 0x80 && set.find(static_cast<char>(c)) != std::string_view::npos;
}

// \p{L}, \p{Z} or \p{N}, approximated as the header describes.
bool IsLetterSpaceOrNumber(char32_t c) {
  if (c < 0x80) return (IsWordChar(c) && c != '_') || c == ' ';
  if (c < 0xA0) return false;  // C1 controls
  if (c <= 0xFF) {
    switch (c) {
      case 0xA0:
      case 0xAA:
      case 0xB2:
      case 0xB3:
      case 0xB5:
      case 0xB9:
      case 0xBA:
      case 0xBC:
      case 0xBD:
      case 0xBE:
        return true;
      case 0xD7:
      case 0xF7:
        return false;
      default:
        return c >= 0xC0;
    }
  }
  if (c >= 0x2000 && c <= 0x206F) {
    return c <= 0x200A || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F;
  }
  struct Range {
    char32_t first, last;
  };
  // Blocks made of marks, punctuation, symbols, controls or private use.
  static constexpr Range kExcluded[] = {
      {0x02C2, 0x02C5}, {0x02D2, 0x02DF}, {0x0300, 0x036F},   {0x0483, 0x0489},
      {0x20A0, 0x20FF}, {0x2190, 0x245F}, {0x2500, 0x2BFF},   {0x2E00, 0x2E7F},
      {0x3001, 0x3004}, {0x3008, 0x3020}, {0xD800, 0xF8FF},   {0xFE00, 0xFE0F},
      {0xFE10, 0xFE6F}, {0xFF01, 0xFF0F}, {0xFF1A, 0xFF20},   {0xFF3B, 0xFF40},
      {0xFF5B, 0xFF65}, {0xFFF0, 0xFFFF}, {0x1F000, 0x1FAFF}, {0xE0000, 0x10FFFF}};
  for (const Range& r : kExcluded) {
    if (c >= r.first && c <= r.last) return false;
  }
  return c != kInvalid;
}

bool CharMatches(Pattern pattern, char32_t c) {
  switch (pattern) {
    case Pattern::kNone:
      return true;
    case Pattern::kArn:
      return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) || c == 0x85 ||
             (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
    case Pattern::kName:
      return IsWordChar(c) || IsOneOf(c, "+=,.@-");
    case Pattern::kExternalId:
      return IsWordChar(c) || IsOneOf(c, "+=,.@:/-");
    case Pattern::kSerialNumber:
      return IsWordChar(c) || IsOneOf(c, "+=/:,.@-");
    case Pattern::kDigits:
      return c >= '0' && c <= '9';
    case Pattern::kPolicy:
      return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0xFF);
    case Pattern::kTagKey:
    case Pattern::kTagValue:
      return IsLetterSpaceOrNumber(c) || IsOneOf(c, "_.:/=+-@");
    case Pattern::kWord:
      return IsWordChar(c);
  }
  return false;
}

bool NeedsOneChar(Pattern pattern) {
  return pattern == Pattern::kArn || pattern == Pattern::kPolicy || pattern == Pattern::kTagKey;
}

}  // namespace

std::string_view PatternText(Pattern pattern) {
  switch (pattern) {
    case Pattern::kNone:
      return "";
    case Pattern::kArn:
      return R"([\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+)";
    case Pattern::kName:
      return R"([\w+=,.@-]*)";
    case Pattern::kExternalId:
      return R"([\w+=,.@:\/-]*)";
    case Pattern::kSerialNumber:
      return R"([\w+=/:,.@-]*)";
    case Pattern::kDigits:
      return R"([\d]*)";
    case Pattern::kPolicy:
      return R"([\u0009\u000A\u000D\u0020-\u00FF]+)";
    case Pattern::kTagKey:
      return R"([\p{L}\p{Z}\p{N}_.:/=+\-@]+)";
    case Pattern::kTagValue:
      return R"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)";
    case Pattern::kWord:
      return R"([\w]*)";
  }
  return "";
}

bool MatchesPattern(Pattern pattern, std::string_view utf8) {
  if (pattern == Pattern::kNone) return true;
  if (utf8.empty()) return !NeedsOneChar(pattern);
  for (std::size_t i = 0; i < utf8.size();) {
    if (!CharMatches(pattern, NextCodePoint(utf8, i))) return false;
  }
  return true;
}

std::size_t CodePointCount(std::string_view utf8) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < utf8.size(); ++count) NextCodePoint(utf8, i);
  return count;
}

void Violations::Add(std::string_view member, std::optional<std::string_view> value,
                     std::string rule) {
  std::string clause = "Value ";
  if (value) {
    clause += '\'';
    clause += *value;
    clause += '\'';
  } else {
    clause += "null";
  }
  clause += " at '";
  clause += member;
  clause += "' failed to satisfy constraint: Member must ";
  clause += rule;
  clauses_.push_back(std::move(clause));
}

void Violations::Null(std::string_view member) { Add(member, std::nullopt, "not be null"); }

void Violations::CheckString(std::string_view member, std::string_view value,
                             const StringConstraint& c, std::optional<std::string_view> shown) {
  const std::string_view printed = shown.value_or(value);
  if (!MatchesPattern(c.pattern, value)) {
    Add(member, printed,
        "satisfy regular expression pattern: " + std::string(PatternText(c.pattern)));
  }
  const std::size_t length = CodePointCount(value);
  if (length < c.min) {
    Add(member, printed, "have length greater than or equal to " + std::to_string(c.min));
  }
  if (c.max && length > *c.max) {
    Add(member, printed, "have length less than or equal to " + std::to_string(*c.max));
  }
}

void Violations::CheckRequired(std::string_view member, const std::optional<std::string>& value,
                               const StringConstraint& c) {
  if (!value) {
    Null(member);
  } else {
    CheckString(member, *value, c);
  }
}

void Violations::CheckOptional(std::string_view member, const std::optional<std::string>& value,
                               const StringConstraint& c) {
  if (value) CheckString(member, *value, c);
}

void Violations::CheckRange(std::string_view member, long long value, long long min,
                            long long max) {
  const std::string text = std::to_string(value);
  if (value < min) {
    Add(member, text, "have value greater than or equal to " + std::to_string(min));
  } else if (value > max) {
    Add(member, text, "have value less than or equal to " + std::to_string(max));
  }
}

void Violations::CheckListSize(std::string_view member, std::string_view rendered, std::size_t size,
                               std::size_t max) {
  if (size > max) {
    Add(member, rendered, "have length less than or equal to " + std::to_string(max));
  }
}

std::optional<StsError> Violations::ToError() const {
  if (clauses_.empty()) return std::nullopt;
  std::string message = std::to_string(clauses_.size());
  message +=
      clauses_.size() == 1 ? " validation error detected: " : " validation errors detected: ";
  for (std::size_t i = 0; i < clauses_.size(); ++i) {
    if (i > 0) message += "; ";
    message += clauses_[i];
  }
  return ValidationError(std::move(message));
}

Outcome<std::optional<int>> ParseOptionalInt(const QueryParams& params, std::string_view name) {
  const std::optional<std::string_view> raw = params.Find(name);
  if (!raw) return std::optional<int>();
  std::string_view digits = *raw;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return MalformedIntegerError(*raw);
  std::int64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return MalformedIntegerError(*raw);
    value = value * 10 + (c - '0');
    if (value > std::int64_t{std::numeric_limits<int>::max()} + 1) {
      return MalformedIntegerError(*raw);
    }
  }
  if (negative) value = -value;
  if (value > std::numeric_limits<int>::max() || value < std::numeric_limits<int>::min()) {
    return MalformedIntegerError(*raw);
  }
  return std::optional<int>(static_cast<int>(value));
}

}  // namespace imdsd::stsapi
