#include "common/clock.h"

namespace imdsd {

WallTime SystemClock::Now() const { return std::chrono::system_clock::now(); }
MonotonicTime SystemClock::MonotonicNow() const { return std::chrono::steady_clock::now(); }

}  // namespace imdsd
