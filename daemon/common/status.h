#pragma once
// Status and Result<T>: errors as values across component boundaries.
//
// A Status is either OK or carries an ErrorCode and a human-readable message that is safe to log
// (it never contains secrets). Result<T> holds either a T or a non-OK Status. Both are plain
// values: copyable, movable, and safe to use from any thread as long as each object is not
// mutated concurrently. Only http/ maps ErrorCodes to HTTP statuses.

#include <string>
#include <utility>
#include <variant>

namespace imdsd {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,   // the caller's input is malformed (bad config value, bad TTL...)
  kNotFound,          // the thing asked for does not exist
  kPermissionDenied,  // refused by policy (file mode, forbidden header...)
  kUnauthenticated,   // missing, expired or forged credential/token
  kFailedPrecondition,
  kAlreadyExists,
  kIoError,      // the operating system refused (open, bind, write...)
  kDataCorrupt,  // stored data failed to parse or authenticate
  kInternal,
};

const char* ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "kNotFound: message" style, for logs and test failure output.
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Status PermissionDenied(std::string m) {
  return {ErrorCode::kPermissionDenied, std::move(m)};
}
inline Status Unauthenticated(std::string m) { return {ErrorCode::kUnauthenticated, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {ErrorCode::kFailedPrecondition, std::move(m)};
}
inline Status IoError(std::string m) { return {ErrorCode::kIoError, std::move(m)}; }
inline Status DataCorrupt(std::string m) { return {ErrorCode::kDataCorrupt, std::move(m)}; }
inline Status Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

// Result<T> holds a value or an error Status (never an OK Status).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design, like expected<T>
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    if (std::get<Status>(data_).ok()) data_ = Status(ErrorCode::kInternal, "Result from OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  // The error; OK when this holds a value.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(data_); }

  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace imdsd

#define IMDSD_CONCAT_INNER(a, b) a##b
#define IMDSD_CONCAT(a, b) IMDSD_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` (a Status) is not OK.
#define IMDSD_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::imdsd::Status imdsd_status_ = (expr);        \
    if (!imdsd_status_.ok()) return imdsd_status_; \
  } while (0)

// IMDSD_ASSIGN_OR_RETURN(auto x, MakeX()); returns the error Status when MakeX() fails.
#define IMDSD_ASSIGN_OR_RETURN(lhs, rexpr) \
  IMDSD_ASSIGN_OR_RETURN_IMPL(IMDSD_CONCAT(imdsd_result_, __LINE__), lhs, rexpr)
#define IMDSD_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
