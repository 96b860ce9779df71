#pragma once
// Parsing IAM policy documents: JSON text -> policy::Policy. The only includer of nlohmann/json
// in policy/.
//
// The grammar is IAM's (docs/configuration.md#policy-documents): Version, Id, Statement (one
// object or a list); per statement Sid, Effect, Principal/NotPrincipal, Action/NotAction,
// Resource/NotResource, Condition. Element names and Effect values are case-sensitive as in IAM;
// unknown elements are errors. Every problem is reported, each with where in the document it is,
// so a caller can point at the line of its own source (config/loader.cc maps paths to YAML lines).
// Pure functions, thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "policy/policy.h"

namespace imdsd::policy {

// One thing wrong with a document.
struct PolicyProblem {
  // Where: member names and list indexes (written "[0]") from the document root, e.g.
  // {"Statement", "[0]", "Effect"}; empty for the document as a whole (syntax errors).
  std::vector<std::string> path;
  std::string message;  // what is wrong and, where possible, what to write instead

  // "Statement[0].Effect: message", or just the message when `path` is empty.
  std::string ToString() const;
};

struct ParseOutcome {
  std::optional<Policy> policy;  // set exactly when `problems` is empty
  std::vector<PolicyProblem> problems;
  // The document without insignificant whitespace, members in the order written; set whenever
  // the text is JSON at all (even when it is not a valid policy).
  std::string compact_json;
};

// Parses and checks `json` as a policy of `kind`. Never throws.
ParseOutcome ParsePolicyDocument(std::string_view json, PolicyKind kind);

// Same, for callers that need no locations: kInvalidArgument with every problem, joined by "; ",
// when the document is not a valid policy of `kind`.
Result<Policy> ParsePolicy(std::string_view json, PolicyKind kind);

}  // namespace imdsd::policy
