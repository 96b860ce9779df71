#include "policy/parser.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <exception>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

namespace imdsd::policy {
namespace {

// ordered_json keeps members in the order written, so compact_json reads like the source.
using Json = nlohmann::ordered_json;
using Path = std::vector<std::string>;

constexpr std::array<std::string_view, 3> kTopLevelElements = {"Version", "Id", "Statement"};
constexpr std::array<std::string_view, 9> kStatementElements = {
    "Sid",       "Effect",   "Principal",   "NotPrincipal", "Action",
    "NotAction", "Resource", "NotResource", "Condition"};
constexpr std::array<std::pair<std::string_view, PrincipalKind>, 4> kPrincipalKinds = {{
    {"AWS", PrincipalKind::kAws},
    {"Service", PrincipalKind::kService},
    {"Federated", PrincipalKind::kFederated},
    {"CanonicalUser", PrincipalKind::kCanonicalUser},
}};
constexpr std::string_view kIfExists = "IfExists";
constexpr std::string_view kPrincipalExample =
    R"("*" or an object such as {"Service": "ec2.amazonaws.com"} or )"
    R"({"AWS": "arn:aws:iam::123456789012:root"})";

Path With(const Path& path, std::string_view step) {
  Path out = path;
  out.emplace_back(step);
  return out;
}

Path WithIndex(const Path& path, std::size_t index) {
  return With(path, "[" + std::to_string(index) + "]");
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      int above = row[j];
      row[j] = std::min(
          {row[j] + 1, row[j - 1] + 1, diagonal + (Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The candidate that differs from `word` only in case or by at most 2 edits; empty if none.
template <typename Names>
std::string_view Closest(std::string_view word, const Names& candidates) {
  std::string_view best;
  int best_distance = 3;
  for (std::string_view candidate : candidates) {
    int distance = EqualsIgnoreCase(word, candidate) ? 0 : EditDistance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

// " (did you mean "X"?)" for Closest(), or "".
template <typename Names>
std::string Hint(std::string_view word, const Names& candidates) {
  std::string_view best = Closest(word, candidates);
  if (best.empty()) return "";
  return " (did you mean " + JsonQuote(best) + "?)";
}

template <typename Names>
std::string JoinNames(const Names& names) {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string Describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "a list";
    case Json::value_t::string:
      return "the string " + JsonQuote(value.get_ref<const std::string&>());
    case Json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case Json::value_t::null:
      return "null";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "the number " + value.dump();
    default:
      return "an unsupported value";
  }
}

// Tracks the member names of the object being parsed, to report repeated ones: nlohmann keeps
// the last silently, IAM refuses the document.
class DuplicateKeyFinder {
 public:
  bool OnEvent(Json::parse_event_t event, const Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        frames_.push_back(Frame{false, 0, "", {}});
        break;
      case Json::parse_event_t::array_start:
        frames_.push_back(Frame{true, 0, "", {}});
        break;
      case Json::parse_event_t::key: {
        Frame& top = frames_.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second) {
          Path path = CurrentPath();
          path.pop_back();
          problems_.push_back(
              {path, "the member " + JsonQuote(top.key) + " is written twice in the same object"});
        }
        break;
      }
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        if (!frames_.empty()) frames_.pop_back();
        ChildDone();
        break;
      case Json::parse_event_t::value:
        ChildDone();
        break;
    }
    return true;
  }

  std::vector<PolicyProblem> Take() { return std::move(problems_); }

 private:
  struct Frame {
    bool is_array = false;
    std::size_t index = 0;  // arrays: index of the next element
    std::string key;        // objects: the member being read
    std::set<std::string> keys;
  };

  void ChildDone() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }

  Path CurrentPath() const {
    Path path;
    for (const Frame& frame : frames_) {
      path.push_back(frame.is_array ? "[" + std::to_string(frame.index) + "]" : frame.key);
    }
    return path;
  }

  std::vector<Frame> frames_;
  std::vector<PolicyProblem> problems_;
};

// Walks a parsed document, building the Policy and collecting every problem.
class Checker {
 public:
  explicit Checker(PolicyKind kind) : kind_(kind) {}

  Policy Check(const Json& root) {
    Policy policy;
    if (!root.is_object()) {
      Add({}, std::string("a policy is a JSON object like {\"Version\": \"2012-10-17\", "
                          "\"Statement\": [...]}, found ") +
                  Describe(root));
      return policy;
    }
    CheckMembers(root, {}, kTopLevelElements, "a policy has");
    if (auto it = root.find("Version"); it != root.end()) {
      if (auto version = String(*it, {"Version"})) {
        if (*version == "2012-10-17" || *version == "2008-10-17") {
          policy.version = *version;
        } else {
          Add({"Version"}, JsonQuote(*version) +
                               " is not a policy language version; use \"2012-10-17\" (current) "
                               "or \"2008-10-17\"");
        }
      }
    }
    if (auto it = root.find("Id"); it != root.end()) {
      policy.id = String(*it, {"Id"}).value_or("");
    }
    auto statements = root.find("Statement");
    if (statements == root.end()) {
      if (!Missing(root, "Statement")) return policy;
      Add({},
          "Statement is missing: a policy needs at least one statement such as "
          "{\"Effect\": \"Allow\", \"Action\": \"...\", ...}");
    } else if (statements->is_object()) {
      policy.statements.push_back(CheckStatement(*statements, {"Statement"}));
    } else if (statements->is_array() && !statements->empty()) {
      for (std::size_t i = 0; i < statements->size(); ++i) {
        const Json& item = (*statements)[i];
        Path path = WithIndex({"Statement"}, i);
        if (!item.is_object()) {
          Add(path, "a statement is an object, found " + Describe(item));
          continue;
        }
        policy.statements.push_back(CheckStatement(item, path));
      }
    } else {
      Add({"Statement"},
          "expected one statement (an object) or a non-empty list of them, found " +
              (statements->is_array() ? std::string("an empty list") : Describe(*statements)));
    }
    return policy;
  }

  std::vector<PolicyProblem> Take() { return std::move(problems_); }

 private:
  void Add(Path path, std::string message) {
    problems_.push_back({std::move(path), std::move(message)});
  }

  // Reports unknown members. Known names that an unknown one looks like a misspelling of are
  // remembered in misspelled_, so "X is missing" is not reported on top of "did you mean X?".
  template <typename Names>
  void CheckMembers(const Json& object, const Path& path, const Names& known,
                    std::string_view what) {
    misspelled_.clear();
    for (auto it = object.begin(); it != object.end(); ++it) {
      if (std::find(known.begin(), known.end(), it.key()) != known.end()) continue;
      std::string_view closest = Closest(it.key(), known);
      if (!closest.empty()) misspelled_.emplace(closest);
      Add(With(path, it.key()),
          "unknown element " + JsonQuote(it.key()) +
              (closest.empty() ? "; " + std::string(what) + " " + JoinNames(known)
                               : " (did you mean " + JsonQuote(closest) + "?)") +
              " (element names are case-sensitive)");
    }
  }

  // Whether `name` is missing from `object` and was not reported as misspelled.
  bool Missing(const Json& object, const std::string& name) const {
    return !object.contains(name) && misspelled_.count(name) == 0;
  }

  std::optional<std::string> String(const Json& value, const Path& path) {
    if (value.is_string()) return value.get<std::string>();
    Add(path, "expected a string, found " + Describe(value));
    return std::nullopt;
  }

  // A string or a non-empty list of strings, none empty.
  std::vector<std::string> Strings(const Json& value, const Path& path) {
    std::vector<std::string> out;
    if (value.is_string()) {
      if (value.get_ref<const std::string&>().empty()) {
        Add(path, "must not be empty");
      } else {
        out.push_back(value.get<std::string>());
      }
      return out;
    }
    if (!value.is_array() || value.empty()) {
      Add(path, "expected a string or a non-empty list of strings, found " +
                    (value.is_array() ? std::string("an empty list") : Describe(value)));
      return out;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      Path item = WithIndex(path, i);
      if (!value[i].is_string()) {
        Add(item, "expected a string, found " + Describe(value[i]));
      } else if (value[i].get_ref<const std::string&>().empty()) {
        Add(item, "must not be empty");
      } else {
        out.push_back(value[i].get<std::string>());
      }
    }
    return out;
  }

  // The value of `name` or of Not`name` (setting `negated`); nullptr when neither is present, and
  // nullptr plus a problem when both are.
  const Json* OneOf(const Json& statement, const Path& path, std::string_view name, bool& negated) {
    const std::string not_name = "Not" + std::string(name);
    auto plain = statement.find(std::string(name));
    auto negative = statement.find(not_name);
    if (plain != statement.end() && negative != statement.end()) {
      Add(With(path, not_name),
          "use either " + std::string(name) + " or " + not_name + " in one statement, not both");
      return nullptr;
    }
    negated = negative != statement.end();
    if (negated) return &*negative;
    if (plain != statement.end()) return &*plain;
    return nullptr;
  }

  Statement CheckStatement(const Json& object, const Path& path) {
    Statement statement;
    CheckMembers(object, path, kStatementElements, "a statement has");
    if (auto it = object.find("Sid"); it != object.end()) {
      statement.sid = String(*it, With(path, "Sid")).value_or("");
      if (!statement.sid.empty()) {
        auto [seen, inserted] = sids_.emplace(statement.sid, path);
        if (!inserted) {
          Add(With(path, "Sid"), "Sid " + JsonQuote(statement.sid) + " is already used by " +
                                     PathText(seen->second) +
                                     "; Sids must be unique within a policy");
        }
      }
    }
    CheckEffect(object, path, statement);
    CheckPrincipal(object, path, statement);
    CheckAction(object, path, statement);
    CheckResource(object, path, statement);
    if (auto it = object.find("Condition"); it != object.end()) {
      CheckConditions(*it, With(path, "Condition"), statement.conditions);
    }
    return statement;
  }

  void CheckEffect(const Json& object, const Path& path, Statement& statement) {
    auto it = object.find("Effect");
    if (it == object.end()) {
      if (!Missing(object, "Effect")) return;
      Add(path, "Effect is missing: write \"Effect\": \"Allow\" or \"Effect\": \"Deny\"");
      return;
    }
    auto effect = String(*it, With(path, "Effect"));
    if (!effect) return;
    if (*effect == "Allow") {
      statement.effect = Effect::kAllow;
    } else if (*effect == "Deny") {
      statement.effect = Effect::kDeny;
    } else if (EqualsIgnoreCase(*effect, "Allow") || EqualsIgnoreCase(*effect, "Deny")) {
      Add(With(path, "Effect"),
          JsonQuote(*effect) + " must be written " +
              (EqualsIgnoreCase(*effect, "Allow") ? "\"Allow\"" : "\"Deny\"") +
              " (Effect is case-sensitive)");
    } else {
      Add(With(path, "Effect"),
          JsonQuote(*effect) + " is not an effect; use \"Allow\" or \"Deny\"");
    }
  }

  void CheckPrincipal(const Json& object, const Path& path, Statement& statement) {
    const bool has_plain = object.contains("Principal");
    const bool has_not = object.contains("NotPrincipal");
    if (kind_ == PolicyKind::kIdentity) {
      if (has_plain || has_not) {
        Add(With(path, has_plain ? "Principal" : "NotPrincipal"),
            "a permission policy names no principal (it applies to whoever it is attached to); "
            "remove this element");
      }
      return;
    }
    if (Missing(object, "Principal") && Missing(object, "NotPrincipal")) {
      Add(path,
          "Principal is missing: a trust policy statement says who may assume the role, e.g. "
          "\"Principal\": {\"Service\": \"ec2.amazonaws.com\"}");
      return;
    }
    bool negated = false;
    const Json* value = OneOf(object, path, "Principal", negated);
    if (value == nullptr) return;
    const Path here = With(path, negated ? "NotPrincipal" : "Principal");
    PrincipalSet set;
    set.negated = negated;
    if (value->is_string()) {
      if (value->get_ref<const std::string&>() == "*") {
        set.anyone = true;
        statement.principal = std::move(set);
      } else {
        Add(here, "expected " + std::string(kPrincipalExample) + ", found " + Describe(*value));
      }
      return;
    }
    if (!value->is_object() || value->empty()) {
      Add(here, "expected " + std::string(kPrincipalExample) + ", found " +
                    (value->is_object() ? std::string("an empty object") : Describe(*value)));
      return;
    }
    for (auto it = value->begin(); it != value->end(); ++it) {
      auto known = std::find_if(kPrincipalKinds.begin(), kPrincipalKinds.end(),
                                [&](const auto& entry) { return entry.first == it.key(); });
      if (known == kPrincipalKinds.end()) {
        std::array<std::string_view, 4> names{};
        for (std::size_t i = 0; i < names.size(); ++i) names[i] = kPrincipalKinds[i].first;
        std::string hint = Hint(it.key(), names);
        Add(With(here, it.key()),
            JsonQuote(it.key()) + " is not a kind of principal" +
                (hint.empty() ? "; use AWS, Service, Federated or CanonicalUser" : hint));
        continue;
      }
      for (std::string& id : Strings(it.value(), With(here, it.key()))) {
        set.ids.push_back({known->second, std::move(id)});
      }
    }
    statement.principal = std::move(set);
  }

  void CheckAction(const Json& object, const Path& path, Statement& statement) {
    bool negated = false;
    const Json* value = OneOf(object, path, "Action", negated);
    if (value == nullptr) {
      if (Missing(object, "Action") && Missing(object, "NotAction")) {
        Add(path, std::string("Action is missing: name what the statement ") +
                      (kind_ == PolicyKind::kTrust ? "allows, e.g. \"Action\": \"sts:AssumeRole\""
                                                   : "covers, e.g. \"Action\": \"s3:GetObject\""));
      }
      return;
    }
    const Path here = With(path, negated ? "NotAction" : "Action");
    statement.action.negated = negated;
    std::vector<std::string> actions = Strings(*value, here);
    for (std::size_t i = 0; i < actions.size(); ++i) {
      if (!IsActionPattern(actions[i])) {
        Add(value->is_array() ? WithIndex(here, i) : here,
            JsonQuote(actions[i]) +
                " is not an action: write service:action, e.g. \"sts:AssumeRole\", or \"*\"");
        continue;
      }
      statement.action.patterns.push_back(std::move(actions[i]));
    }
  }

  void CheckResource(const Json& object, const Path& path, Statement& statement) {
    const bool has_plain = object.contains("Resource");
    const bool has_not = object.contains("NotResource");
    if (kind_ == PolicyKind::kTrust) {
      if (has_plain || has_not) {
        Add(With(path, has_plain ? "Resource" : "NotResource"),
            "a trust policy has no Resource (its resource is the role itself); remove this "
            "element");
      }
      return;
    }
    if (Missing(object, "Resource") && Missing(object, "NotResource")) {
      Add(path,
          "Resource is missing: name what the statement applies to, e.g. "
          "\"Resource\": \"*\" or \"arn:aws:s3:::my-bucket/*\"");
      return;
    }
    bool negated = false;
    const Json* value = OneOf(object, path, "Resource", negated);
    if (value == nullptr) return;
    const Path here = With(path, negated ? "NotResource" : "Resource");
    PatternSet set;
    set.negated = negated;
    std::vector<std::string> resources = Strings(*value, here);
    for (std::size_t i = 0; i < resources.size(); ++i) {
      if (resources[i] != "*" && resources[i].rfind("arn:", 0) != 0) {
        Add(value->is_array() ? WithIndex(here, i) : here,
            JsonQuote(resources[i]) +
                " is not a resource: write \"*\" or an ARN such as \"arn:aws:s3:::my-bucket/*\"");
        continue;
      }
      set.patterns.push_back(std::move(resources[i]));
    }
    statement.resource = std::move(set);
  }

  // "*", or a service prefix of letters, digits and '-', a colon, and a non-empty action name
  // (wildcards allowed). Case is not checked: IAM matches actions case-insensitively.
  static bool IsActionPattern(std::string_view action) {
    if (action == "*") return true;
    const std::size_t colon = action.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == action.size()) return false;
    auto service_char = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    };
    auto action_char = [&](char c) { return service_char(c) || c == '*' || c == '?' || c == '_'; };
    std::string_view service = action.substr(0, colon);
    std::string_view name = action.substr(colon + 1);
    return std::all_of(service.begin(), service.end(), service_char) &&
           std::all_of(name.begin(), name.end(), action_char);
  }

  void CheckConditions(const Json& block, const Path& path, std::vector<Condition>& out) {
    if (!block.is_object()) {
      Add(path,
          "expected an object like {\"StringEquals\": {\"aws:SourceAccount\": "
          "\"123456789012\"}}, found " +
              Describe(block));
      return;
    }
    for (auto op = block.begin(); op != block.end(); ++op) {
      const Path here = With(path, op.key());
      Condition parsed;
      parsed.operator_text = op.key();
      if (!ParseOperator(op.key(), here, parsed)) continue;
      if (!op.value().is_object() || op.value().empty()) {
        Add(here,
            "expected an object of condition keys and values, e.g. {\"aws:SourceAccount\": "
            "\"123456789012\"}, found " +
                (op.value().is_object() ? std::string("an empty object") : Describe(op.value())));
        continue;
      }
      for (auto key = op.value().begin(); key != op.value().end(); ++key) {
        const Path key_path = With(here, key.key());
        if (key.key().empty()) {
          Add(key_path, "a condition key must not be empty");
          continue;
        }
        Condition condition = parsed;
        condition.key = key.key();
        if (!ConditionValues(key.value(), key_path, condition.values)) continue;
        out.push_back(std::move(condition));
      }
    }
  }

  bool ParseOperator(std::string_view text, const Path& path, Condition& condition) {
    std::string_view name = text;
    for (auto [prefix, qualifier] :
         {std::pair<std::string_view, SetQualifier>{"ForAnyValue:", SetQualifier::kForAnyValue},
          {"ForAllValues:", SetQualifier::kForAllValues}}) {
      if (name.substr(0, prefix.size()) == prefix) {
        condition.qualifier = qualifier;
        name.remove_prefix(prefix.size());
      }
    }
    if (name.size() > kIfExists.size() &&
        name.substr(name.size() - kIfExists.size()) == kIfExists) {
      condition.if_exists = true;
      name.remove_suffix(kIfExists.size());
    }
    auto op = ConditionOperatorFromName(name);
    if (!op) {
      std::vector<std::string_view> names;
      for (int i = 0; i <= static_cast<int>(ConditionOperator::kNull); ++i) {
        names.push_back(ConditionOperatorName(static_cast<ConditionOperator>(i)));
      }
      std::string hint = Hint(name, names);
      Add(path, JsonQuote(text) + " is not a condition operator" +
                    (hint.empty() ? "; e.g. StringEquals, StringLike, Bool, NumericLessThan, "
                                    "DateGreaterThan, ArnLike, IpAddress, Null"
                                  : hint));
      return false;
    }
    if (*op == ConditionOperator::kNull && condition.if_exists) {
      Add(path, "Null cannot take the IfExists suffix");
      return false;
    }
    condition.op = *op;
    return true;
  }

  // A string, number or boolean, or a non-empty list of them.
  bool ConditionValues(const Json& value, const Path& path, std::vector<std::string>& out) {
    auto scalar = [](const Json& v) -> std::optional<std::string> {
      if (v.is_string()) return v.get<std::string>();
      if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
      if (v.is_number()) return v.dump();
      return std::nullopt;
    };
    if (auto single = scalar(value)) {
      out.push_back(std::move(*single));
      return true;
    }
    if (!value.is_array() || value.empty()) {
      Add(path,
          "expected a value (string, number, true/false) or a non-empty list of them, "
          "found " +
              (value.is_array() ? std::string("an empty list") : Describe(value)));
      return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (auto item = scalar(value[i])) {
        out.push_back(std::move(*item));
      } else {
        Add(WithIndex(path, i),
            "expected a string, number or true/false, found " + Describe(value[i]));
        ok = false;
      }
    }
    return ok;
  }

  static std::string PathText(const Path& path) { return PolicyProblem{path, ""}.ToString(); }

  PolicyKind kind_;
  std::map<std::string, Path> sids_;
  std::set<std::string> misspelled_;  // of the object CheckMembers() looked at last
  std::vector<PolicyProblem> problems_;
};

}  // namespace

std::string PolicyProblem::ToString() const {
  std::string out;
  for (const std::string& step : path) {
    if (!out.empty() && step.rfind('[', 0) != 0) out += '.';
    out += step;
  }
  if (message.empty()) return out;
  return out.empty() ? message : out + ": " + message;
}

ParseOutcome ParsePolicyDocument(std::string_view json, PolicyKind kind) {
  ParseOutcome outcome;
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    outcome.problems.push_back({{}, "the policy document is empty"});
    return outcome;
  }
  try {
    DuplicateKeyFinder duplicates;
    Json root = Json::parse(json.begin(), json.end(),
                            [&duplicates](int /*depth*/, Json::parse_event_t event, Json& parsed) {
                              return duplicates.OnEvent(event, parsed);
                            });
    outcome.compact_json = root.dump(-1, ' ', false, Json::error_handler_t::replace);
    outcome.problems = duplicates.Take();
    Checker checker(kind);
    Policy policy = checker.Check(root);
    for (PolicyProblem& problem : checker.Take()) outcome.problems.push_back(std::move(problem));
    if (outcome.problems.empty()) outcome.policy = std::move(policy);
  } catch (const Json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error ..."
    std::string_view what = e.what();
    if (std::size_t end = what.find("] ");
        what.rfind("[json.exception", 0) == 0 && end != std::string_view::npos) {
      what.remove_prefix(end + 2);
    }
    outcome.problems.push_back({{}, "not valid JSON: " + std::string(what)});
  } catch (const std::exception& e) {
    outcome.problems.push_back({{}, std::string("cannot read the policy: ") + e.what()});
  }
  return outcome;
}

Result<Policy> ParsePolicy(std::string_view json, PolicyKind kind) {
  ParseOutcome outcome = ParsePolicyDocument(json, kind);
  if (outcome.policy) return std::move(*outcome.policy);
  std::string message;
  for (const PolicyProblem& problem : outcome.problems) {
    if (!message.empty()) message += "; ";
    message += problem.ToString();
  }
  return InvalidArgument(message);
}

}  // namespace imdsd::policy
