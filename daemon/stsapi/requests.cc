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
  const auto role_arn = params.Get("RoleArn");
  v.CheckRequired("roleArn", role_arn, kArn);
  const auto session_name = params.Get("RoleSessionName");
  v.CheckRequired("roleSessionName", session_name, kRoleSessionName);
  request.role_arn = role_arn.value_or("");
  request.role_session_name = session_name.value_or("");
  request.policy_arns = BindPolicyArns(params, v);
  request.policy = params.Get("Policy");
  v.CheckOptional("policy", request.policy, kPolicyLimited);
  request.duration_seconds = duration.value();
  if (request.duration_seconds) {
    v.CheckRange("durationSeconds", *request.duration_seconds, kMinDurationSeconds,
                 kMaxRoleDurationSeconds);
  }
  request.tags = BindTags(params, v);
  request.transitive_tag_keys = BindTransitiveTagKeys(params, v);
  request.external_id = params.Get("ExternalId");
  v.CheckOptional("externalId", request.external_id, kExternalId);
  request.serial_number = params.Get("SerialNumber");
  v.CheckOptional("serialNumber", request.serial_number, kSerialNumber);
  request.token_code = params.Get("TokenCode");
  v.CheckOptional("tokenCode", request.token_code, kTokenCode);
  request.source_identity = params.Get("SourceIdentity");
  v.CheckOptional("sourceIdentity", request.source_identity, kSourceIdentity);
  return Finish(std::move(request), v);
}

Outcome<AssumeRoleWithWebIdentityRequest> BindAssumeRoleWithWebIdentity(const QueryParams& params) {
  auto duration = ParseOptionalInt(params, "DurationSeconds");
  if (!duration.ok()) return std::move(duration).error();
  AssumeRoleWithWebIdentityRequest request;
  Violations v;
  const auto role_arn = params.Get("RoleArn");
  v.CheckRequired("roleArn", role_arn, kArn);
  const auto session_name = params.Get("RoleSessionName");
  v.CheckRequired("roleSessionName", session_name, kRoleSessionName);
  const auto token = params.Get("WebIdentityToken");
  if (!token) {
    v.Null("webIdentityToken");
  } else {
    // The token is a credential: a violation shows "***", never its text.
    v.CheckString("webIdentityToken", *token, kWebIdentityToken, "***");
  }
  request.role_arn = role_arn.value_or("");
  request.role_session_name = session_name.value_or("");
  request.web_identity_token = token.value_or("");
  request.provider_id = params.Get("ProviderId");
  v.CheckOptional("providerId", request.provider_id, kProviderId);
  request.policy_arns = BindPolicyArns(params, v);
  request.policy = params.Get("Policy");
  v.CheckOptional("policy", request.policy, kPolicyLimited);
  request.duration_seconds = duration.value();
  if (request.duration_seconds) {
    v.CheckRange("durationSeconds", *request.duration_seconds, kMinDurationSeconds,
                 kMaxRoleDurationSeconds);
  }
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
  if (request.duration_seconds) {
    v.CheckRange("durationSeconds", *request.duration_seconds, kMinDurationSeconds,
                 kMaxTokenDurationSeconds);
  }
  request.serial_number = params.Get("SerialNumber");
  v.CheckOptional("serialNumber", request.serial_number, kSerialNumber);
  request.token_code = params.Get("TokenCode");
  v.CheckOptional("tokenCode", request.token_code, kTokenCode);
  return Finish(std::move(request), v);
}

Outcome<GetFederationTokenRequest> BindGetFederationToken(const QueryParams& params) {
  auto duration = ParseOptionalInt(params, "DurationSeconds");
  if (!duration.ok()) return std::move(duration).error();
  GetFederationTokenRequest request;
  Violations v;
  const auto name = params.Get("Name");
  v.CheckRequired("name", name, kFederatedName);
  request.name = name.value_or("");
  request.policy = params.Get("Policy");
  v.CheckOptional("policy", request.policy, kPolicyLimited);
  request.policy_arns = BindPolicyArns(params, v);
  request.duration_seconds = duration.value();
  if (request.duration_seconds) {
    v.CheckRange("durationSeconds", *request.duration_seconds, kMinDurationSeconds,
                 kMaxTokenDurationSeconds);
  }
  request.tags = BindTags(params, v);
  return Finish(std::move(request), v);
}

Outcome<GetAccessKeyInfoRequest> BindGetAccessKeyInfo(const QueryParams& params) {
  GetAccessKeyInfoRequest request;
  Violations v;
  const auto key = params.Get("AccessKeyId");
  v.CheckRequired("accessKeyId", key, kAccessKeyId);
  request.access_key_id = key.value_or("");
  return Finish(std::move(request), v);
}

Outcome<DecodeAuthorizationMessageRequest> BindDecodeAuthorizationMessage(
    const QueryParams& params) {
  DecodeAuthorizationMessageRequest request;
  Violations v;
  const auto message = params.Get("EncodedMessage");
  v.CheckRequired("encodedMessage", message, kEncodedMessage);
  request.encoded_message = message.value_or("");
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
