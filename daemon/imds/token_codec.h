#pragma once
// TokenCodec: mints and checks IMDSv2 session tokens without storing them.
//
// A token is self-contained: 40 bytes, Base64Url-encoded with padding (56 characters, the
// length and alphabet of real EC2 tokens):
//   version 0x01 | expiry (uint32 big-endian Unix seconds) | 11 random nonce bytes |
//   first 24 bytes of HMAC-SHA256(key, "imdsd-token-v1" || tenant_key || the 16 bytes before).
// The expiry is wall-clock time, not monotonic, so tokens survive a daemon restart (the key is
// persisted in the state directory). The tenant key (the instance_id) is bound into the MAC, so
// a token minted for one instance is refused by every other. uint32 seconds run out in 2106.
//
// Verification is the hot path (every IMDSv2 GET). The key is prepared once for HMAC
// (crypto::HmacSha256Key), so no request does key setup, and each thread remembers the last few
// tokens it found valid (per codec and tenant), so a client presenting the same token again is
// checked by a constant-time comparison instead of a decode and an HMAC; expiry is checked on
// every call either way.
//
// Owns the key; borrows the clock and the random source, which must outlive it.
// Thread-safe: HmacSha256Key is, the remembered tokens are per thread, and Clock/RandomSource
// are thread-safe by contract.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "common/status.h"
#include "crypto/hmac_key.h"

namespace imdsd::imds {

class TokenCodec {
 public:
  static constexpr std::size_t kKeySize = 32;
  static constexpr std::size_t kTokenChars = 56;

  TokenCodec(const std::array<std::uint8_t, kKeySize>& key, const Clock& clock,
             RandomSource& random);
  TokenCodec(const TokenCodec&) = delete;
  TokenCodec& operator=(const TokenCodec&) = delete;

  // A token for `tenant_key` that expires `ttl_seconds` after the current whole second (so its
  // life is at most ttl_seconds, never more). The caller validates the TTL (1..21600).
  std::string Issue(std::string_view tenant_key, int ttl_seconds) const;

  // The token's remaining lifetime in whole seconds, rounded up (>= 1). kUnauthenticated when the
  // token is malformed, has a bad MAC (forged, other key, other tenant) or has expired
  // (now >= expiry). The message never contains the token.
  Result<std::int64_t> Verify(std::string_view token, std::string_view tenant_key) const;

 private:
  const crypto::HmacSha256Key key_;
  const std::uint64_t id_;  // unique per codec in this process; keys the remembered tokens
  const Clock& clock_;
  RandomSource& random_;
};

}  // namespace imdsd::imds
