#include "policy/context.h"

#include <algorithm>
#include <chrono>

#include "common/time_format.h"

namespace imdsd::policy {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool ConditionContext::KeyLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return Lower(x) < Lower(y); });
}

void ConditionContext::Set(std::string_view key, std::vector<std::string> values) {
  if (values.empty()) {
    Remove(key);
    return;
  }
  auto it = values_.find(key);
  if (it == values_.end()) {
    values_.emplace(std::string(key), std::move(values));
  } else {
    it->second = std::move(values);
  }
}

void ConditionContext::Set(std::string_view key, std::string value) {
  std::vector<std::string> values;
  values.push_back(std::move(value));
  Set(key, std::move(values));
}

void ConditionContext::Add(std::string_view key, std::string value) {
  auto it = values_.find(key);
  if (it == values_.end()) {
    Set(key, std::move(value));
  } else {
    it->second.push_back(std::move(value));
  }
}

void ConditionContext::Remove(std::string_view key) {
  auto it = values_.find(key);
  if (it != values_.end()) values_.erase(it);
}

const std::vector<std::string>* ConditionContext::Find(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

std::optional<std::string_view> ConditionContext::Single(std::string_view key) const {
  const std::vector<std::string>* values = Find(key);
  if (values == nullptr || values->size() != 1) return std::nullopt;
  return std::string_view(values->front());
}

void ConditionContext::SetPrincipalTags(const Tags& tags) {
  for (const auto& [key, value] : tags) {
    Set(std::string(keys::kPrincipalTagPrefix) + key, value);
  }
}

void ConditionContext::SetRequestTags(const Tags& tags) {
  std::vector<std::string> tag_keys;
  for (const auto& [key, value] : tags) {
    Set(std::string(keys::kRequestTagPrefix) + key, value);
    tag_keys.push_back(key);
  }
  Set(keys::kTagKeys, std::move(tag_keys));
}

void ConditionContext::SetRequestTime(WallTime now) {
  Set(keys::kCurrentTime, FormatIso8601(now));
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  Set(keys::kEpochTime, std::to_string(seconds));
}

void ConditionContext::SetMultiFactorAuth(WallTime authenticated_at, WallTime now) {
  Set(keys::kMultiFactorAuthPresent, std::string("true"));
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - authenticated_at).count();
  Set(keys::kMultiFactorAuthAge, std::to_string(std::max<decltype(age)>(age, 0)));
}

std::string WebIdentityKey(std::string_view issuer, std::string_view claim) {
  constexpr std::string_view kHttps = "https://";
  if (issuer.substr(0, kHttps.size()) == kHttps) issuer.remove_prefix(kHttps.size());
  while (!issuer.empty() && issuer.back() == '/') issuer.remove_suffix(1);
  std::string key(issuer);
  key += ':';
  key += claim;
  return key;
}

}  // namespace imdsd::policy
