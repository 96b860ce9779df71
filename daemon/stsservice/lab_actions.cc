#include "stsservice/lab_actions.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <span>
#include <utility>

#include "common/time_format.h"
#include "crypto/totp.h"
#include "policy/authorize.h"
#include "policy/evaluator.h"
#include "policy/parser.h"
#include "stsapi/requests.h"
#include "stsservice/caller_policies.h"

namespace imdsd::stsservice {
namespace {

using stsapi::Outcome;
using stsapi::StsError;

constexpr int kPackedPolicyBudget = 2048;

std::chrono::sys_seconds Seconds(WallTime t) { return std::chrono::floor<std::chrono::seconds>(t); }

StsError Denied(std::string_view caller_arn, std::string_view action, std::string_view resource,
                std::string detail) {
  StsError error = stsapi::NotAuthorizedError(caller_arn, action, resource);
  error.audit_detail = std::move(detail);
  return error;
}

// The tags of a new role session: transitive tags inherited from the calling session, then
// the request's own, which may repeat neither those nor each other (keys compare without case);
// and the transitive keys, inherited ones first.
struct SessionTags {
  std::vector<sts::SessionTag> tags;
  std::vector<std::string> transitive_keys;
};

Outcome<SessionTags> ResolveSessionTags(const stsapi::CallerIdentity& caller,
                                        const stsapi::AssumeRoleRequest& request) {
  SessionTags out;
  std::vector<sts::SessionTag>& tags = out.tags;
  std::vector<std::string>& transitive_keys = out.transitive_keys;
  const sts::SessionClaims* session = caller.session ? &*caller.session : nullptr;
  if (session != nullptr) {
    for (const sts::SessionTag& tag : session->tags) {
      const bool transitive =
          std::any_of(session->transitive_tag_keys.begin(), session->transitive_tag_keys.end(),
                      [&](const std::string& key) { return EqualsIgnoreCase(key, tag.key); });
      if (transitive) tags.push_back(tag);
    }
    transitive_keys = session->transitive_tag_keys;
  }
  const std::size_t inherited = tags.size();
  for (const stsapi::Tag& tag : request.tags) {
    for (std::size_t i = 0; i < tags.size(); ++i) {
      if (!EqualsIgnoreCase(tags[i].key, tag.key)) continue;
      if (i < inherited) {
        return Explained(
            stsapi::ValidationError("Tag key '" + tag.key +
                                    "' is set by an inherited transitive session tag and cannot "
                                    "be passed again in a chained session."),
            "tag " + tag.key + " is transitive from " + caller.arn);
      }
      return Explained(stsapi::ValidationError("Duplicate tag keys found. Please note that Tag "
                                               "keys are case insensitive."),
                       "tag key " + tag.key + " passed twice");
    }
    tags.push_back({tag.key, tag.value});
  }
  for (const std::string& key : request.transitive_tag_keys) {
    const bool passed =
        std::any_of(request.tags.begin(), request.tags.end(),
                    [&](const stsapi::Tag& t) { return EqualsIgnoreCase(t.key, key); });
    if (!passed) {
      return Explained(
          stsapi::ValidationError("Transitive tag key '" + key +
                                  "' is not one of the session tags passed in this request."),
          "transitive key " + key + " names no passed tag");
    }
    const bool known = std::any_of(transitive_keys.begin(), transitive_keys.end(),
                                   [&](const std::string& k) { return EqualsIgnoreCase(k, key); });
    if (!known) transitive_keys.push_back(key);
  }
  if (tags.size() > stsapi::kMaxTags) {
    return Explained(
        stsapi::ValidationError("The number of session tags (" + std::to_string(tags.size()) +
                                ") exceeds the limit of 50."),
        "passed and inherited session tags together exceed 50");
  }
  return out;
}

// The configured user behind a caller signing with a long-term key: GetSessionToken and
// GetFederationToken refuse every other caller.
Outcome<const UserEntry*> LongTermUser(const Directory& directory,
                                       const stsapi::CallerIdentity* caller,
                                       std::string_view action) {
  if (caller == nullptr) return stsapi::InternalFailureError();
  if (caller->session) {
    return Explained(stsapi::SessionCredentialsNotAllowedError(action),
                     caller->arn + " signed with temporary credentials; " + std::string(action) +
                         " needs a user's long-term access key");
  }
  const UserEntry* user = directory.FindUserByArn(caller->arn);
  if (user == nullptr) return stsapi::InternalFailureError();
  return user;
}

}  // namespace

WallTime LabActions::Now(const stsapi::CallContext& context) const {
  // The frontend stamps every call; a zero time means a caller that did not (a test, a tool).
  return context.now == WallTime{} ? clock_.Now() : context.now;
}

int PackedPolicyPercent(std::string_view compact_policy, const std::vector<sts::SessionTag>& tags,
                        const std::vector<std::string>& transitive_keys) {
  std::size_t units = (compact_policy.size() + 1) / 2;
  for (const sts::SessionTag& tag : tags) units += tag.key.size() + tag.value.size() + 4;
  for (const std::string& key : transitive_keys) units += key.size() + 2;
  if (units == 0) return 0;
  return static_cast<int>((units * 100 + kPackedPolicyBudget - 1) / kPackedPolicyBudget);
}

LabActions::LabActions(const Clock& clock, RandomSource& random,
                       const sts::SessionTokenCodec& codec,
                       std::shared_ptr<const Directory> directory)
    : clock_(clock), random_(random), codec_(codec), directory_(std::move(directory)) {}

Outcome<std::optional<WallTime>> LabActions::CheckMfa(const UserEntry* user,
                                                      const std::optional<std::string>& serial_arg,
                                                      const std::optional<std::string>& code,
                                                      WallTime now) {
  if (!serial_arg && !code) return std::optional<WallTime>();
  if (!serial_arg) return Explained(stsapi::MfaUnusableError(), "TokenCode without SerialNumber");
  const std::string& serial = *serial_arg;
  const std::shared_ptr<const Directory> dir = directory_.Get();
  const MfaDeviceEntry* device = dir->FindMfaDevice(serial);
  if (device == nullptr) {
    return Explained(stsapi::MfaUnusableError(), "no MFA device with serial " + serial);
  }
  if (user == nullptr || device->user != user) {
    return Explained(
        stsapi::MfaUnusableError(),
        "MFA device " + serial + " is not assigned to the caller" +
            (user == nullptr ? " (only IAM users have MFA devices)" : " " + user->arn));
  }
  if (!code) {
    return Explained(stsapi::MfaInvalidCodeError(), "SerialNumber without TokenCode");
  }
  const std::string& seed = device->device->seed.Reveal();
  const std::span<const std::uint8_t> seed_bytes(reinterpret_cast<const std::uint8_t*>(seed.data()),
                                                 seed.size());
  std::scoped_lock lock(mfa_mutex_);
  std::optional<std::uint64_t> last;
  if (auto it = last_mfa_step_.find(serial); it != last_mfa_step_.end()) last = it->second;
  Result<crypto::TotpMatch> match = crypto::VerifyTotp(seed_bytes, *code, now, last);
  if (!match.ok()) {
    const bool replay = match.status().code() == ErrorCode::kFailedPrecondition;
    return Explained(
        stsapi::MfaInvalidCodeError(),
        replay ? "the code for MFA device " + serial + " was already used; each code is good once"
               : "the code does not match MFA device " + serial +
                     " at this time (one 30-second step either side allowed)");
  }
  last_mfa_step_[serial] = match->step;
  return std::optional<WallTime>(now);
}

LabActions::RoleSession LabActions::IssueRoleSession(const Directory& directory,
                                                     const RoleEntry& role,
                                                     std::string_view session_name,
                                                     sts::SessionClaims& claims, WallTime now,
                                                     int duration_seconds) {
  claims.kind = sts::SessionKind::kAssumedRole;
  claims.account_id = role.account_id;
  claims.role_arn = role.arn;
  claims.role_id = role.role->role_id;
  claims.role_session_name = std::string(session_name);
  RoleSession out;
  out.credentials = Issue(claims, now, std::chrono::seconds(duration_seconds));
  out.user.assumed_role_id = sts::MakeAssumedRoleId(role.role->role_id, session_name);
  out.user.arn = sts::MakeAssumedRoleArn(directory.partition(), role.account_id, role.role->name,
                                         session_name);
  return out;
}

stsapi::Credentials LabActions::Issue(sts::SessionClaims& claims, WallTime now,
                                      std::chrono::seconds lifetime) {
  claims.access_key_id =
      sts::MakeAccessKeyId(sts::kTemporaryAccessKeyPrefix, claims.account_id, random_);
  claims.secret_access_key = sts::MakeSecretAccessKey(random_);
  claims.issued_at = Seconds(now);
  claims.expires_at = claims.issued_at + lifetime;
  stsapi::Credentials credentials;
  credentials.access_key_id = claims.access_key_id;
  credentials.secret_access_key = claims.secret_access_key;
  credentials.session_token = codec_.Mint(claims);
  credentials.expiration = claims.expires_at;
  return credentials;
}

Outcome<stsapi::GetCallerIdentityResponse> LabActions::GetCallerIdentity(
    const stsapi::CallContext& context, const stsapi::GetCallerIdentityRequest& /*request*/) {
  if (context.caller == nullptr) return stsapi::InternalFailureError();
  return stsapi::CallerIdentityResponseOf(*context.caller);
}

Outcome<stsapi::AssumeRoleResponse> LabActions::AssumeRole(
    const stsapi::CallContext& context, const stsapi::AssumeRoleRequest& request) {
  if (context.caller == nullptr) return stsapi::InternalFailureError();
  const stsapi::CallerIdentity& caller = *context.caller;
  const std::shared_ptr<const Directory> dir = directory_.Get();
  const WallTime now = Now(context);

  if (caller.type == stsapi::PrincipalType::kRoot) return stsapi::RootCannotAssumeRoleError();
  if (caller.type == stsapi::PrincipalType::kFederatedUser) {
    return Denied(caller.arn, "AssumeRole", request.role_arn,
                  "federated users (GetFederationToken credentials) may call no STS operation "
                  "but GetCallerIdentity");
  }
  if (!request.role_arn.starts_with("arn:")) return stsapi::InvalidRoleArnError(request.role_arn);
  const RoleEntry* role = dir->FindRoleByArn(request.role_arn);
  if (role == nullptr) {
    return Denied(caller.arn, "AssumeRole", request.role_arn,
                  "no role " + request.role_arn +
                      " exists in the configuration (STS answers a missing role like a refusal)");
  }

  CallerPolicies who;
  ResolveCaller(*dir, caller, session_policies_, who);
  const sts::SessionClaims* session = caller.session ? &*caller.session : nullptr;

  // Session policy.
  Outcome<std::optional<SessionPolicy>> session_policy =
      ParseSessionPolicy(request.policy, request.policy_arns);
  if (!session_policy.ok()) return std::move(session_policy).error();

  Outcome<SessionTags> session_tags = ResolveSessionTags(caller, request);
  if (!session_tags.ok()) return std::move(session_tags).error();
  std::vector<sts::SessionTag>& tags = session_tags.value().tags;
  std::vector<std::string>& transitive_keys = session_tags.value().transitive_keys;

  // Source identity: set once per chain.
  std::optional<std::string> source_identity =
      session != nullptr ? session->source_identity : std::nullopt;
  if (request.source_identity) {
    if (source_identity && *source_identity != *request.source_identity) {
      return Explained(stsapi::SourceIdentityAlreadySetError(),
                       "the calling session already has source identity " + *source_identity);
    }
    source_identity = request.source_identity;
  }

  // MFA.
  Outcome<std::optional<WallTime>> mfa =
      CheckMfa(who.user, request.serial_number, request.token_code, now);
  if (!mfa.ok()) return std::move(mfa).error();
  const std::optional<WallTime> mfa_time = mfa.value();

  // Condition keys.
  policy::ConditionContext keys;
  FillCallerKeys(caller, who, context.source_ip, now, keys);
  if (mfa_time) keys.SetMultiFactorAuth(*mfa_time, now);
  keys.Set(policy::keys::kRoleSessionName, request.role_session_name);
  if (request.external_id) keys.Set(policy::keys::kExternalId, *request.external_id);
  if (request.source_identity) keys.Set(policy::keys::kStsSourceIdentity, *request.source_identity);
  if (!request.transitive_tag_keys.empty()) {
    keys.Set(policy::keys::kTransitiveTagKeys, request.transitive_tag_keys);
  }
  policy::Tags request_tags;
  for (const sts::SessionTag& tag : tags) request_tags.emplace_back(tag.key, tag.value);
  keys.SetRequestTags(request_tags);

  // Authorization: AssumeRole, then what the session carries.
  std::vector<std::string_view> actions = {"sts:AssumeRole"};
  if (!tags.empty()) actions.push_back("sts:TagSession");
  if (source_identity) actions.push_back("sts:SetSourceIdentity");
  for (std::string_view action : actions) {
    policy::AccessDecision decision = AuthorizeForRole(who, *role, action, keys);
    if (!decision.allowed()) {
      return Denied(caller.arn, action.substr(4), role->arn, std::move(decision.reason));
    }
  }

  // Durations: the role's maximum first, then the chaining cap (the order live STS shows).
  const int duration = request.duration_seconds.value_or(stsapi::kDefaultRoleDurationSeconds);
  if (auto error = RoleDurationError(*role, duration)) return *std::move(error);
  const bool chaining = session != nullptr && session->kind == sts::SessionKind::kAssumedRole;
  if (chaining && duration > stsapi::kRoleChainingMaxSeconds) {
    return Explained(stsapi::RoleChainingLimitError(),
                     caller.arn +
                         " is itself an assumed-role session, so this is role chaining: "
                         "at most 3600 s, " +
                         std::to_string(duration) + " s asked");
  }

  std::optional<int> packed;
  const std::string_view compact =
      session_policy.value() ? std::string_view(session_policy.value()->compact_json) : "";
  if (session_policy.value() || !tags.empty()) {
    packed = PackedPolicyPercent(compact, tags, transitive_keys);
    if (*packed > 100) {
      return Explained(stsapi::PackedPolicyTooLargeError(*packed),
                       "session policy and tags use an estimated " + std::to_string(*packed) +
                           "% of the packed space");
    }
  }

  sts::SessionClaims claims;
  if (session_policy.value()) claims.session_policy = session_policy.value()->compact_json;
  claims.tags = std::move(tags);
  claims.transitive_tag_keys = std::move(transitive_keys);
  claims.source_identity = source_identity;
  if (session != nullptr) claims.chained_from = caller.arn;
  if (mfa_time) {
    claims.mfa_authenticated = true;
    claims.mfa_auth_time = Seconds(*mfa_time);
  }
  RoleSession issued =
      IssueRoleSession(*dir, *role, request.role_session_name, claims, now, duration);

  stsapi::AssumeRoleResponse response;
  response.credentials = std::move(issued.credentials);
  response.assumed_role_user = std::move(issued.user);
  response.packed_policy_size = packed;
  response.source_identity = source_identity;
  return response;
}

Outcome<stsapi::GetSessionTokenResponse> LabActions::GetSessionToken(
    const stsapi::CallContext& context, const stsapi::GetSessionTokenRequest& request) {
  const std::shared_ptr<const Directory> dir = directory_.Get();
  Outcome<const UserEntry*> long_term = LongTermUser(*dir, context.caller, "GetSessionToken");
  if (!long_term.ok()) return std::move(long_term).error();
  const UserEntry* user = long_term.value();

  Outcome<std::optional<WallTime>> mfa =
      CheckMfa(user, request.serial_number, request.token_code, Now(context));
  if (!mfa.ok()) return std::move(mfa).error();
  const std::optional<WallTime> mfa_time = mfa.value();

  sts::SessionClaims claims;
  claims.kind = sts::SessionKind::kSessionToken;
  claims.account_id = user->account_id;
  claims.role_arn = user->arn;
  claims.role_id = user->user->user_id;
  claims.role_session_name = user->user->name;
  if (mfa_time) {
    claims.mfa_authenticated = true;
    claims.mfa_auth_time = Seconds(*mfa_time);
  }
  const int duration = request.duration_seconds.value_or(stsapi::kDefaultTokenDurationSeconds);
  stsapi::GetSessionTokenResponse response;
  response.credentials = Issue(claims, Now(context), std::chrono::seconds(duration));
  return response;
}

Outcome<stsapi::GetFederationTokenResponse> LabActions::GetFederationToken(
    const stsapi::CallContext& context, const stsapi::GetFederationTokenRequest& request) {
  const std::shared_ptr<const Directory> dir = directory_.Get();
  Outcome<const UserEntry*> long_term = LongTermUser(*dir, context.caller, "GetFederationToken");
  if (!long_term.ok()) return std::move(long_term).error();
  const UserEntry* user = long_term.value();
  const stsapi::CallerIdentity& caller = *context.caller;

  const std::string account = user->account_id.ToString();
  const std::string federated_arn =
      "arn:" + dir->partition() + ":sts::" + account + ":federated-user/" + request.name;

  Outcome<std::optional<SessionPolicy>> session_policy =
      ParseSessionPolicy(request.policy, request.policy_arns);
  if (!session_policy.ok()) return std::move(session_policy).error();

  std::vector<sts::SessionTag> tags;
  for (const stsapi::Tag& tag : request.tags) {
    for (const sts::SessionTag& seen : tags) {
      if (EqualsIgnoreCase(seen.key, tag.key)) {
        return Explained(stsapi::ValidationError("Duplicate tag keys found. Please note that "
                                                 "Tag keys are case insensitive."),
                         "tag key " + tag.key + " passed twice");
      }
    }
    tags.push_back({tag.key, tag.value});
  }

  CallerPolicies who;
  ResolveCaller(*dir, caller, session_policies_, who);
  policy::ConditionContext keys;
  FillCallerKeys(caller, who, context.source_ip, Now(context), keys);
  policy::Tags request_tags;
  for (const sts::SessionTag& tag : tags) request_tags.emplace_back(tag.key, tag.value);
  keys.SetRequestTags(request_tags);
  std::vector<std::string_view> actions = {"sts:GetFederationToken"};
  if (!tags.empty()) actions.push_back("sts:TagSession");
  for (std::string_view action : actions) {
    IdentityDecision decision = AuthorizeByIdentity(who, action, federated_arn, keys);
    if (!decision.allowed) {
      return Denied(caller.arn, action.substr(4), federated_arn, std::move(decision.reason));
    }
  }

  std::optional<int> packed;
  if (session_policy.value() || !tags.empty()) {
    packed = PackedPolicyPercent(
        session_policy.value() ? std::string_view(session_policy.value()->compact_json) : "", tags,
        {});
    if (*packed > 100) {
      return Explained(stsapi::PackedPolicyTooLargeError(*packed),
                       "session policy and tags use an estimated " + std::to_string(*packed) +
                           "% of the packed space");
    }
  }

  sts::SessionClaims claims;
  claims.kind = sts::SessionKind::kFederatedUser;
  claims.account_id = user->account_id;
  claims.role_arn = user->arn;
  claims.role_id = user->user->user_id;
  claims.role_session_name = request.name;
  if (session_policy.value()) claims.session_policy = session_policy.value()->compact_json;
  claims.tags = std::move(tags);
  const int duration = request.duration_seconds.value_or(stsapi::kDefaultTokenDurationSeconds);

  stsapi::GetFederationTokenResponse response;
  response.credentials = Issue(claims, Now(context), std::chrono::seconds(duration));
  response.federated_user.federated_user_id = account + ":" + request.name;
  response.federated_user.arn = federated_arn;
  response.packed_policy_size = packed;
  return response;
}

Outcome<stsapi::GetAccessKeyInfoResponse> LabActions::GetAccessKeyInfo(
    const stsapi::CallContext& /*context*/, const stsapi::GetAccessKeyInfoRequest& request) {
  const std::shared_ptr<const Directory> dir = directory_.Get();
  stsapi::GetAccessKeyInfoResponse response;
  // Old-style ids carry no account; a configured one still has an owner to report.
  if (const AccessKeyEntry* key = dir->FindAccessKey(request.access_key_id)) {
    response.account = key->user->account_id.ToString();
    return response;
  }
  Result<sts::AccountId> account = sts::AccountFromAccessKeyId(request.access_key_id);
  if (!account.ok()) {
    return Explained(stsapi::ValidationError(
                         "imdsd cannot tell the account of access key " + request.access_key_id +
                         ": it is not a configured key and does not encode an account."),
                     account.status().message());
  }
  response.account = account->ToString();
  return response;
}

Outcome<stsapi::DecodeAuthorizationMessageResponse> LabActions::DecodeAuthorizationMessage(
    const stsapi::CallContext& /*context*/,
    const stsapi::DecodeAuthorizationMessageRequest& /*request*/) {
  StsError error;
  error.code = "InvalidAuthorizationMessageException";
  error.message =
      "imdsd issues no encoded authorization messages; read the explanation of a refusal in the "
      "STS audit log instead.";
  error.http_status = 400;
  error.audit_detail = "DecodeAuthorizationMessage is not supported";
  return error;
}

}  // namespace imdsd::stsservice
