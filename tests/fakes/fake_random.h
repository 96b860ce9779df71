#pragma once
// FakeRandom: a deterministic RandomSource (a counter stream), so outputs can be golden.
// Thread-safe.

#include <cstdint>
#include <mutex>

#include "common/random.h"

namespace imdsd::testing {

class FakeRandom final : public RandomSource {
 public:
  explicit FakeRandom(std::uint8_t seed = 0) : next_(seed) {}
  void Fill(std::span<std::uint8_t> out) override {
    std::scoped_lock lock(mutex_);
    for (auto& b : out) b = next_++;
  }

 private:
  std::mutex mutex_;
  std::uint8_t next_;  // guarded by mutex_
};

}  // namespace imdsd::testing
