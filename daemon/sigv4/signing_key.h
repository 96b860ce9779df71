#pragma once
// SigV4 signing keys: the derivation from a secret access key, and a small cache of derived keys.
//
// A signing key depends only on (secret, date, region, service), so every request a client signs
// on one day reuses it. Deriving costs four HMACs, and the prepared key (crypto::HmacSha256Key)
// saves the key schedule of the fifth, so the cache removes most of the hashing a verification
// does besides the canonical request itself.
//
// SigningKeyCache owns its entries, which hold a copy of each secret (as the credential store
// does). Thread-safe: Get() may be called from any thread; the lock is held only to find or
// insert an entry, never while deriving a key.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crypto/digest.h"
#include "crypto/hmac_key.h"

namespace imdsd::sigv4 {

// HMAC chain "AWS4"+secret -> date (YYYYMMDD) -> region -> service -> "aws4_request".
crypto::Sha256Digest DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                                      std::string_view region, std::string_view service);

class SigningKeyCache {
 public:
  // At most `capacity` keys are kept; when full, an arbitrary entry makes room. A handful of
  // clients each signing with one key a day is the expected load.
  explicit SigningKeyCache(std::size_t capacity = 256);
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  // The prepared signing key for these inputs; derived on a miss, or when `secret_access_key`
  // differs from the one cached for `access_key_id` (a rotated or reissued secret). Never null.
  std::shared_ptr<const crypto::HmacSha256Key> Get(std::string_view access_key_id,
                                                   std::string_view secret_access_key,
                                                   std::string_view date, std::string_view region,
                                                   std::string_view service);

  std::size_t size() const;

 private:
  struct Entry {
    std::string secret;
    std::shared_ptr<const crypto::HmacSha256Key> key;
  };

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
};

}  // namespace imdsd::sigv4
