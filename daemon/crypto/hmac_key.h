#pragma once
// HmacSha256Key: an HMAC-SHA256 key prepared once, for MACs computed on a hot path.
//
// crypto::HmacSha256() sets up a fresh OpenSSL context per call (digest lookup by name, key
// schedule, allocations); that costs about four times the hashing of a short message. This
// object does the key schedule once, in the constructor, and gives every thread that computes
// a MAC its own copy of the keyed context, made on that thread's first use and reused after.
// The result is byte-for-byte crypto::HmacSha256(key, concatenated parts).
//
// Owns a copy of the key and every per-thread context; the destructor frees (and OpenSSL
// cleanses) all of them. Thread-safe: Compute() may be called from any number of threads at
// once; destruction must not race with Compute(), as for any object.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string_view>

#include "crypto/digest.h"

namespace imdsd::crypto {

class HmacSha256Key {
 public:
  // Aborts if OpenSSL cannot set up HMAC-SHA256 (the library is unusable then). An empty key is
  // allowed, as in HmacSha256().
  explicit HmacSha256Key(std::span<const std::uint8_t> key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;
  HmacSha256Key(HmacSha256Key&&) = delete;
  HmacSha256Key& operator=(HmacSha256Key&&) = delete;

  // HMAC-SHA256 of the concatenation of `parts`, without concatenating them.
  Sha256Digest Compute(std::initializer_list<std::span<const std::uint8_t>> parts) const;
  Sha256Digest Compute(std::span<const std::uint8_t> data) const { return Compute({data}); }

 private:
  struct Contexts;
  const std::unique_ptr<Contexts> contexts_;
};

// `text` as bytes, to pass strings to Compute() without copying them.
inline std::span<const std::uint8_t> AsBytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace imdsd::crypto
