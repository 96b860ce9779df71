#pragma once
// Query-protocol parameters: decoding form bodies and query strings, looking parameters up the
// way STS does, and reading numbered list members.
//
// Rules (observed on live STS unless marked): a repeated parameter counts with its FIRST value;
// unknown parameters are ignored; names are case-sensitive. Lists are `Name.member.N` (N from
// 1); a list ends at the first missing index, so members after a gap are ignored (the rule of
// SDK-side query deserializers and other emulators; what STS does is unconfirmed).
// Pure functions and plain values; thread-compatible.

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imdsd::stsapi {

using Param = std::pair<std::string, std::string>;

// Percent-decodes `text`. With `plus_is_space` (forms), '+' becomes ' '. A '%' not followed by
// two hex digits is kept literally, as lenient servers do.
std::string PercentDecode(std::string_view text, bool plus_is_space);
// RFC 3986 encoding of everything but unreserved characters (A-Z a-z 0-9 - _ . ~).
std::string PercentEncode(std::string_view text);

// Splits an application/x-www-form-urlencoded body (or a raw query string) into decoded pairs
// in order. Empty components ("a=1&&b=2") are skipped; "name" without '=' has an empty value.
std::vector<Param> ParseFormUrlEncoded(std::string_view text);
// Re-encodes pairs as a query string (for redirect locations).
std::string EncodeQuery(const std::vector<Param>& params);

// True for "application/x-www-form-urlencoded", with or without parameters such as charset;
// the media type is compared case-insensitively.
bool IsFormContentType(std::string_view content_type);

class QueryParams {
 public:
  QueryParams() = default;
  explicit QueryParams(std::vector<Param> params) : params_(std::move(params)) {}
  QueryParams(std::initializer_list<Param> params) : params_(params) {}

  // The first value of `name`, or nullopt.
  std::optional<std::string_view> Find(std::string_view name) const;
  // The first value of `name` as an owned string.
  std::optional<std::string> Get(std::string_view name) const;

  // List `prefix`.member.1, .2, ... up to the first gap: the first value of each.
  std::vector<std::string> List(std::string_view prefix) const;
  // Structure list: for each index 1, 2, ... while any `prefix`.member.N.<field> exists, the
  // first value of each of `fields` (nullopt when that field is missing).
  std::vector<std::vector<std::optional<std::string>>> StructList(
      std::string_view prefix, const std::vector<std::string_view>& fields) const;

  const std::vector<Param>& all() const { return params_; }

 private:
  std::vector<Param> params_;
};

}  // namespace imdsd::stsapi
