#pragma once
// Clock: the single source of time for everything that expires or rotates.
//
// Abstract so tests can drive hours of token and credential life in microseconds with
// tests/fakes/fake_clock.h. The real implementation is SystemClock. Following Envoy's split,
// Now() is wall time (for values shown to clients and for state that must survive a restart,
// such as token expiry) and MonotonicNow() is for intervals inside one process (timers,
// scheduling). Implementations must be thread-safe.

#include <chrono>

namespace imdsd {

using WallTime = std::chrono::system_clock::time_point;
using MonotonicTime = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual WallTime Now() const = 0;
  virtual MonotonicTime MonotonicNow() const = 0;
};

class SystemClock final : public Clock {
 public:
  WallTime Now() const override;
  MonotonicTime MonotonicNow() const override;
};

}  // namespace imdsd
