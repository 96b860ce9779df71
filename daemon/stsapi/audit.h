#pragma once
// Audit events: one CloudTrail-shaped JSON record per STS request, so a learner can see who
// asked for what and why imdsd refused (reference: issue 4, "What makes it a lab").
//
// AuditEventToJson() writes eventVersion, eventTime, eventSource, eventName, awsRegion,
// sourceIPAddress, userAgent, userIdentity, requestParameters, responseElements, errorCode,
// errorMessage, requestID, eventID, readOnly, eventType, managementEvent, eventCategory and
// recipientAccountId, plus "imdsdDecision" (StsError::audit_detail) when there is one. Secrets
// never appear: no TokenCode, WebIdentityToken, SecretAccessKey or SessionToken (CloudTrail
// shows a session token; imdsd does not, because its tokens carry the secret key).
//
// Sinks receive finished JSON lines (no newline). AuditRing keeps the last N in memory for
// GET /audit; AuditFile appends them to a 0600 file from a background thread, so a slow disk
// never holds a request for longer than a queue push; AuditFanout feeds several sinks.
// All sinks are thread-safe.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "stsapi/actions.h"
#include "stsapi/errors.h"
#include "stsapi/requests.h"
#include "stsapi/responses.h"

namespace imdsd::stsapi {

// The part of a caller that CloudTrail shows; never a secret.
struct AuditIdentity {
  std::string type;  // "IAMUser", "AssumedRole", "Root", "FederatedUser", "WebIdentityUser"
  std::string principal_id;
  std::string arn;
  std::string account_id;
  std::string access_key_id;
  std::string user_name;
  // For role sessions: the role that issued them (sessionContext.sessionIssuer).
  std::string issuer_role_id;
  std::string issuer_role_arn;
  std::string issuer_role_name;
  std::optional<WallTime> session_created;
  bool mfa_authenticated = false;
};

AuditIdentity AuditIdentityOf(const CallerIdentity& caller);
// ACCOUNT out of arn:PARTITION:SERVICE:REGION:ACCOUNT:...; empty when `arn` is no ARN.
std::string ArnAccount(std::string_view arn);

struct AuditEvent {
  WallTime event_time{};
  std::string event_name;  // the Action as given
  std::string region;
  std::string source_ip;
  std::string user_agent;
  std::optional<AuditIdentity> user_identity;
  AnyRequest request;    // secrets in it are left out when written
  AnyResponse response;  // only ids and expirations are written
  std::optional<StsError> error;
  std::string request_id;
  std::string event_id;
  std::string recipient_account_id;
};

// One JSON object on one line, keys in CloudTrail's order.
std::string AuditEventToJson(const AuditEvent& event);
// CloudTrail's way of printing credential expirations: "Jul 18, 2023, 4:07:39 PM" (UTC).
std::string CloudTrailExpiration(WallTime t);

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Takes one JSON line (without newline). Must not block for long.
  virtual void Append(std::string_view json_line) = 0;
};

// The last `capacity` lines, oldest first.
class AuditRing final : public AuditSink {
 public:
  explicit AuditRing(std::size_t capacity);
  void Append(std::string_view json_line) override;
  std::vector<std::string> Snapshot() const;
  // "[line,line,...]": the lines are JSON objects, so this is a JSON array.
  std::string ToJsonArray() const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<std::string> lines_;  // guarded by mutex_
};

class AuditFile final : public AuditSink {
 public:
  static constexpr std::size_t kDefaultMaxQueued = 10000;

  // Opens (creating with mode 0600) `path` for appending and starts the writer thread.
  // kPermissionDenied when an existing file is readable or writable by others (audit records
  // name users and roles); kIoError when it cannot be opened.
  static Result<std::unique_ptr<AuditFile>> Open(const std::filesystem::path& path,
                                                 std::size_t max_queued = kDefaultMaxQueued);
  ~AuditFile() override;  // writes what is queued, then stops
  AuditFile(const AuditFile&) = delete;
  AuditFile& operator=(const AuditFile&) = delete;

  // Queues the line; when max_queued lines are already waiting it is dropped and counted.
  void Append(std::string_view json_line) override;
  // Waits until everything queued so far is written (tests, shutdown).
  void Flush();
  std::uint64_t dropped() const;

 private:
  struct PassKey {
    explicit PassKey() = default;
  };

 public:
  AuditFile(PassKey key, int fd, std::size_t max_queued);

 private:
  void Run();

  const int fd_;
  const std::size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;     // with mutex_: lines queued or stopping
  std::condition_variable idle_;     // with mutex_: queue empty and nothing being written
  std::vector<std::string> queued_;  // guarded by mutex_
  bool writing_ = false;             // guarded by mutex_
  bool stopping_ = false;            // guarded by mutex_
  std::uint64_t dropped_ = 0;        // guarded by mutex_
  std::thread writer_;
};

// Sends every line to each of `sinks` (borrowed; they must outlive this).
class AuditFanout final : public AuditSink {
 public:
  explicit AuditFanout(std::vector<AuditSink*> sinks) : sinks_(std::move(sinks)) {}
  void Append(std::string_view json_line) override {
    for (AuditSink* sink : sinks_) sink->Append(json_line);
  }

 private:
  const std::vector<AuditSink*> sinks_;
};

}  // namespace imdsd::stsapi
