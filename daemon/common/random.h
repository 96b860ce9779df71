#pragma once
// RandomSource: where nonces, token bytes and key material come from.
//
// Abstract so tests can make outputs golden with tests/fakes/fake_random.h. The real
// implementation is crypto::OpenSslRandom (OpenSSL's CSPRNG). Implementations must be
// thread-safe.

#include <cstdint>
#include <span>

namespace imdsd {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `out` with random bytes. A CSPRNG failure is unrecoverable and aborts the process,
  // because continuing with predictable secrets would be worse than stopping.
  virtual void Fill(std::span<std::uint8_t> out) = 0;
};

}  // namespace imdsd
