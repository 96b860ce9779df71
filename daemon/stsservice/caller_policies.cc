#include "stsservice/caller_policies.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "common/time_format.h"
#include "policy/evaluator.h"
#include "policy/parser.h"

namespace imdsd::stsservice {
namespace {

// Role tags, then the session's own tags replacing role tags of the same key (any case).
policy::Tags MergeTags(const policy::Tags& base, const std::vector<sts::SessionTag>& session) {
  policy::Tags out;
  for (const auto& entry : base) {
    const bool replaced = std::any_of(session.begin(), session.end(), [&](const auto& tag) {
      return EqualsIgnoreCase(tag.key, entry.first);
    });
    if (!replaced) out.push_back(entry);
  }
  for (const sts::SessionTag& tag : session) out.emplace_back(tag.key, tag.value);
  return out;
}

void UseUser(const UserEntry* user, CallerPolicies& out) {
  out.user = user;
  if (user == nullptr) return;
  for (const ParsedPolicy& p : user->policies) out.identity_policies.push_back({p.name, &p.policy});
  out.principal_tags = user->tags;
}

}  // namespace

stsapi::StsError Explained(stsapi::StsError error, std::string detail) {
  error.audit_detail = std::move(detail);
  return error;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::optional<stsapi::StsError> RoleDurationError(const RoleEntry& role, int duration) {
  const int max = role.role->max_session_duration_seconds;
  if (duration <= max) return std::nullopt;
  return Explained(stsapi::DurationExceedsRoleMaxError(),
                   std::to_string(duration) + " s asked, role " + role.arn + " allows " +
                       std::to_string(max) + " s (its MaxSessionDuration)");
}

stsapi::Outcome<std::optional<SessionPolicy>> ParseSessionPolicy(
    const std::optional<std::string>& policy, const std::vector<std::string>& policy_arns) {
  if (!policy_arns.empty()) {
    stsapi::StsError error = stsapi::ValidationError(
        "imdsd cannot resolve PolicyArns: its configuration defines no "
        "managed policies; pass the policy inline with Policy instead");
    error.audit_detail =
        "PolicyArns " + policy_arns.front() + " refused: no managed policies in the config";
    return error;
  }
  if (!policy) return std::optional<SessionPolicy>();
  policy::ParseOutcome parsed = policy::ParsePolicyDocument(*policy, policy::PolicyKind::kIdentity);
  if (!parsed.policy) {
    std::string message;
    for (const policy::PolicyProblem& problem : parsed.problems) {
      if (!message.empty()) message += "; ";
      message += problem.ToString();
    }
    return Explained(stsapi::MalformedPolicyDocumentError(message),
                     "the session policy is not a valid identity policy: " + message);
  }
  return std::optional<SessionPolicy>(
      SessionPolicy{std::move(parsed.compact_json), std::move(*parsed.policy)});
}

void ResolveCaller(const Directory& directory, const stsapi::CallerIdentity& caller,
                   PolicyCache& cache, CallerPolicies& out) {
  const std::string account = caller.account_id.ToString();
  const sts::SessionClaims* session = caller.session ? &*caller.session : nullptr;
  switch (caller.type) {
    case stsapi::PrincipalType::kRoot:
      out.principal = policy::Principal::Aws(caller.arn, account);
      out.principal_arn = caller.arn;
      out.principal_type = "Account";
      return;
    case stsapi::PrincipalType::kIamUser:
      out.principal = policy::Principal::Aws(caller.arn, account);
      out.principal_arn = caller.arn;
      out.principal_type = "User";
      UseUser(directory.FindUserByArn(caller.arn), out);
      return;
    case stsapi::PrincipalType::kFederatedUser:
      out.principal = policy::Principal::Aws(caller.arn, account, session ? session->role_arn : "");
      out.principal_arn = caller.arn;
      out.principal_type = "FederatedUser";
      break;
    case stsapi::PrincipalType::kAssumedRole: {
      const std::string role_arn = session ? session->role_arn : "";
      out.principal = policy::Principal::Aws(caller.arn, account, role_arn);
      out.principal_arn = role_arn;
      out.principal_type = "AssumedRole";
      out.role = directory.FindRoleByArn(role_arn);
      if (out.role != nullptr) {
        for (const ParsedPolicy& p : out.role->permission_policies) {
          out.identity_policies.push_back({p.name, &p.policy});
        }
      }
      out.principal_tags = MergeTags(out.role ? out.role->tags : policy::Tags(),
                                     session ? session->tags : std::vector<sts::SessionTag>());
      break;
    }
  }
  if (session != nullptr && session->session_policy) {
    out.session_policy = cache.Get(*session->session_policy);
    out.session_policies.emplace();
    // A token we minted always holds a valid policy; if not, an empty list denies everything.
    if (out.session_policy != nullptr) {
      out.session_policies->push_back(
          {"session policy of " + caller.arn, out.session_policy.get()});
    }
  }
}

void FillCallerKeys(const stsapi::CallerIdentity& caller, const CallerPolicies& who,
                    std::string_view source_ip, WallTime now, policy::ConditionContext& keys) {
  keys.SetRequestTime(now);
  keys.Set(policy::keys::kPrincipalArn, who.principal_arn);
  keys.Set(policy::keys::kPrincipalAccount, caller.account_id.ToString());
  keys.Set(policy::keys::kPrincipalType, who.principal_type);
  keys.Set(policy::keys::kUserId, caller.principal_id);
  if (caller.type == stsapi::PrincipalType::kIamUser && !caller.user_name.empty()) {
    keys.Set(policy::keys::kUserName, caller.user_name);
  }
  if (!source_ip.empty()) keys.Set(policy::keys::kSourceIp, std::string(source_ip));
  keys.Set(policy::keys::kSecureTransport, std::string("false"));
  keys.SetPrincipalTags(who.principal_tags);
  if (!caller.session) return;
  const sts::SessionClaims& session = *caller.session;
  keys.Set(policy::keys::kTokenIssueTime, FormatIso8601(WallTime(session.issued_at)));
  if (session.source_identity) keys.Set(policy::keys::kAwsSourceIdentity, *session.source_identity);
  if (session.mfa_authenticated && session.mfa_auth_time) {
    keys.SetMultiFactorAuth(WallTime(*session.mfa_auth_time), now);
  } else {
    keys.Set(policy::keys::kMultiFactorAuthPresent, std::string("false"));
  }
}

policy::AccessDecision AuthorizeForRole(const CallerPolicies& who, const RoleEntry& role,
                                        std::string_view action,
                                        const policy::ConditionContext& keys) {
  policy::RoleAccessRequest request;
  request.caller = who.principal;
  request.action = std::string(action);
  request.role_arn = role.arn;
  request.role_account_id = role.account_id.ToString();
  request.trust_policy = {role.trust_policy.name, &role.trust_policy.policy};
  request.identity_policies = who.identity_policies;
  request.session_policies = who.session_policies;
  request.keys = &keys;
  return policy::AuthorizeRoleAccess(request);
}

IdentityDecision AuthorizeByIdentity(const CallerPolicies& who, std::string_view action,
                                     std::string_view resource,
                                     const policy::ConditionContext& keys) {
  policy::RequestContext request;
  request.action = std::string(action);
  request.resource = std::string(resource);
  request.keys = &keys;

  // Explicit denies first, in any policy.
  auto find_deny =
      [&](const std::vector<policy::NamedPolicy>& policies) -> std::optional<IdentityDecision> {
    for (const policy::NamedPolicy& named : policies) {
      policy::Decision decision = policy::Evaluate(*named.policy, request);
      if (decision.outcome == policy::Outcome::kExplicitDeny) {
        return IdentityDecision{
            false, named.name + " denies " + std::string(action) + ": " + decision.reason};
      }
    }
    return std::nullopt;
  };
  if (auto deny = find_deny(who.identity_policies)) return *deny;
  if (who.session_policies) {
    if (auto deny = find_deny(*who.session_policies)) return *deny;
  }

  auto find_allow = [&](const std::vector<policy::NamedPolicy>& policies, std::string& misses) {
    for (const policy::NamedPolicy& named : policies) {
      policy::Decision decision = policy::Evaluate(*named.policy, request);
      if (decision.allowed()) return true;
      misses += "; " + named.name + ": " + decision.reason;
    }
    return false;
  };
  std::string misses;
  if (!find_allow(who.identity_policies, misses)) {
    return IdentityDecision{
        false,
        (who.identity_policies.empty() ? "the caller has no identity policy, so nothing allows "
                                       : "none of the caller's identity policies allows ") +
            std::string(action) + " on " + std::string(resource) + misses};
  }
  if (who.session_policies) {
    std::string session_misses;
    if (!find_allow(*who.session_policies, session_misses)) {
      return IdentityDecision{false, "an identity policy allows " + std::string(action) +
                                         ", but the caller's session policy does not" +
                                         session_misses};
    }
  }
  return IdentityDecision{true, "allowed by the caller's identity policies"};
}

}  // namespace imdsd::stsservice
