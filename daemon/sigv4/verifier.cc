#include "sigv4/verifier.h"

#include <algorithm>
#include <array>

#include "crypto/digest.h"
#include "crypto/hmac_key.h"
#include "sigv4/split.h"

namespace imdsd::sigv4 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";
constexpr long long kMaxPresignSeconds = 604800;  // 7 days, the SigV4 ceiling

// What a request claims about its own signature, whichever form it used.
struct AuthParams {
  bool presigned = false;
  std::string credential;
  std::string signed_headers;
  std::string signature;
  std::string amz_date;
  std::optional<std::string> session_token;
  std::optional<std::string> expires;  // presigned only
};

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

bool NameIs(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// The first header named `lower_name`, raw.
const Header* FindHeader(std::span<const Header> headers, std::string_view lower_name) {
  for (const Header& header : headers) {
    if (NameIs(header.name, lower_name)) return &header;
  }
  return nullptr;
}

// The decoded values of the X-Amz-* query parameters that carry authentication; the first
// occurrence of each wins.
struct QueryAuth {
  std::optional<std::string> algorithm, credential, signature, signed_headers, date, expires,
      security_token;
};

QueryAuth ParseQueryAuth(std::string_view raw_query) {
  QueryAuth out;
  std::string name;
  ForEachPiece(raw_query, '&', [&](std::string_view pair) {
    const RawParam raw = SplitParam(pair);
    if (raw.name.size() < 10) return;  // cheap filter: every name of interest is longer
    name.clear();
    AppendUriDecoded(raw.name, name);
    std::optional<std::string>* slot = nullptr;
    if (name == "X-Amz-Algorithm") slot = &out.algorithm;
    if (name == "X-Amz-Credential") slot = &out.credential;
    if (name == "X-Amz-Signature") slot = &out.signature;
    if (name == "X-Amz-SignedHeaders") slot = &out.signed_headers;
    if (name == "X-Amz-Date") slot = &out.date;
    if (name == "X-Amz-Expires") slot = &out.expires;
    if (name == "X-Amz-Security-Token") slot = &out.security_token;
    if (slot == nullptr || slot->has_value()) return;
    std::string value;
    AppendUriDecoded(raw.value, value);
    *slot = std::move(value);
  });
  return out;
}

std::optional<std::string> HeaderToken(std::span<const Header> headers) {
  const Header* token = FindHeader(headers, "x-amz-security-token");
  if (token == nullptr) return std::nullopt;
  return std::string(Trim(token->value));
}

// Header form: "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
std::variant<AuthParams, AuthError> ParseAuthorizationHeader(std::string_view raw_header,
                                                             std::span<const Header> headers) {
  const std::string_view header = Trim(raw_header);
  if (header.substr(0, 5) != "AWS4-") {
    return AuthError::Make(AuthFailure::kMissingAuthentication, std::string(kMissingTokenMessage));
  }
  const std::size_t space = header.find_first_of(" \t");
  const std::string_view algorithm = header.substr(0, space);
  if (algorithm != kAlgorithm) {
    return AuthError::Make(AuthFailure::kMalformedAuthorization,
                           "Unsupported AWS 'algorithm': '" + std::string(algorithm) + "'.");
  }

  // AWS splits the rest on commas and spaces alike, so "Credential= AKIA..." reports the
  // orphaned "AKIA..." as a part without '='.
  std::optional<std::string_view> credential, signed_headers, signature;
  const std::string_view rest =
      space == std::string_view::npos ? std::string_view() : header.substr(space);
  std::optional<AuthError> error;
  ForEachPiece(
      rest, [](char c) { return c == ',' || IsBlank(c); },
      [&](std::string_view part) {
        if (error) return;
        if (part.find('=') == std::string_view::npos) {
          error = AuthError::Make(AuthFailure::kMalformedAuthorization,
                                  "'" + std::string(part) +
                                      "' not a valid key=value pair (missing equal-sign) in "
                                      "Authorization header: '" +
                                      std::string(raw_header) + "'.");
          return;
        }
        const RawParam param = SplitParam(part);
        if (param.name == "Credential") credential = param.value;
        if (param.name == "SignedHeaders") signed_headers = param.value;
        if (param.name == "Signature") signature = param.value;
      });
  if (error) return std::move(*error);

  const Header* date = FindHeader(headers, "x-amz-date");
  if (date == nullptr) date = FindHeader(headers, "date");

  std::string missing;
  if (!credential || credential->empty()) {
    missing += "Authorization header requires 'Credential' parameter. ";
  }
  if (!signature || signature->empty()) {
    missing += "Authorization header requires 'Signature' parameter. ";
  }
  if (!signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (date == nullptr) {
    missing +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
        "header. ";
  }
  if (!missing.empty()) {
    return AuthError::Make(AuthFailure::kMalformedAuthorization,
                           missing + "Authorization=" + std::string(raw_header));
  }

  AuthParams params;
  params.credential = std::string(*credential);
  params.signed_headers = std::string(*signed_headers);
  params.signature = std::string(*signature);
  params.amz_date = std::string(Trim(date->value));
  params.session_token = HeaderToken(headers);
  return params;
}

// Query form: X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders,
// X-Amz-Signature (+ X-Amz-Expires, X-Amz-Security-Token).
std::variant<AuthParams, AuthError> ParsePresigned(QueryAuth query,
                                                   std::span<const Header> headers) {
  if (*query.algorithm != kAlgorithm) {
    return AuthError::Make(AuthFailure::kMissingAuthentication, std::string(kMissingTokenMessage));
  }
  std::string missing;
  const auto require = [&missing](const std::optional<std::string>& value, std::string_view name) {
    if (!value || value->empty()) {
      missing.append("AWS query-string parameters must include '").append(name).append("'. ");
    }
  };
  require(query.credential, "X-Amz-Credential");
  require(query.signature, "X-Amz-Signature");
  require(query.signed_headers, "X-Amz-SignedHeaders");
  require(query.date, "X-Amz-Date");
  if (!missing.empty()) {
    return AuthError::Make(AuthFailure::kMalformedAuthorization,
                           missing + "Re-examine the query-string parameters.");
  }
  AuthParams params;
  params.presigned = true;
  params.credential = std::move(*query.credential);
  params.signed_headers = std::move(*query.signed_headers);
  params.signature = std::move(*query.signature);
  params.amz_date = std::move(*query.date);
  params.expires = std::move(query.expires);
  params.session_token =
      query.security_token ? std::move(query.security_token) : HeaderToken(headers);
  return params;
}

bool ExpiresValid(std::string_view text) {
  if (text.empty() || text.size() > 7) return false;
  long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value >= 1 && value <= kMaxPresignSeconds;
}

bool HostSigned(std::string_view signed_headers) {
  bool found = false;
  ForEachPiece(signed_headers, ';', [&found](std::string_view name) {
    found = found || name == "host" || name == ":authority";
  });
  return found;
}

// "us-east-1", "us-gov-west-1", "cn-north-1": lower-case words joined by '-', ending in a number.
bool WellFormedRegion(std::string_view region) {
  if (region.size() < 4 || region.front() < 'a' || region.front() > 'z') return false;
  if (region.back() < '0' || region.back() > '9') return false;
  bool dash = false;
  for (std::size_t i = 0; i < region.size(); ++i) {
    const char c = region[i];
    if (c == '-') {
      if (region[i - 1] == '-') return false;
      dash = true;
    } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return dash;
}

std::string SkewMinutes(std::chrono::seconds skew) {
  return std::to_string(std::chrono::duration_cast<std::chrono::minutes>(skew).count());
}

}  // namespace

std::optional<WallTime> ParseAmzDate(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  const auto number = [text](std::size_t pos, std::size_t len) -> int {
    int value = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const int year = number(0, 4);
  const int month = number(4, 2);
  const int day = number(6, 2);
  const int hour = number(9, 2);
  const int minute = number(11, 2);
  const int second = number(13, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 59) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  return WallTime(std::chrono::sys_days(date).time_since_epoch() + std::chrono::hours(hour) +
                  std::chrono::minutes(minute) + std::chrono::seconds(second));
}

std::string FormatAmzDate(WallTime t) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  const auto days = std::chrono::floor<std::chrono::days>(seconds);
  const std::chrono::year_month_day date(days);
  const std::chrono::hh_mm_ss time(seconds - days);
  std::array<char, 17> buffer{};
  const auto put = [&buffer](std::size_t pos, std::size_t len, long long value) {
    for (std::size_t i = 0; i < len; ++i) {
      buffer[pos + len - 1 - i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, 4, static_cast<int>(date.year()));
  put(4, 2, static_cast<unsigned>(date.month()));
  put(6, 2, static_cast<unsigned>(date.day()));
  buffer[8] = 'T';
  put(9, 2, time.hours().count());
  put(11, 2, time.minutes().count());
  put(13, 2, time.seconds().count());
  buffer[15] = 'Z';
  return std::string(buffer.data(), 16);
}

Verifier::Verifier(const Clock& clock, VerifierOptions options)
    : clock_(clock), options_(std::move(options)), keys_(options_.signing_key_cache_size) {}

bool Verifier::RegionAccepted(std::string_view region) const {
  if (options_.regions.empty()) return WellFormedRegion(region);
  return std::find(options_.regions.begin(), options_.regions.end(), region) !=
         options_.regions.end();
}

AuthResult Verifier::Verify(const RequestView& request, const CredentialLookup& lookup) const {
  // 1-2: which form, and is it complete.
  const Header* authorization = FindHeader(request.headers, "authorization");
  QueryAuth query = ParseQueryAuth(request.query);
  if (authorization != nullptr && query.algorithm) {
    return AuthError::Make(AuthFailure::kBothAuthForms,
                           "Found both 'X-Amz-Algorithm' as a query-string param and "
                           "'Authorization' as HTTP header.");
  }
  if (authorization == nullptr && !query.algorithm) {
    return AuthError::Make(AuthFailure::kMissingAuthentication, std::string(kMissingTokenMessage));
  }
  auto parsed = authorization != nullptr
                    ? ParseAuthorizationHeader(authorization->value, request.headers)
                    : ParsePresigned(std::move(query), request.headers);
  if (auto* error = std::get_if<AuthError>(&parsed)) return std::move(*error);
  AuthParams params = std::get<AuthParams>(std::move(parsed));

  // 3-5: the date, the presigned lifetime, the clock.
  const std::optional<WallTime> signed_at = ParseAmzDate(params.amz_date);
  if (!signed_at) {
    return AuthError::Make(AuthFailure::kMalformedDate,
                           "Date must be in ISO-8601 'basic format'. Got '" + params.amz_date +
                               "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  if (params.expires && !ExpiresValid(*params.expires)) {
    return AuthError::Make(AuthFailure::kMalformedExpires,
                           "X-Amz-Expires must be a whole number of seconds from 1 to 604800, "
                           "not '" +
                               *params.expires + "'.");
  }
  const WallTime now = std::chrono::floor<std::chrono::seconds>(clock_.Now());
  if (*signed_at < now - options_.max_skew) {
    return AuthError::Make(AuthFailure::kRequestExpired,
                           "Signature expired: " + params.amz_date + " is now earlier than " +
                               FormatAmzDate(now - options_.max_skew) + " (" + FormatAmzDate(now) +
                               " - " + SkewMinutes(options_.max_skew) + " min.)");
  }
  if (*signed_at > now + options_.max_skew) {
    return AuthError::Make(AuthFailure::kRequestNotYetValid,
                           "Signature not yet current: " + params.amz_date +
                               " is still later than " + FormatAmzDate(now + options_.max_skew) +
                               " (" + FormatAmzDate(now) + " + " + SkewMinutes(options_.max_skew) +
                               " min.)");
  }

  // 6-8: what was signed, and for whom.
  if (!HostSigned(params.signed_headers)) {
    return AuthError::Make(AuthFailure::kHostNotSigned,
                           "'Host' or ':authority' must be a 'SignedHeader' in the AWS "
                           "Authorization.");
  }
  std::array<std::string_view, 5> scope_parts;
  {
    const std::string_view credential = params.credential;
    std::size_t count = 0;
    std::size_t start = 0;
    while (count < scope_parts.size() + 1) {
      const std::size_t end = credential.find('/', start);
      if (count < scope_parts.size()) scope_parts[count] = credential.substr(start, end - start);
      ++count;
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    if (count != scope_parts.size()) {
      return AuthError::Make(AuthFailure::kMalformedCredential,
                             "Credential must have exactly 5 slash-delimited elements, e.g. "
                             "keyid/date/region/service/term, got '" +
                                 params.credential + "'");
    }
  }
  const auto [access_key_id, scope_date, region, service, terminator] = scope_parts;
  std::string scope_problems;
  if (!RegionAccepted(region)) {
    scope_problems +=
        "Credential should be scoped to a valid region, not '" + std::string(region) + "'. ";
  }
  if (service != options_.service) {
    scope_problems +=
        "Credential should be scoped to correct service: '" + options_.service + "'. ";
  }
  if (terminator != kTerminator) {
    scope_problems += "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                      std::string(terminator) + "'. ";
  }
  const std::string_view amz_day = std::string_view(params.amz_date).substr(0, 8);
  if (scope_date != amz_day) {
    scope_problems +=
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '" +
        std::string(scope_date) + "' != '" + std::string(amz_day) + "', from '" + params.amz_date +
        "'. ";
  }
  if (!scope_problems.empty()) {
    return AuthError::Make(AuthFailure::kBadCredentialScope, std::move(scope_problems));
  }

  // 9: whose key.
  const std::optional<SigningCredential> credential = lookup(access_key_id);
  if (!credential) {
    return AuthError::Make(AuthFailure::kUnknownAccessKey, std::string(kInvalidTokenMessage));
  }
  if (credential->temporary && (!params.session_token || params.session_token->empty())) {
    return AuthError::Make(AuthFailure::kMissingSessionToken, std::string(kInvalidTokenMessage));
  }

  // 10: the signature itself.
  const std::string canonical_uri = CanonicalUri(request.path);
  const std::string canonical_query = CanonicalQuery(request.query, params.presigned);
  const std::string payload_hash = crypto::HexEncode(crypto::Sha256(request.body));
  const std::string canonical_request = CanonicalRequest({
      .method = request.method,
      .canonical_uri = canonical_uri,
      .canonical_query = canonical_query,
      .signed_headers = params.signed_headers,
      .headers = request.headers,
      .payload_hash = payload_hash,
  });
  const std::string_view scope =
      std::string_view(params.credential).substr(access_key_id.size() + 1);
  const std::string string_to_sign = StringToSign(params.amz_date, scope, canonical_request);
  const auto key =
      keys_.Get(access_key_id, credential->secret_access_key, scope_date, region, service);
  const std::string expected = crypto::HexEncode(key->Compute(crypto::AsBytes(string_to_sign)));
  if (!crypto::ConstantTimeEquals(crypto::AsBytes(expected), crypto::AsBytes(params.signature))) {
    return AuthError::Make(AuthFailure::kSignatureMismatch, std::string(kSignatureMismatchMessage));
  }

  VerifiedRequest verified;
  verified.access_key_id = std::string(access_key_id);
  verified.region = std::string(region);
  verified.service = std::string(service);
  verified.signed_at = *signed_at;
  verified.session_token = std::move(params.session_token);
  verified.presigned = params.presigned;
  return verified;
}

}  // namespace imdsd::sigv4
