#pragma once
// PolicyCache: session policies parsed once per distinct text. A session token carries its
// session policy as compact JSON; every call signed with that session would otherwise parse it
// again. Keyed by the exact text, so equal policies share one parse.
//
// Bounded: when `capacity` texts are held, the cache is emptied and starts over (sessions are
// few in a lab; a flood of distinct policies only costs re-parsing). Thread-safe: Get() may run
// on any thread; the lock is not held while parsing.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "policy/policy.h"

namespace imdsd::stsservice {

class PolicyCache {
 public:
  explicit PolicyCache(std::size_t capacity = 1024) : capacity_(capacity) {}
  PolicyCache(const PolicyCache&) = delete;
  PolicyCache& operator=(const PolicyCache&) = delete;

  // The identity policy `json` parses to; nullptr when it is not one (a token we minted always
  // holds a valid policy, so callers treat nullptr as "allows nothing").
  std::shared_ptr<const policy::Policy> Get(std::string_view json);

  std::size_t size() const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  // guarded by mutex_
  std::unordered_map<std::string, std::shared_ptr<const policy::Policy>> policies_;
};

}  // namespace imdsd::stsservice
