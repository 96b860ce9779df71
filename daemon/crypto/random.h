#pragma once
// OpenSslRandom: the real RandomSource, backed by OpenSSL's CSPRNG (RAND_bytes).
// Thread-safe (OpenSSL 3's default DRBG is per-thread).

#include "common/random.h"

namespace imdsd::crypto {

class OpenSslRandom final : public RandomSource {
 public:
  void Fill(std::span<std::uint8_t> out) override;  // aborts if RAND_bytes fails
};

}  // namespace imdsd::crypto
