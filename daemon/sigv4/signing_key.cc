#include "sigv4/signing_key.h"

#include <utility>

namespace imdsd::sigv4 {

crypto::Sha256Digest DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                                      std::string_view region, std::string_view service) {
  std::string seed;
  seed.reserve(4 + secret_access_key.size());
  seed.append("AWS4").append(secret_access_key);
  const crypto::Sha256Digest k_date = crypto::HmacSha256(crypto::AsBytes(seed), date);
  const crypto::Sha256Digest k_region = crypto::HmacSha256(k_date, region);
  const crypto::Sha256Digest k_service = crypto::HmacSha256(k_region, service);
  return crypto::HmacSha256(k_service, "aws4_request");
}

SigningKeyCache::SigningKeyCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

std::shared_ptr<const crypto::HmacSha256Key> SigningKeyCache::Get(
    std::string_view access_key_id, std::string_view secret_access_key, std::string_view date,
    std::string_view region, std::string_view service) {
  // '\n' cannot occur in any part (they come from one header line or one query parameter value
  // split on '/'), so the joined key is unambiguous.
  std::string cache_key;
  cache_key.reserve(access_key_id.size() + date.size() + region.size() + service.size() + 3);
  cache_key.append(access_key_id).append(1, '\n').append(date).append(1, '\n');
  cache_key.append(region).append(1, '\n').append(service);
  {
    std::scoped_lock lock(mutex_);
    const auto it = entries_.find(cache_key);
    if (it != entries_.end() && it->second.secret == secret_access_key) return it->second.key;
  }

  const crypto::Sha256Digest derived = DeriveSigningKey(secret_access_key, date, region, service);
  auto key = std::make_shared<const crypto::HmacSha256Key>(derived);

  std::scoped_lock lock(mutex_);
  const auto it = entries_.find(cache_key);
  if (it == entries_.end() && entries_.size() >= capacity_) entries_.erase(entries_.begin());
  Entry& entry = entries_[std::move(cache_key)];
  entry.secret.assign(secret_access_key);
  entry.key = key;
  return key;
}

std::size_t SigningKeyCache::size() const {
  std::scoped_lock lock(mutex_);
  return entries_.size();
}

}  // namespace imdsd::sigv4
