#pragma once
// StsError and Outcome<T>: how the STS Query API reports a refusal, as AWS sends it.
//
// An StsError is what a client sees in <ErrorResponse> (code, message, HTTP status, Sender or
// Receiver) plus one field the client never sees: `audit_detail`, the imdsd explanation of a
// decision (which policy, statement or condition denied) that goes only to the audit log.
// Outcome<T> holds a T or an StsError; it is the Result of this component, because a Status
// cannot carry an AWS error code and status. Plain values, thread-compatible.
//
// The factories below spell AWS's messages in one place (reference sts.md §3-§5; texts marked
// there as unconfirmed are the emulator's best guess and say so here).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace imdsd::stsapi {

enum class FaultType { kSender, kReceiver };

struct StsError {
  std::string code;
  // Empty means no <Message> element at all: AWS omits it for some MalformedInput errors.
  std::string message;
  int http_status = 400;
  FaultType type = FaultType::kSender;
  // Dispatch errors (InvalidAction) come in the generic AWSFault namespace, everything else in
  // the STS namespace: observed on live STS.
  bool aws_fault_namespace = false;
  // Why imdsd decided so, for the audit log only (never rendered to the client).
  std::string audit_detail;

  friend bool operator==(const StsError&, const StsError&) = default;
};

template <typename T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : data_(std::move(value)) {}         // NOLINT: implicit like Result<T>
  Outcome(StsError error) : data_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(data_); }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  const StsError& error() const& { return std::get<StsError>(data_); }
  StsError&& error() && { return std::get<StsError>(std::move(data_)); }

 private:
  std::variant<T, StsError> data_;
};

inline constexpr std::string_view kApiVersion = "2011-06-15";

// --- Protocol errors -------------------------------------------------------------------------
// 400 InvalidAction "Could not find operation A for version V"; V is NO_VERSION_SPECIFIED when
// the Version parameter is absent (observed on live STS, also for an unknown Version).
StsError InvalidActionError(std::string_view action, std::optional<std::string_view> version);
// 400 MalformedInput for a number that does not parse as a 32-bit integer. AWS says "missing
// value for decimal type" for an empty value and gives no message otherwise.
StsError MalformedIntegerError(std::string_view raw);
// 400 ValidationError with `message` as is (Coral texts come from validation.h).
StsError ValidationError(std::string message);
// 500 InternalFailure (Receiver): a bug or an action the backend cannot serve.
StsError InternalFailureError();

// --- Authentication (for Authenticator implementations) ---------------------------------------
StsError InvalidClientTokenIdError();   // 403, unknown key or bad/missing session token
StsError SignatureDoesNotMatchError();  // 403, with AWS's full text
StsError ExpiredTokenError();           // 403
StsError IncompleteSignatureError(std::string message);  // 400
// 403 MissingAuthenticationToken "Request is missing Authentication Token" (text unconfirmed).
StsError MissingAuthenticationTokenError();

// --- Service decisions (for StsActions implementations) ---------------------------------------
// 403 "User: CALLER is not authorized to perform: sts:ACTION on resource: RESOURCE".
StsError NotAuthorizedError(std::string_view caller_arn, std::string_view action,
                            std::string_view resource);
// 403 "Not authorized to perform sts:AssumeRoleWithWebIdentity" (unsigned callers have no ARN).
StsError WebIdentityNotAuthorizedError();
// 400 "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
StsError DurationExceedsRoleMaxError();
// 400 "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role
// chaining." Live STS checks the role maximum first, then this.
StsError RoleChainingLimitError();
// 400 ValidationError "ARN is invalid": a RoleArn that passes the model checks but is no ARN.
StsError InvalidRoleArnError(std::string_view role_arn);
// 400 "The source identity is already set for this assume role session" (changing it while
// chaining).
StsError SourceIdentityAlreadySetError();
// 403 "Cannot call GetSessionToken with session credentials" (ACTION = the operation name).
StsError SessionCredentialsNotAllowedError(std::string_view action);
// 403 "Roles may not be assumed by root accounts."
StsError RootCannotAssumeRoleError();
// 403 "MultiFactorAuthentication failed with invalid MFA one time pass code."
StsError MfaInvalidCodeError();
// 403 "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA
// serial number is valid and associated with this user." (two spaces, as AWS writes it)
StsError MfaUnusableError();
// 400 MalformedPolicyDocument with the parser's description.
StsError MalformedPolicyDocumentError(std::string message);
// 400 PackedPolicyTooLarge; the text is unconfirmed, it names the percentage as AWS's does.
StsError PackedPolicyTooLargeError(int percent);
// 400 InvalidIdentityToken with `message` ("Incorrect token audience", ...).
StsError InvalidIdentityTokenError(std::string message);
// 400 ExpiredTokenException "Token expired: current date/time NOW must be before the expiration
// date/timeEXP" (epoch seconds; AWS prints no space before EXP).
StsError WebIdentityTokenExpiredError(long long now_epoch, long long exp_epoch);

}  // namespace imdsd::stsapi
