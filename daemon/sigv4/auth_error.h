#pragma once
// AuthError: why a request's SigV4 authentication failed, in two forms — a reason for our logs and
// tests, and the AWS error (code, message, HTTP status) the client must see, byte for byte as STS
// sends it. Plain values; thread-compatible.
//
// Codes, messages and statuses are STS's Query-protocol ones. Sources (details in verifier.h):
// STS captures in public bug reports, the IAM User Guide's SigV4 troubleshooting page, and the
// wording of AWS's Coral front end as recorded by dynalite and scratchstack-aws-signature.
// Messages built from several checks keep AWS's form "<part>. <part>. " (each part ends with a
// period and a space; STS really sends the trailing space).
//
// The HTTP status belongs to the AWS error code (IncompleteSignature is always 400, the others
// 403), so it travels with the code; http/ still decides how to write it.

#include <string>
#include <string_view>

namespace imdsd::sigv4 {

enum class AuthFailure {
  kMissingAuthentication,   // neither an Authorization header nor X-Amz-Algorithm, or not SigV4
  kBothAuthForms,           // Authorization header and X-Amz-Algorithm together
  kMalformedAuthorization,  // unsupported algorithm, a part without '=', missing parts/date
  kMalformedDate,           // X-Amz-Date (or Date) not YYYYMMDD'T'HHMMSS'Z'
  kMalformedExpires,        // presigned X-Amz-Expires not an integer in 1..604800
  kMalformedCredential,     // Credential not keyid/date/region/service/terminator
  kRequestExpired,          // signed more than the allowed skew before now
  kRequestNotYetValid,      // signed more than the allowed skew after now
  kHostNotSigned,           // "host" missing from the signed headers
  kBadCredentialScope,      // wrong region, service, terminator or date in the scope
  kUnknownAccessKey,        // the lookup does not know the access key id
  kMissingSessionToken,     // temporary (ASIA) key without X-Amz-Security-Token
  kSignatureMismatch,       // the signature does not match
};

// Short stable name, for logs: "signature_mismatch".
const char* AuthFailureName(AuthFailure reason);

struct AuthError {
  AuthFailure reason;
  std::string_view code;  // AWS error code; static storage
  int http_status;        // 400 or 403, as AWS pairs it with `code`
  std::string message;    // exactly as AWS words it; may quote request values, never secrets

  // The error for `reason` with `message`; code and status follow from the reason.
  static AuthError Make(AuthFailure reason, std::string message);
};

// AWS's fixed messages.
inline constexpr std::string_view kMissingTokenMessage = "Request is missing Authentication Token";
inline constexpr std::string_view kInvalidTokenMessage =
    "The security token included in the request is invalid.";
inline constexpr std::string_view kSignatureMismatchMessage =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

}  // namespace imdsd::sigv4
