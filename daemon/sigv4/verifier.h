#pragma once
// Verifier: server-side AWS Signature Version 4 verification of one request, header form
// (Authorization: AWS4-HMAC-SHA256 ...) or presigned form (X-Amz-Algorithm & co. in the query).
//
// Input is a RequestView of the request exactly as received — the raw, still percent-encoded
// path and query (an HTTP layer that decodes them must hand over the originals), every header
// with repeats, and the body — plus a CredentialLookup the caller provides. Output is an
// AuthResult: a VerifiedRequest, or an AuthError carrying the code, message and HTTP status STS
// would answer with. The verifier checks the signature and that a temporary key came with a
// session token; whether that token is valid for the key (and unexpired) is the caller's check,
// which is why VerifiedRequest returns the token the request carried.
//
// Checks, in AWS's order (first failure wins; order and wording as dynalite and
// scratchstack-aws-signature recorded them from AWS's front end, confirmed by the STS captures
// named below):
//  1. Authorization header xor X-Amz-Algorithm. Both: SignatureDoesNotMatch "Found both ...".
//     Neither, or a header not starting "AWS4-": MissingAuthenticationToken, 403.
//  2. Header form: algorithm AWS4-HMAC-SHA256 ("Unsupported AWS 'algorithm': 'X'."), every part
//     key=value ("'X' not a valid key=value pair (missing equal-sign) in Authorization header:
//     'H'."), then all of Credential, Signature, SignedHeaders and a date header present
//     ("Authorization header requires 'Credential' parameter. ... Authorization=H").
//     Query form: X-Amz-Credential, -Signature, -SignedHeaders, -Date present ("AWS query-string
//     parameters must include 'X-Amz-Credential'. ... Re-examine the query-string parameters.");
//     an algorithm other than AWS4-HMAC-SHA256 is MissingAuthenticationToken. IncompleteSignature,
//     400.
//  3. Date in ISO-8601 basic format: "Date must be in ISO-8601 'basic format'. Got 'X'. See
//     http://en.wikipedia.org/wiki/ISO_8601" (IncompleteSignature). The Date header is accepted
//     in place of X-Amz-Date, in the same format only.
//  4. Presigned X-Amz-Expires, if present, an integer in 1..604800 (IncompleteSignature; the
//     message is ours — AWS's wording for STS is not on record).
//  5. Clock skew (STS: 15 minutes each way), SignatureDoesNotMatch 403:
//     "Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z (20260101T002500Z
//     - 15 min.)" or "Signature not yet current: T is still later than T' (NOW + 15 min.)".
//     STS answers clock skew this way, not with RequestExpired (aws-cli#6676 for
//     GetCallerIdentity, devsecops/bootcamp#101 for AssumeRole). Presigned requests get the same
//     window from X-Amz-Date: STS ignores X-Amz-Expires, so a presigned URL lives 15 minutes
//     whatever it says (kubernetes-sigs/aws-iam-authenticator#160 and #258, maintainers).
//  6. "host" signed: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
//  7. Credential has five '/' parts: "Credential must have exactly 5 slash-delimited elements,
//     e.g. keyid/date/region/service/term, got 'X'" (IncompleteSignature).
//  8. Scope: "Credential should be scoped to a valid region, not 'R'. ", "... to correct service:
//     'sts'. ", "... with a valid terminator: 'aws4_request', not 'T'. ", "Date in Credential
//     scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: 'D' != 'D2', from
//     'T'. ", concatenated; SignatureDoesNotMatch 403 (an STS capture: cognitect-labs/aws-api#27).
//  9. Access key known: else InvalidClientTokenId 403 "The security token included in the
//     request is invalid."; a temporary key without a session token gets the same answer.
// 10. Signature, compared in constant time: SignatureDoesNotMatch 403 with AWS's fixed message.
//
// Payload: the canonical request always carries the SHA-256 of the body actually received. A
// client's X-Amz-Content-Sha256 is only a header (signed if the client listed it); a value that
// is not the body's hash, UNSIGNED-PAYLOAD included, therefore fails as a signature mismatch.
// Our choice: botocore never sends an unsigned payload to STS (only S3 presigning does), and an
// STS body (Action, RoleArn, Policy) must never go unauthenticated.
//
// Thread-safe: Verify() may run on any number of threads at once. The Clock and the lookup are
// borrowed and must outlive the call (the Clock the Verifier).

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/clock.h"
#include "sigv4/auth_error.h"
#include "sigv4/canonical.h"
#include "sigv4/signing_key.h"

namespace imdsd::sigv4 {

// The request as received. Views into the caller's buffers, which must outlive Verify().
struct RequestView {
  std::string_view method;          // "POST"
  std::string_view path;            // request-target path, raw: "/", "/a%20b"
  std::string_view query;           // after '?', raw, without the '?'; may be empty
  std::span<const Header> headers;  // all headers, repeats included, in arrival order
  std::string_view body;
};

// What the credential lookup knows about an access key id.
struct SigningCredential {
  std::string secret_access_key;
  bool temporary = false;  // an ASIA key: the request must carry a session token
};

// Finds the secret for an access key id; nullopt for an unknown key. Called at most once per
// Verify(), on the calling thread, never under a lock of ours.
using CredentialLookup =
    std::function<std::optional<SigningCredential>(std::string_view access_key_id)>;

struct VerifiedRequest {
  std::string access_key_id;
  std::string region;   // from the credential scope
  std::string service;  // from the credential scope (equals VerifierOptions::service)
  WallTime signed_at;   // X-Amz-Date
  std::optional<std::string> session_token;  // X-Amz-Security-Token as sent, if any
  bool presigned = false;
};

// A VerifiedRequest or an AuthError.
class AuthResult {
 public:
  AuthResult(VerifiedRequest value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  AuthResult(AuthError error) : data_(std::move(error)) {}        // NOLINT

  bool ok() const { return std::holds_alternative<VerifiedRequest>(data_); }
  const VerifiedRequest& value() const& { return std::get<VerifiedRequest>(data_); }
  VerifiedRequest&& value() && { return std::get<VerifiedRequest>(std::move(data_)); }
  const AuthError& error() const { return std::get<AuthError>(data_); }

 private:
  std::variant<VerifiedRequest, AuthError> data_;
};

struct VerifierOptions {
  std::string service = "sts";
  // Scope regions accepted. Empty: any well-formed region name ("us-east-1", "us-gov-west-1").
  // Real STS wants the endpoint's own region (us-east-1 for the global endpoint).
  std::vector<std::string> regions;
  std::chrono::seconds max_skew{15 * 60};
  std::size_t signing_key_cache_size = 256;
};

class Verifier {
 public:
  Verifier(const Clock& clock, VerifierOptions options);
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  AuthResult Verify(const RequestView& request, const CredentialLookup& lookup) const;

  const VerifierOptions& options() const { return options_; }

 private:
  bool RegionAccepted(std::string_view region) const;

  const Clock& clock_;
  const VerifierOptions options_;
  mutable SigningKeyCache keys_;
};

// "20260101T000000Z" <-> WallTime (UTC, whole seconds). Parsing accepts exactly that shape.
std::optional<WallTime> ParseAmzDate(std::string_view text);
std::string FormatAmzDate(WallTime t);

}  // namespace imdsd::sigv4
