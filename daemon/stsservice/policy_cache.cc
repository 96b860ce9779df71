#include "stsservice/policy_cache.h"

#include <utility>

#include "policy/parser.h"

namespace imdsd::stsservice {

std::shared_ptr<const policy::Policy> PolicyCache::Get(std::string_view json) {
  {
    std::scoped_lock lock(mutex_);
    // C++20 heterogeneous lookup needs a transparent hash; a lab's handful of lookups a second
    // does not justify one, so the key is copied.
    auto it = policies_.find(std::string(json));
    if (it != policies_.end()) return it->second;
  }
  Result<policy::Policy> parsed = policy::ParsePolicy(json, policy::PolicyKind::kIdentity);
  if (!parsed.ok()) return nullptr;
  auto shared = std::make_shared<const policy::Policy>(std::move(parsed).value());
  std::scoped_lock lock(mutex_);
  if (policies_.size() >= capacity_) policies_.clear();
  policies_.emplace(std::string(json), shared);
  return shared;
}

std::size_t PolicyCache::size() const {
  std::scoped_lock lock(mutex_);
  return policies_.size();
}

}  // namespace imdsd::stsservice
