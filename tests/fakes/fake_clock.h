#pragma once
// FakeClock: a Clock that only moves when a test says so. Thread-safe.

#include <atomic>
#include <chrono>

#include "common/clock.h"

namespace imdsd::testing {

class FakeClock final : public Clock {
 public:
  // Starts at 2026-01-01T00:00:00Z wall time and an arbitrary monotonic origin.
  FakeClock() : wall_(1767225600LL * 1000000), mono_(1000000) {}

  WallTime Now() const override { return WallTime(std::chrono::microseconds(wall_.load())); }
  MonotonicTime MonotonicNow() const override {
    return MonotonicTime(std::chrono::microseconds(mono_.load()));
  }

  void Advance(std::chrono::microseconds d) {
    wall_ += d.count();
    mono_ += d.count();
  }
  // Moves wall time only (a clock step); monotonic time is unaffected.
  void SetWall(WallTime t) {
    wall_ = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  }

 private:
  std::atomic<long long> wall_;
  std::atomic<long long> mono_;
};

}  // namespace imdsd::testing
