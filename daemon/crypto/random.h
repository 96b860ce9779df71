#pragma once
// OpenSslRandom: the real RandomSource, backed by OpenSSL's CSPRNG (RAND_bytes).
//
// A RAND_bytes call costs about a microsecond whatever its size (DRBG bookkeeping, a getpid()
// for fork detection), so small requests (up to kMaxBufferedRequest bytes, e.g. token nonces)
// are served from a per-thread buffer of kBufferBytes filled by one RAND_bytes call. Bytes are
// wiped from the buffer as they are handed out, so none stays in memory after its use; the
// rest of the buffer is wiped when the thread exits. After fork() the child discards the buffer
// it inherited (pthread_atfork), so parent and child never hand out the same bytes. Larger
// requests go to RAND_bytes directly.
//
// Thread-safe: the buffers are per thread, and OpenSSL 3's DRBGs are per thread too. Holds no
// state itself, so any number of instances share the same per-thread buffers.

#include <cstddef>

#include "common/random.h"

namespace imdsd::crypto {

class OpenSslRandom final : public RandomSource {
 public:
  static constexpr std::size_t kBufferBytes = 4096;
  static constexpr std::size_t kMaxBufferedRequest = 64;

  void Fill(std::span<std::uint8_t> out) override;  // aborts if RAND_bytes fails
};

}  // namespace imdsd::crypto
