#include "stsapi/query.h"

#include <strings.h>

namespace imdsd::stsapi {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string MemberName(std::string_view prefix, std::size_t index) {
  std::string name(prefix);
  name += ".member.";
  name += std::to_string(index);
  return name;
}

}  // namespace

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (IsUnreserved(byte)) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

std::vector<Param> ParseFormUrlEncoded(std::string_view text) {
  std::vector<Param> params;
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    const std::string_view part = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (part.empty()) continue;
    const std::size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      params.emplace_back(PercentDecode(part, true), std::string());
    } else {
      params.emplace_back(PercentDecode(part.substr(0, eq), true),
                          PercentDecode(part.substr(eq + 1), true));
    }
  }
  return params;
}

std::string EncodeQuery(const std::vector<Param>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += PercentEncode(name);
    out += '=';
    out += PercentEncode(value);
  }
  return out;
}

bool IsFormContentType(std::string_view content_type) {
  constexpr std::string_view kForm = "application/x-www-form-urlencoded";
  const std::string_view media = Trim(content_type.substr(0, content_type.find(';')));
  return media.size() == kForm.size() && strncasecmp(media.data(), kForm.data(), kForm.size()) == 0;
}

std::optional<std::string_view> QueryParams::Find(std::string_view name) const {
  for (const auto& [key, value] : params_) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string> QueryParams::Get(std::string_view name) const {
  auto value = Find(name);
  if (!value) return std::nullopt;
  return std::string(*value);
}

std::vector<std::string> QueryParams::List(std::string_view prefix) const {
  std::vector<std::string> out;
  for (std::size_t i = 1;; ++i) {
    auto value = Find(MemberName(prefix, i));
    if (!value) break;
    out.emplace_back(*value);
  }
  return out;
}

std::vector<std::vector<std::optional<std::string>>> QueryParams::StructList(
    std::string_view prefix, const std::vector<std::string_view>& fields) const {
  std::vector<std::vector<std::optional<std::string>>> out;
  for (std::size_t i = 1;; ++i) {
    const std::string member = MemberName(prefix, i) + ".";
    std::vector<std::optional<std::string>> item;
    bool any = false;
    for (const std::string_view field : fields) {
      item.push_back(Get(member + std::string(field)));
      any = any || item.back().has_value();
    }
    if (!any) break;
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace imdsd::stsapi
