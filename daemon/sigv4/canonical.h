#pragma once
// The pieces of an AWS Signature Version 4 computation, as a server rebuilds them from a request
// it received: canonical URI, canonical query, canonical headers, canonical request, string to
// sign and signature. Pure functions over caller-owned data; thread-safe.
//
// The rules are those of AWS's published SigV4 test suite and of botocore's signer (auth.py), the
// client reference, for services other than S3:
// - the URI path is taken as it appeared on the request line (still percent-encoded), dot
//   segments and empty segments are removed, and the result is percent-encoded once more (so a
//   client's "%20" is signed as "%2520": AWS's "encode each path segment twice");
// - query parameters are percent-decoded, then re-encoded keeping only A-Z a-z 0-9 - _ . ~, and
//   sorted by encoded name, then encoded value; a name without '=' gets an empty value; '+' is a
//   literal plus, not a space;
// - header names are lower-cased; values are trimmed and inner runs of spaces collapsed; repeated
//   headers, and the lines of an obsolete folded header, are joined with ',' in arrival order.
//
// Nothing here knows about HTTP libraries, credentials or time; verifier.h combines the pieces.

#include <span>
#include <string>
#include <string_view>

#include "crypto/digest.h"

namespace imdsd::sigv4 {

// One header as received. Names compare case-insensitively; a name may repeat.
struct Header {
  std::string_view name;
  std::string_view value;
};

// Appends `text` to `out`, percent-encoding every byte outside A-Z a-z 0-9 - _ . ~ (and '/' when
// `keep_slash`) as %XX with upper-case hex digits.
void AppendUriEncoded(std::string_view text, bool keep_slash, std::string& out);

// Appends the percent-decoding of `text` to `out`. A '%' not followed by two hex digits is kept
// as a literal '%'.
void AppendUriDecoded(std::string_view text, std::string& out);

// The canonical URI for `raw_path` (the request target's path, as on the wire): "/" when empty.
std::string CanonicalUri(std::string_view raw_path);

// The canonical query string for `raw_query` (the text after '?', as on the wire). When
// `drop_signature`, the X-Amz-Signature parameter is left out, as presigned requests require.
std::string CanonicalQuery(std::string_view raw_query, bool drop_signature);

// Canonical value of header `lower_name` in `headers` (all occurrences, joined with ','); false
// when the request has no such header.
bool CanonicalHeaderValue(std::span<const Header> headers, std::string_view lower_name,
                          std::string& out);

// The inputs of a canonical request, all already in canonical or received form.
struct CanonicalRequestParts {
  std::string_view method;
  std::string_view canonical_uri;
  std::string_view canonical_query;
  std::string_view signed_headers;  // "host;x-amz-date", as the client listed them
  std::span<const Header> headers;  // the request's headers, to look the signed ones up in
  std::string_view payload_hash;    // lower-case hex SHA-256 of the body
};

// METHOD \n URI \n QUERY \n name:value \n ... \n \n SIGNED-HEADERS \n PAYLOAD-HASH. A signed header
// the request lacks contributes no line (the signature then cannot match).
std::string CanonicalRequest(const CanonicalRequestParts& parts);

// "AWS4-HMAC-SHA256" \n amz_date \n scope \n hex(SHA-256(canonical_request)).
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// Lower-case hex of HMAC-SHA256(signing_key, string_to_sign); for tests and clients. The
// verifier computes the same with a cached, prepared key.
std::string SignatureHex(const crypto::Sha256Digest& signing_key, std::string_view string_to_sign);

}  // namespace imdsd::sigv4
