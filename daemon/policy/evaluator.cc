#include "policy/evaluator.h"

#include <algorithm>
#include <utility>

#include "policy/wildcard.h"

namespace imdsd::policy {
namespace {

bool IsAccountId(std::string_view text) {
  return text.size() == 12 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The account of {"AWS": "123456789012"} or {"AWS": "arn:PARTITION:iam::123456789012:root"};
// empty for any other value.
std::string_view AccountOf(std::string_view id) {
  if (IsAccountId(id)) return id;
  constexpr std::string_view kRootSuffix = ":root";
  constexpr std::string_view kIam = ":iam::";
  if (id.rfind("arn:", 0) != 0 || id.size() < kRootSuffix.size() ||
      id.substr(id.size() - kRootSuffix.size()) != kRootSuffix) {
    return {};
  }
  std::size_t iam = id.find(kIam);
  if (iam == std::string_view::npos) return {};
  std::string_view account = id.substr(iam + kIam.size());
  account.remove_suffix(kRootSuffix.size());
  return IsAccountId(account) ? account : std::string_view();
}

bool IdMatches(const PrincipalId& entry, const Principal& who) {
  if (entry.kind == PrincipalKind::kAws && entry.id == "*") return true;  // everyone
  if (entry.kind != who.kind) return false;
  if (entry.kind == PrincipalKind::kAws) {
    std::string_view account = AccountOf(entry.id);
    if (!account.empty()) return who.account_id == account;
  }
  return entry.id == who.id;
}

bool PrincipalMatches(const PrincipalSet& set, const Principal& who) {
  bool listed =
      set.anyone || std::any_of(set.ids.begin(), set.ids.end(),
                                [&](const PrincipalId& id) { return IdMatches(id, who); });
  return set.negated ? !listed : listed;
}

bool PatternsMatch(const PatternSet& set, std::string_view value, Case match_case) {
  bool listed = std::any_of(set.patterns.begin(), set.patterns.end(), [&](const std::string& p) {
    return WildcardMatch(p, value, match_case);
  });
  return set.negated ? !listed : listed;
}

struct ConditionVerdict {
  bool holds = true;
  std::string why;  // when it does not hold
};

// The one place conditions are decided. Not evaluated yet: any Condition counts as not satisfied
// (see evaluator.h). The STS endpoint replaces this with real operators over request keys.
ConditionVerdict ConditionsHold(const Statement& statement, const RequestContext& /*request*/) {
  if (statement.conditions.empty()) return {};
  const Condition& first = statement.conditions.front();
  return {false, "only under a Condition (" + first.operator_text + " on " + first.key +
                     (statement.conditions.size() > 1 ? ", ..." : "") +
                     "), which imdsd does not evaluate yet and treats as not satisfied"};
}

std::string StatementName(const Policy& policy, std::size_t index) {
  std::string name = "Statement[" + std::to_string(index) + "]";
  const std::string& sid = policy.statements[index].sid;
  if (!sid.empty()) name += " (Sid " + JsonQuote(sid) + ")";
  return name;
}

std::string DescribePrincipalSet(const PrincipalSet& set) {
  std::string out;
  if (set.anyone) {
    out = "\"*\"";
  } else {
    out = "{";
    for (PrincipalKind kind : {PrincipalKind::kAws, PrincipalKind::kService,
                               PrincipalKind::kFederated, PrincipalKind::kCanonicalUser}) {
      std::vector<std::string> ids;
      for (const PrincipalId& id : set.ids) {
        if (id.kind == kind) ids.push_back(JsonQuote(id.id));
      }
      if (ids.empty()) continue;
      if (out.size() > 1) out += ", ";
      out += JsonQuote(PrincipalKindName(kind)) + ": ";
      if (ids.size() == 1) {
        out += ids.front();
      } else {
        out += "[";
        for (std::size_t i = 0; i < ids.size(); ++i) out += (i == 0 ? "" : ", ") + ids[i];
        out += "]";
      }
    }
    out += "}";
  }
  return set.negated ? "everyone except " + out : out;
}

std::string DescribePatterns(const PatternSet& set) {
  std::string out;
  for (const std::string& pattern : set.patterns) out += (out.empty() ? "" : ", ") + pattern;
  return set.negated ? "everything except " + out : out;
}

// "principal {"Service": "ec2.amazonaws.com"} the action sts:AssumeRole (on RESOURCE)".
std::string DescribeRequest(const RequestContext& request) {
  std::string out;
  if (request.principal) out = "principal " + DescribePrincipal(*request.principal) + " ";
  out += "the action " + request.action;
  if (request.resource) out += " on " + *request.resource;
  return out;
}

}  // namespace

Principal Principal::Service(std::string name) {
  return Principal{PrincipalKind::kService, std::move(name), ""};
}

std::string DescribePrincipal(const Principal& principal) {
  return "{" + JsonQuote(PrincipalKindName(principal.kind)) + ": " + JsonQuote(principal.id) + "}";
}

Decision Evaluate(const Policy& policy, const RequestContext& request) {
  std::optional<std::size_t> allowed_by;
  std::vector<std::string> near_misses;     // why statements that almost applied did not
  std::vector<std::string> skipped_denies;  // Deny statements set aside for their Condition
  for (std::size_t i = 0; i < policy.statements.size(); ++i) {
    const Statement& statement = policy.statements[i];
    const bool principal_ok = !request.principal || !statement.principal ||
                              PrincipalMatches(*statement.principal, *request.principal);
    const bool action_ok = PatternsMatch(statement.action, request.action, Case::kInsensitive);
    const bool resource_ok =
        !request.resource || !statement.resource ||
        PatternsMatch(*statement.resource, *request.resource, Case::kSensitive);
    const bool allow = statement.effect == Effect::kAllow;
    if (principal_ok && action_ok && resource_ok) {
      ConditionVerdict verdict = ConditionsHold(statement, request);
      if (!verdict.holds) {
        std::string note =
            StatementName(policy, i) + (allow ? " allows" : " denies") + " it " + verdict.why;
        (allow ? near_misses : skipped_denies).push_back(std::move(note));
        continue;
      }
      if (!allow) {
        return Decision{Outcome::kExplicitDeny, i, statement.sid,
                        StatementName(policy, i) + " denies " + DescribeRequest(request) +
                            ", and an explicit Deny overrides every Allow"};
      }
      if (!allowed_by) allowed_by = i;
      continue;
    }
    // Allow statements that miss in exactly one part are what a person most likely meant.
    if (!allow || principal_ok + action_ok + resource_ok != 2) continue;
    if (!principal_ok) {
      near_misses.push_back(StatementName(policy, i) + " allows " + request.action +
                            " but only to " + DescribePrincipalSet(*statement.principal));
    } else if (!action_ok) {
      near_misses.push_back(
          StatementName(policy, i) +
          (request.principal ? " names the principal but allows only " : " allows only ") +
          DescribePatterns(statement.action));
    } else {
      near_misses.push_back(StatementName(policy, i) + " allows " + request.action +
                            " but only on " + DescribePatterns(*statement.resource));
    }
  }
  if (allowed_by) {
    std::string reason = StatementName(policy, *allowed_by) + " allows " + DescribeRequest(request);
    for (const std::string& note : skipped_denies) reason += "; " + note;
    return Decision{Outcome::kAllow, *allowed_by, policy.statements[*allowed_by].sid, reason};
  }
  near_misses.insert(near_misses.end(), skipped_denies.begin(), skipped_denies.end());
  std::string reason = "no statement allows " + DescribeRequest(request);
  for (std::size_t i = 0; i < near_misses.size(); ++i) {
    reason += (i == 0 ? ": " : "; ") + near_misses[i];
  }
  return Decision{Outcome::kImplicitDeny, std::nullopt, "", reason};
}

}  // namespace imdsd::policy
