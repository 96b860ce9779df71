#include "stsapi/audit.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <type_traits>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "common/time_format.h"

namespace imdsd::stsapi {
namespace {

using Json = nlohmann::ordered_json;

// Role name out of arn:PARTITION:iam::ACCOUNT:role/PATH/NAME.
std::string RoleNameOf(std::string_view role_arn) {
  const std::size_t slash = role_arn.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(role_arn.substr(slash + 1));
}

Json PolicyArnsJson(const std::vector<std::string>& arns) {
  Json out = Json::array();
  for (const auto& arn : arns) out.push_back(Json{{"arn", arn}});
  return out;
}

Json TagsJson(const std::vector<Tag>& tags) {
  Json out = Json::array();
  for (const auto& tag : tags) out.push_back(Json{{"key", tag.key}, {"value", tag.value}});
  return out;
}

template <typename T>
void PutIf(Json& json, const char* key, const std::optional<T>& value) {
  if (value) json[key] = *value;
}

Json RequestJson(const AnyRequest& request) {
  return std::visit(
      [](const auto& r) -> Json {
        using T = std::decay_t<decltype(r)>;
        Json j = Json::object();
        if constexpr (std::is_same_v<T, AssumeRoleRequest>) {
          j["roleArn"] = r.role_arn;
          j["roleSessionName"] = r.role_session_name;
          PutIf(j, "durationSeconds", r.duration_seconds);
          PutIf(j, "policy", r.policy);
          if (!r.policy_arns.empty()) j["policyArns"] = PolicyArnsJson(r.policy_arns);
          if (!r.tags.empty()) j["tags"] = TagsJson(r.tags);
          if (!r.transitive_tag_keys.empty()) j["transitiveTagKeys"] = r.transitive_tag_keys;
          PutIf(j, "externalId", r.external_id);
          PutIf(j, "serialNumber", r.serial_number);
          PutIf(j, "sourceIdentity", r.source_identity);
        } else if constexpr (std::is_same_v<T, AssumeRoleWithWebIdentityRequest>) {
          j["roleArn"] = r.role_arn;
          j["roleSessionName"] = r.role_session_name;
          PutIf(j, "providerId", r.provider_id);
          PutIf(j, "durationSeconds", r.duration_seconds);
          PutIf(j, "policy", r.policy);
          if (!r.policy_arns.empty()) j["policyArns"] = PolicyArnsJson(r.policy_arns);
        } else if constexpr (std::is_same_v<T, GetSessionTokenRequest>) {
          PutIf(j, "durationSeconds", r.duration_seconds);
          PutIf(j, "serialNumber", r.serial_number);
        } else if constexpr (std::is_same_v<T, GetFederationTokenRequest>) {
          j["name"] = r.name;
          PutIf(j, "durationSeconds", r.duration_seconds);
          PutIf(j, "policy", r.policy);
          if (!r.policy_arns.empty()) j["policyArns"] = PolicyArnsJson(r.policy_arns);
          if (!r.tags.empty()) j["tags"] = TagsJson(r.tags);
        } else if constexpr (std::is_same_v<T, GetAccessKeyInfoRequest>) {
          j["accessKeyId"] = r.access_key_id;
        } else if constexpr (std::is_same_v<T, DecodeAuthorizationMessageRequest>) {
          j["encodedMessage"] = r.encoded_message;
        } else {
          return Json(nullptr);  // nothing bound, or GetCallerIdentity (CloudTrail: null)
        }
        return j;
      },
      request);
}

Json CredentialsJson(const Credentials& c) {
  return Json{{"accessKeyId", c.access_key_id}, {"expiration", CloudTrailExpiration(c.expiration)}};
}

Json AssumedRoleUserJson(const AssumedRoleUser& u) {
  return Json{{"assumedRoleId", u.assumed_role_id}, {"arn", u.arn}};
}

Json ResponseJson(const AnyResponse& response) {
  return std::visit(
      [](const auto& r) -> Json {
        using T = std::decay_t<decltype(r)>;
        Json j = Json::object();
        if constexpr (std::is_same_v<T, AssumeRoleResponse>) {
          j["credentials"] = CredentialsJson(r.credentials);
          j["assumedRoleUser"] = AssumedRoleUserJson(r.assumed_role_user);
          PutIf(j, "packedPolicySize", r.packed_policy_size);
          PutIf(j, "sourceIdentity", r.source_identity);
        } else if constexpr (std::is_same_v<T, AssumeRoleWithWebIdentityResponse>) {
          j["credentials"] = CredentialsJson(r.credentials);
          j["subjectFromWebIdentityToken"] = r.subject_from_web_identity_token;
          j["assumedRoleUser"] = AssumedRoleUserJson(r.assumed_role_user);
          PutIf(j, "packedPolicySize", r.packed_policy_size);
          j["provider"] = r.provider;
          j["audience"] = r.audience;
          PutIf(j, "sourceIdentity", r.source_identity);
        } else if constexpr (std::is_same_v<T, GetSessionTokenResponse>) {
          j["credentials"] = CredentialsJson(r.credentials);
        } else if constexpr (std::is_same_v<T, GetFederationTokenResponse>) {
          j["credentials"] = CredentialsJson(r.credentials);
          j["federatedUser"] = Json{{"federatedUserId", r.federated_user.federated_user_id},
                                    {"arn", r.federated_user.arn}};
          PutIf(j, "packedPolicySize", r.packed_policy_size);
        } else {
          return Json(nullptr);  // read-only calls: CloudTrail records no response elements
        }
        return j;
      },
      response);
}

Json IdentityJson(const AuditIdentity& id) {
  Json j = Json::object();
  j["type"] = id.type;
  auto put = [&j](const char* key, const std::string& value) {
    if (!value.empty()) j[key] = value;
  };
  put("principalId", id.principal_id);
  put("arn", id.arn);
  put("accountId", id.account_id);
  put("accessKeyId", id.access_key_id);
  put("userName", id.user_name);
  if (!id.issuer_role_arn.empty()) {
    Json context;
    context["sessionIssuer"] = Json{{"type", "Role"},
                                    {"principalId", id.issuer_role_id},
                                    {"arn", id.issuer_role_arn},
                                    {"accountId", id.account_id},
                                    {"userName", id.issuer_role_name}};
    Json attributes;
    if (id.session_created) attributes["creationDate"] = FormatIso8601(*id.session_created);
    attributes["mfaAuthenticated"] = id.mfa_authenticated ? "true" : "false";
    context["attributes"] = std::move(attributes);
    j["sessionContext"] = std::move(context);
  }
  return j;
}

std::string ErrnoText(int err) {
  char buffer[128];
  return ::strerror_r(err, buffer, sizeof(buffer));
}

}  // namespace

std::string ArnAccount(std::string_view arn) {
  std::size_t start = 0;
  for (int field = 0; field < 4; ++field) {
    start = arn.find(':', start);
    if (start == std::string_view::npos) return "";
    ++start;
  }
  const std::size_t end = arn.find(':', start);
  if (end == std::string_view::npos) return "";
  return std::string(arn.substr(start, end - start));
}

std::string_view PrincipalTypeName(PrincipalType type) {
  switch (type) {
    case PrincipalType::kRoot:
      return "Root";
    case PrincipalType::kIamUser:
      return "IAMUser";
    case PrincipalType::kAssumedRole:
      return "AssumedRole";
    case PrincipalType::kFederatedUser:
      return "FederatedUser";
  }
  return "Unknown";
}

AuditIdentity AuditIdentityOf(const CallerIdentity& caller) {
  AuditIdentity id;
  id.type = std::string(PrincipalTypeName(caller.type));
  id.principal_id = caller.principal_id;
  id.arn = caller.arn;
  id.account_id = caller.account_id.ToString();
  id.access_key_id = caller.access_key_id;
  id.user_name = caller.user_name;
  if (caller.session) {
    const sts::SessionClaims& claims = *caller.session;
    if (!claims.role_arn.empty()) {
      id.issuer_role_id = claims.role_id;
      id.issuer_role_arn = claims.role_arn;
      id.issuer_role_name = RoleNameOf(claims.role_arn);
    }
    id.session_created = WallTime(claims.issued_at);
    id.mfa_authenticated = claims.mfa_authenticated;
  }
  return id;
}

std::string CloudTrailExpiration(WallTime t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  char buffer[48];
  std::snprintf(buffer, sizeof(buffer), "%s %d, %d, %d:%02d:%02d %s", kMonths[tm.tm_mon],
                tm.tm_mday, tm.tm_year + 1900, hour12, tm.tm_min, tm.tm_sec,
                tm.tm_hour < 12 ? "AM" : "PM");
  return buffer;
}

std::string AuditEventToJson(const AuditEvent& event) {
  Json j;
  j["eventVersion"] = "1.08";
  if (event.user_identity) {
    j["userIdentity"] = IdentityJson(*event.user_identity);
  } else {
    j["userIdentity"] = nullptr;
  }
  j["eventTime"] = FormatIso8601(event.event_time);
  j["eventSource"] = "sts.amazonaws.com";
  j["eventName"] = event.event_name;
  j["awsRegion"] = event.region;
  j["sourceIPAddress"] = event.source_ip;
  j["userAgent"] = event.user_agent;
  if (event.error) {
    j["errorCode"] = event.error->code;
    j["errorMessage"] = event.error->message;
  }
  j["requestParameters"] = RequestJson(event.request);
  j["responseElements"] = ResponseJson(event.response);
  j["requestID"] = event.request_id;
  j["eventID"] = event.event_id;
  j["readOnly"] = true;
  j["eventType"] = "AwsApiCall";
  j["managementEvent"] = true;
  j["eventCategory"] = "Management";
  std::string recipient = event.recipient_account_id;
  if (recipient.empty() && event.user_identity) recipient = event.user_identity->account_id;
  j["recipientAccountId"] = recipient;
  if (event.error && !event.error->audit_detail.empty()) {
    j["imdsdDecision"] = event.error->audit_detail;
  }
  // Client-supplied text may hold invalid UTF-8; replace it rather than throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

AuditRing::AuditRing(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

void AuditRing::Append(std::string_view json_line) {
  std::string line(json_line);  // allocate outside the lock
  std::scoped_lock lock(mutex_);
  if (lines_.size() == capacity_) lines_.pop_front();
  lines_.push_back(std::move(line));
}

std::vector<std::string> AuditRing::Snapshot() const {
  std::scoped_lock lock(mutex_);
  return {lines_.begin(), lines_.end()};
}

std::string AuditRing::ToJsonArray() const {
  const std::vector<std::string> lines = Snapshot();
  std::string out = "[";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += ",\n";
    out += lines[i];
  }
  out += "]\n";
  return out;
}

Result<std::unique_ptr<AuditFile>> AuditFile::Open(const std::filesystem::path& path,
                                                   std::size_t max_queued) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot open audit log " + path.string() + ": " + ErrnoText(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
    ::close(fd);
    return PermissionDenied("audit log " + path.string() +
                            " is accessible to group or others; make it mode 0600");
  }
  return std::make_unique<AuditFile>(PassKey(), fd, max_queued == 0 ? 1 : max_queued);
}

AuditFile::AuditFile(PassKey /*key*/, int fd, std::size_t max_queued)
    : fd_(fd), max_queued_(max_queued), writer_([this] { Run(); }) {}

AuditFile::~AuditFile() {
  {
    std::scoped_lock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
  ::close(fd_);
}

void AuditFile::Append(std::string_view json_line) {
  std::string line;
  line.reserve(json_line.size() + 1);
  line += json_line;
  line += '\n';
  {
    std::scoped_lock lock(mutex_);
    if (queued_.size() >= max_queued_) {
      ++dropped_;
      return;
    }
    queued_.push_back(std::move(line));
  }
  wake_.notify_one();
}

void AuditFile::Flush() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queued_.empty() && !writing_; });
}

std::uint64_t AuditFile::dropped() const {
  std::scoped_lock lock(mutex_);
  return dropped_;
}

void AuditFile::Run() {
  std::vector<std::string> batch;
  bool failing = false;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      writing_ = false;
      idle_.notify_all();
      wake_.wait(lock, [this] { return stopping_ || !queued_.empty(); });
      if (queued_.empty()) return;  // stopping with nothing left
      batch.swap(queued_);
      writing_ = true;
    }
    std::string buffer;
    for (const auto& line : batch) buffer += line;
    batch.clear();
    std::string_view rest(buffer);
    while (!rest.empty()) {
      const ssize_t n = ::write(fd_, rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        // One warning per failure streak; the records are lost, requests carry on.
        if (!failing) spdlog::warn("cannot write the audit log: {}", ErrnoText(errno));
        failing = true;
        break;
      }
      failing = false;
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
  }
}

}  // namespace imdsd::stsapi
