#include "policy/policy.h"

#include <array>
#include <cstdio>
#include <utility>

namespace imdsd::policy {
namespace {

constexpr std::array<std::pair<ConditionOperator, std::string_view>, 27> kOperatorNames = {{
    {ConditionOperator::kStringEquals, "StringEquals"},
    {ConditionOperator::kStringNotEquals, "StringNotEquals"},
    {ConditionOperator::kStringEqualsIgnoreCase, "StringEqualsIgnoreCase"},
    {ConditionOperator::kStringNotEqualsIgnoreCase, "StringNotEqualsIgnoreCase"},
    {ConditionOperator::kStringLike, "StringLike"},
    {ConditionOperator::kStringNotLike, "StringNotLike"},
    {ConditionOperator::kNumericEquals, "NumericEquals"},
    {ConditionOperator::kNumericNotEquals, "NumericNotEquals"},
    {ConditionOperator::kNumericLessThan, "NumericLessThan"},
    {ConditionOperator::kNumericLessThanEquals, "NumericLessThanEquals"},
    {ConditionOperator::kNumericGreaterThan, "NumericGreaterThan"},
    {ConditionOperator::kNumericGreaterThanEquals, "NumericGreaterThanEquals"},
    {ConditionOperator::kDateEquals, "DateEquals"},
    {ConditionOperator::kDateNotEquals, "DateNotEquals"},
    {ConditionOperator::kDateLessThan, "DateLessThan"},
    {ConditionOperator::kDateLessThanEquals, "DateLessThanEquals"},
    {ConditionOperator::kDateGreaterThan, "DateGreaterThan"},
    {ConditionOperator::kDateGreaterThanEquals, "DateGreaterThanEquals"},
    {ConditionOperator::kBool, "Bool"},
    {ConditionOperator::kBinaryEquals, "BinaryEquals"},
    {ConditionOperator::kIpAddress, "IpAddress"},
    {ConditionOperator::kNotIpAddress, "NotIpAddress"},
    {ConditionOperator::kArnEquals, "ArnEquals"},
    {ConditionOperator::kArnLike, "ArnLike"},
    {ConditionOperator::kArnNotEquals, "ArnNotEquals"},
    {ConditionOperator::kArnNotLike, "ArnNotLike"},
    {ConditionOperator::kNull, "Null"},
}};

}  // namespace

std::string_view PrincipalKindName(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::kAws:
      return "AWS";
    case PrincipalKind::kService:
      return "Service";
    case PrincipalKind::kFederated:
      return "Federated";
    case PrincipalKind::kCanonicalUser:
      return "CanonicalUser";
  }
  return "AWS";
}

std::string_view ConditionOperatorName(ConditionOperator op) {
  for (const auto& [value, name] : kOperatorNames) {
    if (value == op) return name;
  }
  return "StringEquals";
}

std::optional<ConditionOperator> ConditionOperatorFromName(std::string_view name) {
  for (const auto& [value, known] : kOperatorNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace imdsd::policy
