#include "policy/evaluator.h"

#include <algorithm>
#include <utility>

#include "policy/condition.h"
#include "policy/wildcard.h"

namespace imdsd::policy {
namespace {

bool PatternsMatch(const PatternSet& set, std::string_view value, Case match_case) {
  bool listed = std::any_of(set.patterns.begin(), set.patterns.end(), [&](const std::string& p) {
    return WildcardMatch(p, value, match_case);
  });
  return set.negated ? !listed : listed;
}

ConditionVerdict ConditionsHold(const Statement& statement, const RequestContext& request,
                                bool policy_variables) {
  if (statement.conditions.empty()) return {};
  if (request.keys != nullptr) {
    return EvaluateConditions(statement.conditions, *request.keys, policy_variables);
  }
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

Decision Evaluate(const Policy& policy, const RequestContext& request) {
  const bool policy_variables = policy.version == "2012-10-17";
  std::optional<std::size_t> allowed_by;
  PrincipalMatch allowed_match = PrincipalMatch::kNone;
  std::vector<NearMiss> condition_misses;  // Allows that failed only their Condition
  std::vector<NearMiss> other_misses;      // Allows that missed in principal, action or resource
  std::vector<NearMiss> skipped_denies;    // Denies that failed only their Condition
  for (std::size_t i = 0; i < policy.statements.size(); ++i) {
    const Statement& statement = policy.statements[i];
    const bool checks_principal = request.principal && statement.principal;
    const PrincipalMatch match = checks_principal
                                     ? MatchPrincipal(*statement.principal, *request.principal)
                                     : PrincipalMatch::kNone;
    const bool principal_ok = !checks_principal || match != PrincipalMatch::kNone;
    const bool action_ok = PatternsMatch(statement.action, request.action, Case::kInsensitive);
    const bool resource_ok =
        !request.resource || !statement.resource ||
        PatternsMatch(*statement.resource, *request.resource, Case::kSensitive);
    const bool allow = statement.effect == Effect::kAllow;
    if (principal_ok && action_ok && resource_ok) {
      ConditionVerdict verdict = ConditionsHold(statement, request, policy_variables);
      if (!verdict.holds) {
        std::string why = StatementName(policy, i);
        if (request.keys == nullptr) {
          why += (allow ? " allows it " : " denies it ") + verdict.why;
        } else {
          why += (allow ? " allows it, but " : " would deny it, but ") + verdict.why;
        }
        (allow ? condition_misses : skipped_denies)
            .push_back(NearMiss{i, statement.sid, statement.effect, StatementPart::kCondition,
                                std::move(why)});
        continue;
      }
      if (!allow) {
        std::string reason = StatementName(policy, i) + " denies " + DescribeRequest(request) +
                             ", and an explicit Deny overrides every Allow";
        if (checks_principal) {
          std::string gap = ExplainNotPrincipalGap(*statement.principal, *request.principal);
          if (!gap.empty()) reason += " (" + gap + ")";
        }
        Decision decision{Outcome::kExplicitDeny, i, statement.sid, match, std::move(reason), {}};
        return decision;
      }
      if (!allowed_by || match > allowed_match) {
        allowed_by = i;
        allowed_match = match;
      }
      continue;
    }
    // Allow statements that miss in exactly one part are what a person most likely meant.
    if (!allow || principal_ok + action_ok + resource_ok != 2) continue;
    NearMiss miss{i, statement.sid, statement.effect, StatementPart::kPrincipal,
                  StatementName(policy, i)};
    if (!principal_ok) {
      miss.why += " allows " + request.action + " but only to " +
                  DescribePrincipalSet(*statement.principal);
    } else if (!action_ok) {
      miss.part = StatementPart::kAction;
      miss.why += (request.principal ? " names the principal but allows only " : " allows only ") +
                  DescribePatterns(statement.action);
    } else {
      miss.part = StatementPart::kResource;
      miss.why +=
          " allows " + request.action + " but only on " + DescribePatterns(*statement.resource);
    }
    other_misses.push_back(std::move(miss));
  }
  Decision decision;
  if (allowed_by) {
    decision.outcome = Outcome::kAllow;
    decision.statement = allowed_by;
    decision.sid = policy.statements[*allowed_by].sid;
    decision.principal_match = allowed_match;
    decision.reason = StatementName(policy, *allowed_by) + " allows " + DescribeRequest(request);
    for (const NearMiss& note : skipped_denies) decision.reason += "; " + note.why;
    decision.near_misses = std::move(skipped_denies);
    return decision;
  }
  decision.near_misses = std::move(condition_misses);
  for (auto* more : {&other_misses, &skipped_denies}) {
    std::move(more->begin(), more->end(), std::back_inserter(decision.near_misses));
  }
  decision.reason = "no statement allows " + DescribeRequest(request);
  for (std::size_t i = 0; i < decision.near_misses.size(); ++i) {
    decision.reason += (i == 0 ? ": " : "; ") + decision.near_misses[i].why;
  }
  return decision;
}

}  // namespace imdsd::policy
