#include "policy/variables.h"

#include <optional>

namespace imdsd::policy {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// The value of the variable written as `inner` (between "${" and "}"), or nullopt.
std::optional<std::string> Lookup(std::string_view inner, const ConditionContext& context) {
  if (inner == "*" || inner == "?" || inner == "$") return std::string(inner);
  std::string_view name = inner;
  std::optional<std::string_view> fallback;
  if (std::size_t comma = inner.find(','); comma != std::string_view::npos) {
    name = inner.substr(0, comma);
    std::string_view rest = Trim(inner.substr(comma + 1));
    if (rest.size() < 2 || rest.front() != '\'' || rest.back() != '\'') return std::nullopt;
    fallback = rest.substr(1, rest.size() - 2);
  }
  if (auto value = context.Single(Trim(name))) return std::string(*value);
  if (fallback) return std::string(*fallback);
  return std::nullopt;
}

}  // namespace

Resolved ResolveVariables(std::string_view written, const ConditionContext& context) {
  Resolved out;
  if (written.find("${") == std::string_view::npos) {
    out.text = std::string(written);
    return out;
  }
  out.substituted = true;
  std::size_t pos = 0;
  while (pos < written.size()) {
    std::size_t open = written.find("${", pos);
    std::size_t close =
        open == std::string_view::npos ? std::string_view::npos : written.find('}', open + 2);
    if (close == std::string_view::npos) {  // no (complete) variable left: the rest is text
      out.text.append(written.substr(pos));
      out.literal.resize(out.text.size(), false);
      break;
    }
    out.text.append(written.substr(pos, open - pos));
    out.literal.resize(out.text.size(), false);
    std::string_view inner = written.substr(open + 2, close - open - 2);
    std::optional<std::string> value = Lookup(inner, context);
    if (!value) {
      out.unresolved = std::string(written.substr(open, close - open + 1));
      return out;
    }
    out.text += *value;
    out.literal.resize(out.text.size(), true);
    pos = close + 1;
  }
  return out;
}

}  // namespace imdsd::policy
