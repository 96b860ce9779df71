#include "stsapi/errors.h"

namespace imdsd::stsapi {
namespace {

StsError Sender(int status, std::string code, std::string message) {
  StsError error;
  error.code = std::move(code);
  error.message = std::move(message);
  error.http_status = status;
  return error;
}

}  // namespace

StsError InvalidActionError(std::string_view action, std::optional<std::string_view> version) {
  std::string message = "Could not find operation ";
  message += action;
  message += " for version ";
  message += version ? *version : std::string_view("NO_VERSION_SPECIFIED");
  StsError error = Sender(400, "InvalidAction", std::move(message));
  error.aws_fault_namespace = true;
  return error;
}

StsError MalformedIntegerError(std::string_view raw) {
  return Sender(400, "MalformedInput", raw.empty() ? "missing value for decimal type" : "");
}

StsError ValidationError(std::string message) {
  return Sender(400, "ValidationError", std::move(message));
}

StsError InternalFailureError() {
  StsError error = Sender(500, "InternalFailure",
                          "The request processing has failed because of an unknown error, "
                          "exception or failure.");
  error.type = FaultType::kReceiver;
  return error;
}

StsError InvalidClientTokenIdError() {
  return Sender(403, "InvalidClientTokenId",
                "The security token included in the request is invalid.");
}

StsError SignatureDoesNotMatchError() {
  return Sender(403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method. Consult the service "
                "documentation for details.");
}

StsError ExpiredTokenError() {
  return Sender(403, "ExpiredToken", "The security token included in the request is expired");
}

StsError IncompleteSignatureError(std::string message) {
  return Sender(400, "IncompleteSignature", std::move(message));
}

StsError MissingAuthenticationTokenError() {
  return Sender(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
}

StsError NotAuthorizedError(std::string_view caller_arn, std::string_view action,
                            std::string_view resource) {
  std::string message = "User: ";
  message += caller_arn;
  message += " is not authorized to perform: sts:";
  message += action;
  message += " on resource: ";
  message += resource;
  return Sender(403, "AccessDenied", std::move(message));
}

StsError WebIdentityNotAuthorizedError() {
  return Sender(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
}

StsError DurationExceedsRoleMaxError() {
  return ValidationError(
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
}

StsError RoleChainingLimitError() {
  return ValidationError(
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role "
      "chaining.");
}

StsError InvalidRoleArnError(std::string_view role_arn) {
  std::string message(role_arn);
  message += " is invalid";
  return ValidationError(std::move(message));
}

StsError SourceIdentityAlreadySetError() {
  return ValidationError("The source identity is already set for this assume role session");
}

StsError SessionCredentialsNotAllowedError(std::string_view action) {
  std::string message = "Cannot call ";
  message += action;
  message += " with session credentials";
  return Sender(403, "AccessDenied", std::move(message));
}

StsError RootCannotAssumeRoleError() {
  return Sender(403, "AccessDenied", "Roles may not be assumed by root accounts.");
}

StsError MfaInvalidCodeError() {
  return Sender(403, "AccessDenied",
                "MultiFactorAuthentication failed with invalid MFA one time pass code.");
}

StsError MfaUnusableError() {
  return Sender(403, "AccessDenied",
                "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify "
                "your MFA serial number is valid and associated with this user.");
}

StsError MalformedPolicyDocumentError(std::string message) {
  return Sender(400, "MalformedPolicyDocument", std::move(message));
}

StsError PackedPolicyTooLargeError(int percent) {
  return Sender(400, "PackedPolicyTooLarge",
                "Packed policy consumes " + std::to_string(percent) +
                    "% of allotted space, please use smaller policy for this request.");
}

StsError InvalidIdentityTokenError(std::string message) {
  return Sender(400, "InvalidIdentityToken", std::move(message));
}

StsError WebIdentityTokenExpiredError(long long now_epoch, long long exp_epoch) {
  return Sender(400, "ExpiredTokenException",
                "Token expired: current date/time " + std::to_string(now_epoch) +
                    " must be before the expiration date/time" + std::to_string(exp_epoch));
}

}  // namespace imdsd::stsapi
