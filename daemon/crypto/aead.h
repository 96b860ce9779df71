#pragma once
// Authenticated encryption (AES-256-GCM) for small secrets the daemon hands out or stores, such
// as STS session tokens, which must carry their secret access key where only we can read it.
//
// Sealed layout: 12-byte random nonce | ciphertext (same length as the plaintext) | 16-byte tag.
// The associated data is authenticated but not stored: the opener must supply the same bytes,
// which is how a sealed value is bound to its purpose ("imdsd-session-v1"). Random nonces are safe
// for up to about 2^32 seals per key (NIST SP 800-38D), far beyond one daemon's lifetime.
//
// Pure functions over caller-owned buffers; thread-safe as long as the RandomSource is (which it
// is by contract).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/random.h"
#include "common/status.h"
#include "crypto/digest.h"

namespace imdsd::crypto {

inline constexpr std::size_t kAeadKeySize = 32;
inline constexpr std::size_t kAeadNonceSize = 12;
inline constexpr std::size_t kAeadTagSize = 16;
// Bytes a sealed value is longer than its plaintext.
inline constexpr std::size_t kAeadOverhead = kAeadNonceSize + kAeadTagSize;

using AeadKey = std::array<std::uint8_t, kAeadKeySize>;

// Copies `bytes` into an AeadKey (e.g. after LoadOrCreateRandomKey). kInvalidArgument when
// `bytes` is not exactly kAeadKeySize long.
Result<AeadKey> MakeAeadKey(std::span<const std::uint8_t> bytes);

// Encrypts and authenticates `plaintext` together with `aad`, using a fresh nonce from `random`.
// Returns nonce | ciphertext | tag. Cannot fail short of OpenSSL itself failing, which aborts
// the process (as a CSPRNG failure does): continuing without encryption is not an option.
Bytes Seal(const AeadKey& key, std::span<const std::uint8_t> plaintext, std::string_view aad,
           RandomSource& random);

// Checks and decrypts what Seal() produced. kUnauthenticated when `sealed` is too short, was
// altered in any byte, or was sealed with another key or other associated data; nothing of the
// plaintext is released in that case.
Result<Bytes> Open(const AeadKey& key, std::span<const std::uint8_t> sealed, std::string_view aad);

}  // namespace imdsd::crypto
