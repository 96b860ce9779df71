#include "stsapi/requests.h"

#include <array>
#include <utility>

#include "stsapi/validation.h"

namespace imdsd::stsapi {
namespace {

constexpr StringConstraint kArn{20, 2048, Pattern::kArn};
constexpr StringConstraint kRoleSessionName{2, 64, Pattern::kName};
constexpr StringConstraint kPolicyLimited{1, kMaxSessionPolicyChars, Pattern::kPolicy};
constexpr StringConstraint kExternalId{2, 1224, Pattern::kExternalId};
constexpr StringConstraint kSerialNumber{9, 256, Pattern::kSerialNumber};
constexpr StringConstraint kTokenCode{6, 6, Pattern::kDigits};
constexpr StringConstraint kSourceIdentity{2, kMaxSourceIdentityChars, Pattern::kName};
constexpr StringConstraint kTagKey{1, 128, Pattern::kTagKey};
constexpr StringConstraint kTagValue{0, 256, Pattern::kTagValue};
constexpr StringConstraint kFederatedName{2, 32, Pattern::kName};
constexpr StringConstraint kWebIdentityToken{4, 20000, Pattern::kNone};
constexpr StringConstraint kProviderId{4, 2048, Pattern::kNone};
constexpr StringConstraint kAccessKeyId{16, 128, Pattern::kWord};
constexpr StringConstraint kEncodedMessage{1, 10240, Pattern::kNone};

struct ActionEntry {
  Action action;
  std::string_view name;
};
constexpr std::array<ActionEntry, 7> kActions = {{
    {Action::kAssumeRole, "AssumeRole"},
    {Action::kAssumeRoleWithWebIdentity, "AssumeRoleWithWebIdentity"},
    {Action::kGetCallerIdentity, "GetCallerIdentity"},
    {Action::kGetSessionToken, "GetSessionToken"},
    {Action::kGetFederationToken, "GetFederationToken"},
    {Action::kGetAccessKeyInfo, "GetAccessKeyInfo"},
    {Action::kDecodeAuthorizationMessage, "DecodeAuthorizationMessage"},
}};

std::string ListMember(std::string_view list, std::size_t index, std::string_view field = "") {
  std::string member(list);
  member += '.';
  member += std::to_string(index);
  member += ".member";
  if (!field.empty()) {
    member += '.';
    member += field;
  }
  return member;
}

// How a list is printed in a list-size violation: Java's "[a, b]" shape.
template <typename T, typename F>
std::string RenderList(const std::vector<T>& items, F&& render) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += render(items[i]);
  }
  out += ']';
  return out;
}

std::vector<std::string> BindPolicyArns(const QueryParams& params, Violations& violations) {
  std::vector<std::string> arns;
  const auto items = params.StructList("PolicyArns", {"arn"});
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i][0]) continue;  // `arn` is optional in the model
    violations.CheckString(ListMember("policyArns", i + 1, "arn"), *items[i][0], kArn);
    arns.push_back(*items[i][0]);
  }
  violations.CheckListSize(
      "policyArns", RenderList(arns, [](const std::string& a) { return "{Arn: " + a + "}"; }),
      arns.size(), kMaxPolicyArns);
  return arns;
}

std::vector<Tag> BindTags(const QueryParams& params, Violations& violations) {
  std::vector<Tag> tags;
  const auto items = params.StructList("Tags", {"Key", "Value"});
  for (std::size_t i = 0; i < items.size(); ++i) {
    violations.CheckRequired(ListMember("tags", i + 1, "key"), items[i][0], kTagKey);
    violations.CheckRequired(ListMember("tags", i + 1, "value"), items[i][1], kTagValue);
    tags.push_back(Tag{items[i][0].value_or(""), items[i][1].value_or("")});
  }
  violations.CheckListSize(
      "tags",
      RenderList(tags, [](const Tag& t) { return "{Key: " + t.key + ",Value: " + t.value + "}"; }),
      tags.size(), kMaxTags);
  return tags;
}

std::vector<std::string> BindTransitiveTagKeys(const QueryParams& params, Violations& violations) {
  std::vector<std::string> keys = params.List("TransitiveTagKeys");
  for (std::size_t i = 0; i < keys.size(); ++i) {
    violations.CheckString(ListMember("transitiveTagKeys", i + 1), keys[i], kTagKey);
  }
  violations.CheckListSize("transitiveTagKeys",
                           RenderList(keys, [](const std::string& k) { return k; }), keys.size(),
                           kMaxTags);
  return keys;
}

// The first value of `name`, checked as `member`: Null when absent.
std::string Required(const QueryParams& params, std::string_view name, std::string_view member,
                     const StringConstraint& c, Violations& v) {
  std::optional<std::string> value = params.Get(name);
  v.CheckRequired(member, value, c);
  return std::move(value).value_or("");
}

// The first value of `name`, checked as `member` when present.
std::optional<std::string> Optional(const QueryParams& params, std::string_view name,
                                    std::string_view member, const StringConstraint& c,
                                    Violations& v) {
  std::optional<std::string> value = params.Get(name);
  v.CheckOptional(member, value, c);
  return value;
}

void CheckDuration(std::optional<int> duration, int max, Violations& v) {
  if (duration) v.CheckRange("durationSeconds", *duration, kMinDurationSeconds, max);
}

template <typename T>
Outcome<T> Finish(T request, const Violations& violations) {
  if (auto error = violations.ToError()) return std::move(*error);
  return request;
}

}  // namespace

std::optional<Action> ActionFromName(std::string_view name) {
  for (const ActionEntry& entry : kActions) {
    if (entry.name == name) return entry.action;
  }
  return std::nullopt;
}

std::string_view ActionName(Action action) {
  for (const ActionEntry& entry : kActions) {
    if (entry.action == action) return entry.name;
  }
  return "";
}

bool IsUnsigned(Action action) { return action == Action::kAssumeRoleWithWebIdentity; }

Outcome<AssumeRoleRequest> BindAssumeRole(const QueryParams& params) {
  auto duration = ParseOptionalInt(params, "DurationSeconds");
  if (!duration.ok()) return std::move(duration).error();
  AssumeRoleRequest request;
  Violations v;
  request.role_arn = Required(params, "RoleArn", "roleArn", kArn, v);
  request.role_session_name =
      Required(params, "RoleSessionName", "roleSessionName", kRoleSessionName, v);
  request.policy_arns = BindPolicyArns(params, v);
  request.policy = Optional(params, "Policy", "policy", kPolicyLimited, v);
  request.duration_seconds = duration.value();
  CheckDuration(request.duration_seconds, kMaxRoleDurationSeconds, v);
  request.tags = BindTags(params, v);
  request.transitive_tag_keys = BindTransitiveTagKeys(params, v);
  request.external_id = Optional(params, "ExternalId", "externalId", kExternalId, v);
  request.serial_number = Optional(params, "SerialNumber", "serialNumber", kSerialNumber, v);
  request.token_code = Optional(params, "TokenCode", "tokenCode", kTokenCode, v);
  request.source_identity =
      Optional(params, "SourceIdentity", "sourceIdentity", kSourceIdentity, v);
  return Finish(std::move(request), v);
}

Outcome<AssumeRoleWithWebIdentityRequest> BindAssumeRoleWithWebIdentity(const QueryParams& params) {
  auto duration = ParseOptionalInt(params, "DurationSeconds");
  if (!duration.ok()) return std::move(duration).error();
  AssumeRoleWithWebIdentityRequest request;
  Violations v;
  request.role_arn = Required(params, "RoleArn", "roleArn", kArn, v);
  request.role_session_name =
      Required(params, "RoleSessionName", "roleSessionName", kRoleSessionName, v);
  const auto token = params.Get("WebIdentityToken");
  if (!token) {
    v.Null("webIdentityToken");
  } else {
    // The token is a credential: a violation shows "***", never its text.
    v.CheckString("webIdentityToken", *token, kWebIdentityToken, "***");
  }
  request.web_identity_token = token.value_or("");
  request.provider_id = Optional(params, "ProviderId", "providerId", kProviderId, v);
  request.policy_arns = BindPolicyArns(params, v);
  request.policy = Optional(params, "Policy", "policy", kPolicyLimited, v);
  request.duration_seconds = duration.value();
  CheckDuration(request.duration_seconds, kMaxRoleDurationSeconds, v);
  return Finish(std::move(request), v);
}

Outcome<GetCallerIdentityRequest> BindGetCallerIdentity(const QueryParams& /*params*/) {
  return GetCallerIdentityRequest{};
}

Outcome<GetSessionTokenRequest> BindGetSessionToken(const QueryParams& params) {
  auto duration = ParseOptionalInt(params, "DurationSeconds");
  if (!duration.ok()) return std::move(duration).error();
  GetSessionTokenRequest request;
  Violations v;
  request.duration_seconds = duration.value();
  CheckDuration(request.duration_seconds, kMaxTokenDurationSeconds, v);
  request.serial_number = Optional(params, "SerialNumber", "serialNumber", kSerialNumber, v);
  request.token_code = Optional(params, "TokenCode", "tokenCode", kTokenCode, v);
  return Finish(std::move(request), v);
}

Outcome<GetFederationTokenRequest> BindGetFederationToken(const QueryParams& params) {
  auto duration = ParseOptionalInt(params, "DurationSeconds");
  if (!duration.ok()) return std::move(duration).error();
  GetFederationTokenRequest request;
  Violations v;
  request.name = Required(params, "Name", "name", kFederatedName, v);
  request.policy = Optional(params, "Policy", "policy", kPolicyLimited, v);
  request.policy_arns = BindPolicyArns(params, v);
  request.duration_seconds = duration.value();
  CheckDuration(request.duration_seconds, kMaxTokenDurationSeconds, v);
  request.tags = BindTags(params, v);
  return Finish(std::move(request), v);
}

Outcome<GetAccessKeyInfoRequest> BindGetAccessKeyInfo(const QueryParams& params) {
  GetAccessKeyInfoRequest request;
  Violations v;
  request.access_key_id = Required(params, "AccessKeyId", "accessKeyId", kAccessKeyId, v);
  return Finish(std::move(request), v);
}

Outcome<DecodeAuthorizationMessageRequest> BindDecodeAuthorizationMessage(
    const QueryParams& params) {
  DecodeAuthorizationMessageRequest request;
  Violations v;
  request.encoded_message =
      Required(params, "EncodedMessage", "encodedMessage", kEncodedMessage, v);
  return Finish(std::move(request), v);
}

Outcome<AnyRequest> BindRequest(Action action, const QueryParams& params) {
  auto wrap = [](auto outcome) -> Outcome<AnyRequest> {
    if (!outcome.ok()) return std::move(outcome).error();
    return AnyRequest(std::move(outcome).value());
  };
  switch (action) {
    case Action::kAssumeRole:
      return wrap(BindAssumeRole(params));
    case Action::kAssumeRoleWithWebIdentity:
      return wrap(BindAssumeRoleWithWebIdentity(params));
    case Action::kGetCallerIdentity:
      return wrap(BindGetCallerIdentity(params));
    case Action::kGetSessionToken:
      return wrap(BindGetSessionToken(params));
    case Action::kGetFederationToken:
      return wrap(BindGetFederationToken(params));
    case Action::kGetAccessKeyInfo:
      return wrap(BindGetAccessKeyInfo(params));
    case Action::kDecodeAuthorizationMessage:
      return wrap(BindDecodeAuthorizationMessage(params));
  }
  return InternalFailureError();
}

}  // namespace imdsd::stsapi
