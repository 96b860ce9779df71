#include "sigv4/canonical.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "sigv4/split.h"

namespace imdsd::sigv4 {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view lower_b) {
  if (a.size() != lower_b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != lower_b[i]) return false;
  }
  return true;
}

// Appends one line of a header value: trimmed, with runs of blanks collapsed to one space.
void AppendTrimmedCollapsed(std::string_view line, std::string& out) {
  bool pending_space = false;
  bool wrote = false;
  for (char c : line) {
    if (IsBlank(c)) {
      pending_space = wrote;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
    wrote = true;
  }
}

// Appends a received value. A value with line breaks (obsolete line folding) is a list of values,
// one per non-empty line, as AWS's suite reads get-header-value-multiline.
void AppendHeaderValue(std::string_view value, bool& first, std::string& out) {
  std::size_t start = 0;
  bool any_line = false;
  while (true) {
    // A plain loop: find_first_of() calls memchr once per character scanned.
    std::size_t end = start;
    while (end < value.size() && value[end] != '\r' && value[end] != '\n') ++end;
    if (end == value.size()) end = std::string_view::npos;
    const std::string_view line =
        value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    const bool blank = std::all_of(line.begin(), line.end(), IsBlank);
    if (!blank || (!any_line && end == std::string_view::npos)) {
      if (!first) out.push_back(',');
      first = false;
      AppendTrimmedCollapsed(line, out);
      any_line = true;
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

}  // namespace

void AppendUriEncoded(std::string_view text, bool keep_slash, std::string& out) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 0x0f]);
    }
  }
}

void AppendUriDecoded(std::string_view text, std::string& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>((hi << 4) | lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
}

std::string CanonicalUri(std::string_view raw_path) {
  if (raw_path.empty()) return "/";
  // RFC 3986 dot-segment removal, also dropping empty segments ("//"), as botocore's
  // normalize_url_path does for every service but S3.
  std::vector<std::string_view> segments;
  ForEachPiece(raw_path, '/', [&segments](std::string_view segment) {
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (segment != ".") {
      segments.push_back(segment);
    }
  });
  std::string normalized;
  normalized.reserve(raw_path.size() + 1);
  if (raw_path.front() == '/') normalized.push_back('/');
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i != 0) normalized.push_back('/');
    normalized.append(segments[i]);
  }
  if (raw_path.back() == '/' && !segments.empty()) normalized.push_back('/');
  if (normalized.empty()) normalized.push_back('/');

  std::string out;
  out.reserve(normalized.size() + 16);
  AppendUriEncoded(normalized, /*keep_slash=*/true, out);
  return out;
}

std::string CanonicalQuery(std::string_view raw_query, bool drop_signature) {
  std::vector<std::pair<std::string, std::string>> params;
  std::string decoded;
  ForEachPiece(raw_query, '&', [&](std::string_view pair) {
    const RawParam raw = SplitParam(pair);
    decoded.clear();
    AppendUriDecoded(raw.name, decoded);
    if (drop_signature && decoded == "X-Amz-Signature") return;
    std::string name;
    AppendUriEncoded(decoded, /*keep_slash=*/false, name);
    decoded.clear();
    AppendUriDecoded(raw.value, decoded);
    std::string value;
    AppendUriEncoded(decoded, /*keep_slash=*/false, value);
    params.emplace_back(std::move(name), std::move(value));
  });
  std::sort(params.begin(), params.end());

  std::string out;
  std::size_t size = 0;
  for (const auto& [name, value] : params) size += name.size() + value.size() + 2;
  out.reserve(size);
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    out.append(name);
    out.push_back('=');
    out.append(value);
  }
  return out;
}

bool CanonicalHeaderValue(std::span<const Header> headers, std::string_view lower_name,
                          std::string& out) {
  bool first = true;
  for (const Header& header : headers) {
    if (EqualsIgnoreCase(header.name, lower_name)) AppendHeaderValue(header.value, first, out);
  }
  return !first;
}

std::string CanonicalRequest(const CanonicalRequestParts& parts) {
  std::string out;
  out.reserve(parts.method.size() + parts.canonical_uri.size() + parts.canonical_query.size() +
              2 * parts.signed_headers.size() + parts.payload_hash.size() + 256);
  out.append(parts.method).push_back('\n');
  out.append(parts.canonical_uri).push_back('\n');
  out.append(parts.canonical_query).push_back('\n');
  ForEachPiece(parts.signed_headers, ';', [&](std::string_view name) {
    const std::size_t line_start = out.size();
    out.append(name).push_back(':');
    if (CanonicalHeaderValue(parts.headers, name, out)) {
      out.push_back('\n');
    } else {
      out.resize(line_start);
    }
  });
  out.push_back('\n');
  out.append(parts.signed_headers).push_back('\n');
  out.append(parts.payload_hash);
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  static constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
  std::string out;
  out.reserve(kAlgorithm.size() + amz_date.size() + scope.size() + 64 + 3);
  out.append(kAlgorithm).push_back('\n');
  out.append(amz_date).push_back('\n');
  out.append(scope).push_back('\n');
  out.append(crypto::HexEncode(crypto::Sha256(canonical_request)));
  return out;
}

std::string SignatureHex(const crypto::Sha256Digest& signing_key, std::string_view string_to_sign) {
  return crypto::HexEncode(crypto::HmacSha256(signing_key, string_to_sign));
}

}  // namespace imdsd::sigv4
