#include "sigv4/auth_error.h"

#include <utility>

namespace imdsd::sigv4 {
namespace {

constexpr std::string_view kMissingAuthenticationToken = "MissingAuthenticationToken";
constexpr std::string_view kIncompleteSignature = "IncompleteSignature";
constexpr std::string_view kInvalidClientTokenId = "InvalidClientTokenId";
constexpr std::string_view kSignatureDoesNotMatch = "SignatureDoesNotMatch";

}  // namespace

const char* AuthFailureName(AuthFailure reason) {
  switch (reason) {
    case AuthFailure::kMissingAuthentication:
      return "missing_authentication";
    case AuthFailure::kBothAuthForms:
      return "both_auth_forms";
    case AuthFailure::kMalformedAuthorization:
      return "malformed_authorization";
    case AuthFailure::kMalformedDate:
      return "malformed_date";
    case AuthFailure::kMalformedExpires:
      return "malformed_expires";
    case AuthFailure::kMalformedCredential:
      return "malformed_credential";
    case AuthFailure::kRequestExpired:
      return "request_expired";
    case AuthFailure::kRequestNotYetValid:
      return "request_not_yet_valid";
    case AuthFailure::kHostNotSigned:
      return "host_not_signed";
    case AuthFailure::kBadCredentialScope:
      return "bad_credential_scope";
    case AuthFailure::kUnknownAccessKey:
      return "unknown_access_key";
    case AuthFailure::kMissingSessionToken:
      return "missing_session_token";
    case AuthFailure::kSignatureMismatch:
      return "signature_mismatch";
  }
  return "unknown";
}

AuthError AuthError::Make(AuthFailure reason, std::string message) {
  std::string_view code;
  int status = 403;
  switch (reason) {
    case AuthFailure::kMissingAuthentication:
      code = kMissingAuthenticationToken;
      break;
    case AuthFailure::kMalformedAuthorization:
    case AuthFailure::kMalformedDate:
    case AuthFailure::kMalformedExpires:
    case AuthFailure::kMalformedCredential:
      code = kIncompleteSignature;
      status = 400;
      break;
    case AuthFailure::kUnknownAccessKey:
    case AuthFailure::kMissingSessionToken:
      code = kInvalidClientTokenId;
      break;
    case AuthFailure::kBothAuthForms:
    case AuthFailure::kRequestExpired:
    case AuthFailure::kRequestNotYetValid:
    case AuthFailure::kHostNotSigned:
    case AuthFailure::kBadCredentialScope:
    case AuthFailure::kSignatureMismatch:
      code = kSignatureDoesNotMatch;
      break;
  }
  return AuthError{reason, code, status, std::move(message)};
}

}  // namespace imdsd::sigv4
