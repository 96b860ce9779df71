#include "policy/principal.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

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

PrincipalMatch MatchEntry(const PrincipalId& entry, const Principal& who) {
  if (entry.kind == PrincipalKind::kAws && entry.id == "*") return PrincipalMatch::kEveryone;
  if (entry.kind != who.kind) return PrincipalMatch::kNone;
  if (entry.kind != PrincipalKind::kAws) {
    return entry.id == who.id ? PrincipalMatch::kExact : PrincipalMatch::kNone;
  }
  if (std::string_view account = AccountOf(entry.id); !account.empty()) {
    return who.account_id == account ? PrincipalMatch::kAccount : PrincipalMatch::kNone;
  }
  if (entry.id == who.id) return PrincipalMatch::kExact;
  if (!who.parent_arn.empty() && entry.id == who.parent_arn) return PrincipalMatch::kParent;
  return PrincipalMatch::kNone;
}

// Which identities of `who` a NotPrincipal must list to leave it out.
struct Chain {
  bool self = false;     // the caller's own ARN (or service/provider name)
  bool parent = false;   // its role (or user, for a federated-user session)
  bool account = false;  // its account
};

Chain Listed(const PrincipalSet& set, const Principal& who) {
  Chain listed;
  for (const PrincipalId& entry : set.ids) {
    switch (MatchEntry(entry, who)) {
      case PrincipalMatch::kExact:
        listed.self = true;
        break;
      case PrincipalMatch::kParent:
        listed.parent = true;
        break;
      case PrincipalMatch::kAccount:
        listed.account = true;
        break;
      case PrincipalMatch::kEveryone:
        listed = Chain{true, true, true};
        break;
      case PrincipalMatch::kNone:
        break;
    }
  }
  return listed;
}

bool Excluded(const PrincipalSet& set, const Principal& who) {
  if (set.anyone) return true;
  const Chain listed = Listed(set, who);
  if (who.kind != PrincipalKind::kAws) return listed.self;
  if (IsAccountRoot(who)) return listed.account;
  return listed.self && (who.parent_arn.empty() || listed.parent) &&
         (who.account_id.empty() || listed.account);
}

}  // namespace

Principal Principal::Service(std::string name) {
  return Principal{PrincipalKind::kService, std::move(name)};
}

Principal Principal::Aws(std::string arn, std::string account_id, std::string parent_arn) {
  return Principal{PrincipalKind::kAws, std::move(arn), std::move(account_id),
                   std::move(parent_arn)};
}

Principal Principal::Federated(std::string provider) {
  return Principal{PrincipalKind::kFederated, std::move(provider)};
}

PrincipalMatch MatchPrincipal(const PrincipalSet& set, const Principal& who) {
  if (set.negated) return Excluded(set, who) ? PrincipalMatch::kNone : PrincipalMatch::kEveryone;
  if (set.anyone) return PrincipalMatch::kEveryone;
  PrincipalMatch best = PrincipalMatch::kNone;
  for (const PrincipalId& entry : set.ids) best = std::max(best, MatchEntry(entry, who));
  return best;
}

std::string ExplainNotPrincipalGap(const PrincipalSet& set, const Principal& who) {
  if (!set.negated || set.anyone || who.kind != PrincipalKind::kAws || IsAccountRoot(who)) {
    return {};
  }
  const Chain listed = Listed(set, who);
  if (!listed.self && !listed.parent && !listed.account) return {};
  std::vector<std::string> missing;
  if (!listed.self) missing.push_back(who.id);
  if (!who.parent_arn.empty() && !listed.parent) missing.push_back(who.parent_arn);
  if (!who.account_id.empty() && !listed.account)
    missing.push_back("the account " + who.account_id);
  if (missing.empty()) return {};
  std::string out = "its NotPrincipal does not list ";
  for (std::size_t i = 0; i < missing.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == missing.size() ? " or " : ", ") + missing[i];
  }
  out += who.parent_arn.empty()
             ? "; IAM leaves a caller out only when its own ARN and its account are both listed"
             : "; IAM leaves a session out only when the session ARN, its role ARN and its "
               "account are all listed";
  return out;
}

bool IsAccountRoot(const Principal& who) {
  return who.kind == PrincipalKind::kAws && !IsAccountId(who.id) && !AccountOf(who.id).empty();
}

std::string DescribePrincipal(const Principal& principal) {
  return "{" + JsonQuote(PrincipalKindName(principal.kind)) + ": " + JsonQuote(principal.id) + "}";
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

}  // namespace imdsd::policy
