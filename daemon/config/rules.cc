#include "config/rules.h"

#include <algorithm>
#include <cstdio>

namespace imdsd::config {
namespace {

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsAlnum(char c) { return IsDigit(c) || IsLower(c) || (c >= 'A' && c <= 'Z'); }

bool AllOf(std::string_view s, bool (*pred)(char)) { return std::all_of(s.begin(), s.end(), pred); }

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (IsDigit(c)) return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

bool IsEc2Id(std::string_view text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  std::string_view hex = text.substr(prefix.size());
  return (hex.size() == 8 || hex.size() == 17) && AllOf(hex, IsLowerHex);
}

bool IsAccountId(std::string_view text) { return text.size() == 12 && AllOf(text, IsDigit); }

bool IsInstanceName(std::string_view text) {
  return !text.empty() && text.size() <= 64 &&
         AllOf(text, [](char c) { return IsAlnum(c) || c == '.' || c == '_' || c == '-'; });
}

bool IsRegionName(std::string_view text) {
  // Split on '-': at least three parts, first two letters, middle words, last a number.
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dash = text.find('-', start);
    parts.push_back(text.substr(start, dash - start));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  if (parts.size() < 3 || parts.front().size() != 2 || !AllOf(parts.front(), IsLower)) {
    return false;
  }
  for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
    if (parts[i].empty() || !AllOf(parts[i], IsLower)) return false;
  }
  return !parts.back().empty() && parts.back().size() <= 3 && AllOf(parts.back(), IsDigit);
}

bool IsInstanceType(std::string_view text) {
  std::size_t dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size()) return false;
  std::string_view family = text.substr(0, dot);
  std::string_view size = text.substr(dot + 1);
  return IsLower(family[0]) &&
         AllOf(family, [](char c) { return IsLower(c) || IsDigit(c) || c == '-'; }) &&
         AllOf(size, [](char c) { return IsLower(c) || IsDigit(c); });
}

bool IsAvailabilityZoneId(std::string_view text) {
  std::size_t az = text.find("-az");
  if (az == std::string_view::npos || az == 0) return false;
  std::string_view code = text.substr(0, az);
  std::string_view number = text.substr(az + 3);
  return AllOf(code, [](char c) { return IsLower(c) || IsDigit(c); }) && !number.empty() &&
         AllOf(number, IsDigit);
}

bool IsMacAddress(std::string_view text) {
  if (text.size() != 17) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i % 3 == 2 ? text[i] != ':' : !IsLowerHex(text[i])) return false;
  }
  return true;
}

bool IsBlockDeviceName(std::string_view text) {
  if (text == "ami" || text == "root" || text == "swap") return true;
  for (std::string_view prefix : {"ebs", "ephemeral"}) {
    if (text.substr(0, prefix.size()) == prefix) {
      std::string_view number = text.substr(prefix.size());
      return !number.empty() && number.size() <= 3 && AllOf(number, IsDigit);
    }
  }
  return false;
}

std::string TagKeyProblem(std::string_view key) {
  if (key.empty()) return "a tag key cannot be empty";
  if (key.size() > 128) return "a tag key has at most 128 characters";
  if (key == "." || key == ".." || key == "_index") {
    return "\".\", \"..\" and \"_index\" cannot be tag keys";
  }
  for (char c : key) {
    if (!IsAlnum(c) && std::string_view("+-=.,_:@").find(c) == std::string_view::npos) {
      return "tag keys may only use a-z A-Z 0-9 + - = . , _ : @";
    }
  }
  return "";
}

bool IsIamPolicyName(std::string_view text) {
  return !text.empty() && text.size() <= 128 && AllOf(text, [](char c) {
    return IsAlnum(c) || std::string_view("+=,.@_-").find(c) != std::string_view::npos;
  });
}

bool IsAccountAlias(std::string_view text) {
  if (text.size() < 3 || text.size() > 63) return false;
  if (text.front() == '-' || text.back() == '-' || text.find("--") != std::string_view::npos) {
    return false;
  }
  return AllOf(text, [](char c) { return IsLower(c) || IsDigit(c) || c == '-'; }) &&
         !AllOf(text, IsDigit);
}

namespace {

bool IsIamTagChar(char c) {
  return IsAlnum(c) || std::string_view(" _.:/=+-@").find(c) != std::string_view::npos;
}

bool IsUpperOrDigit(char c) { return IsDigit(c) || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::string IamTagKeyProblem(std::string_view key) {
  if (key.empty()) return "a tag key cannot be empty";
  if (key.size() > 128) return "a tag key has at most 128 characters";
  if (key.size() >= 4 && (key.substr(0, 4) == "aws:" || key.substr(0, 4) == "AWS:")) {
    return "tag keys starting with \"aws:\" are reserved for AWS";
  }
  if (!AllOf(key, IsIamTagChar)) {
    return "tag keys may only use letters, digits, spaces and _ . : / = + - @";
  }
  return "";
}

std::string IamTagValueProblem(std::string_view value) {
  if (value.size() > 256) return "a tag value has at most 256 characters";
  if (!AllOf(value, IsIamTagChar)) {
    return "tag values may only use letters, digits, spaces and _ . : / = + - @";
  }
  return "";
}

bool IsLongTermAccessKeyId(std::string_view text) {
  return text.size() == 20 && text.substr(0, 4) == "AKIA" && AllOf(text.substr(4), IsUpperOrDigit);
}

bool IsIamUniqueId(std::string_view text, std::string_view prefix) {
  return text.size() == prefix.size() + 17 && text.substr(0, prefix.size()) == prefix &&
         AllOf(text.substr(prefix.size()), IsUpperOrDigit);
}

bool IsSecretAccessKey(std::string_view text) {
  return text.size() == 40 && AllOf(text, [](char c) { return Base64Value(c) >= 0; });
}

bool IsEnvVarName(std::string_view text) {
  return !text.empty() && !IsDigit(text.front()) &&
         AllOf(text, [](char c) { return IsAlnum(c) || c == '_'; });
}

std::optional<std::string> DecodeBase32Seed(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  bool padding = false;
  for (char c : text) {
    if (c == ' ') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    if (padding) return std::nullopt;  // data after padding
    int value = -1;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    if (c >= 'a' && c <= 'z') value = c - 'a';
    if (c >= '2' && c <= '7') value = c - '2' + 26;
    if (value < 0) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  // Authenticator apps ignore leftover bits; so do we, but a whole unused character (5 or more
  // bits) means the text was cut short.
  if (bits >= 5) return std::nullopt;
  return out;
}

bool IsThumbprint(std::string_view text) {
  return text.size() == 40 &&
         AllOf(text, [](char c) { return IsLowerHex(c) || (c >= 'A' && c <= 'F'); });
}

std::string OidcUrlProblem(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() > 255) return "is longer than 255 characters";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return "does not start with https:// (IAM accepts only https issuers)";
  }
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return "has a query or fragment; an issuer URL is https://host or https://host/path";
  }
  const std::size_t slash = rest.find('/');
  std::string_view host = rest.substr(0, slash);
  if (host.find('@') != std::string_view::npos) return "names a user; give only https://host/path";
  if (host.find(':') != std::string_view::npos) {
    return "has a port; IAM provider URLs carry none (the issuer must be served on 443)";
  }
  if (host.empty() || host.front() == '.' || host.back() == '.' || host.front() == '-' ||
      !AllOf(host, [](char c) { return IsLower(c) || IsDigit(c) || c == '-' || c == '.'; })) {
    return "does not have a host name (lower-case letters, digits, - and .) after https://";
  }
  if (slash == std::string_view::npos) return "";
  std::string_view path = rest.substr(slash);
  if (path.back() == '/')
    return "ends with '/'; write the issuer without it, as tokens' iss has it";
  if (path.find("//") != std::string_view::npos) return "has an empty path segment (\"//\")";
  if (!AllOf(path, [](char c) { return c > ' ' && c < 0x7f && c != '\\'; })) {
    return "has a space or a character outside printable ASCII in its path";
  }
  return "";
}

std::optional<GlobalArn> ParseGlobalArn(std::string_view text) {
  // arn : partition : service : (empty region) : account : resource
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (parts.size() < 5) {
    const std::size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  std::string_view resource = text.substr(start);
  if (parts[0] != "arn" || parts[1].empty() || parts[2].empty() || !parts[3].empty() ||
      !IsAccountId(parts[4]) || resource.empty()) {
    return std::nullopt;
  }
  return GlobalArn{std::string(parts[1]), std::string(parts[2]), std::string(parts[4]),
                   std::string(resource)};
}

std::optional<std::string> AccountOfPrincipal(std::string_view principal) {
  if (IsAccountId(principal)) return std::string(principal);
  auto arn = ParseGlobalArn(principal);
  if (!arn || (arn->service != "iam" && arn->service != "sts")) return std::nullopt;
  return arn->account;
}

std::optional<std::chrono::seconds> ParseDuration(std::string_view text) {
  constexpr std::size_t kMaxDigits = 9;  // keeps every sum far inside 64 bits
  if (!text.empty() && text.size() <= kMaxDigits && AllOf(text, IsDigit)) {
    return std::chrono::seconds(std::stoll(std::string(text)));
  }
  constexpr std::string_view kUnits = "hms";
  constexpr long long kUnitSeconds[] = {3600, 60, 1};
  long long total = 0;
  std::size_t next_unit = 0;  // units must come in the order h, m, s
  std::size_t i = 0;
  if (text.empty()) return std::nullopt;
  while (i < text.size()) {
    std::size_t digits = 0;
    while (i + digits < text.size() && IsDigit(text[i + digits])) ++digits;
    if (digits == 0 || digits > kMaxDigits || i + digits == text.size()) return std::nullopt;
    const std::size_t unit = kUnits.find(text[i + digits], next_unit);
    if (unit == std::string_view::npos) return std::nullopt;
    total += std::stoll(std::string(text.substr(i, digits))) * kUnitSeconds[unit];
    next_unit = unit + 1;
    i += digits + 1;
  }
  return std::chrono::seconds(total);
}

std::string FormatDuration(std::chrono::seconds duration) {
  long long left = duration.count();
  if (left <= 0) return std::to_string(left) + "s";
  std::string out;
  if (left >= 3600) out += std::to_string(left / 3600) + "h";
  if (left % 3600 >= 60) out += std::to_string(left % 3600 / 60) + "m";
  if (left % 60 != 0) out += std::to_string(left % 60) + "s";
  return out;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  int padding = 0;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int value = Base64Value(c);
    if (value < 0 || padding > 0) return std::nullopt;  // data after padding is malformed too
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero padding of a 2- or 3-character final group.
  if (padding > 2 || bits >= 6 || (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      int above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> ClosestWithin2(std::string_view word,
                                          const std::vector<std::string_view>& candidates) {
  std::optional<std::string> best;
  int best_distance = 3;
  for (std::string_view candidate : candidates) {
    int distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(candidate);
    }
  }
  return best;
}

std::string Quote(std::string_view text) {
  constexpr std::size_t kMax = 60;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMax) out += "...";
  return out + "\"";
}

}  // namespace imdsd::config
