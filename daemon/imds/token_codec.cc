#include "imds/token_codec.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <span>
#include <string>

#include "crypto/digest.h"

namespace imdsd::imds {
namespace {

constexpr std::uint8_t kVersion = 0x01;
constexpr std::size_t kExpiryOffset = 1;
constexpr std::size_t kNonceOffset = 5;
constexpr std::size_t kNonceSize = 11;
constexpr std::size_t kSignedSize = kNonceOffset + kNonceSize;  // 16
constexpr std::size_t kMacSize = 24;
constexpr std::size_t kTokenBytes = kSignedSize + kMacSize;  // 40
constexpr std::string_view kMacLabel = "imdsd-token-v1";

using TokenBytes = std::array<std::uint8_t, kTokenBytes>;

crypto::Sha256Digest ComputeMac(const crypto::HmacSha256Key& key, std::string_view tenant_key,
                                std::span<const std::uint8_t> signed_part) {
  return key.Compute({crypto::AsBytes(kMacLabel), crypto::AsBytes(tenant_key), signed_part});
}

std::int64_t UnixSeconds(WallTime t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Tokens this thread found valid lately. Clients reuse one token for many requests (SDKs keep it
// for hours), and a token valid for (codec, tenant) stays valid until its expiry, so seeing it
// again needs a comparison, not a decode and an HMAC. Codec ids are never reused, so an entry
// can only match the codec that verified it. The expiry is still checked on every use.
struct RecentToken {
  std::uint64_t codec_id = 0;  // 0: unused
  std::array<std::uint8_t, TokenCodec::kTokenChars> token{};
  std::string tenant_key;
  std::uint32_t expiry = 0;
};

class RecentTokens {
 public:
  // The expiry of `token` if this thread verified it for (codec_id, tenant_key) before.
  std::optional<std::uint32_t> Find(std::uint64_t codec_id, std::string_view token,
                                    std::string_view tenant_key) const {
    for (const RecentToken& entry : entries_) {
      // The token is compared in constant time; the codec and the tenant are not secret.
      if (entry.codec_id == codec_id && entry.tenant_key == tenant_key &&
          crypto::ConstantTimeEquals(entry.token, crypto::AsBytes(token))) {
        return entry.expiry;
      }
    }
    return std::nullopt;
  }

  void Remember(std::uint64_t codec_id, std::string_view token, std::string_view tenant_key,
                std::uint32_t expiry) {
    RecentToken& entry = entries_[next_];
    next_ = (next_ + 1) % entries_.size();
    entry.codec_id = codec_id;
    std::copy(token.begin(), token.end(), entry.token.begin());
    entry.tenant_key.assign(tenant_key);
    entry.expiry = expiry;
  }

 private:
  std::array<RecentToken, 4> entries_;
  std::size_t next_ = 0;  // the entry replaced next (round robin)
};

thread_local RecentTokens t_recent_tokens;
std::atomic<std::uint64_t> g_next_codec_id{1};

}  // namespace

TokenCodec::TokenCodec(const std::array<std::uint8_t, kKeySize>& key, const Clock& clock,
                       RandomSource& random)
    : key_(key), id_(g_next_codec_id.fetch_add(1)), clock_(clock), random_(random) {}

std::string TokenCodec::Issue(std::string_view tenant_key, int ttl_seconds) const {
  const auto expiry = static_cast<std::uint32_t>(UnixSeconds(clock_.Now()) + ttl_seconds);
  TokenBytes bytes{};
  bytes[0] = kVersion;
  for (int i = 0; i < 4; ++i) {
    bytes[kExpiryOffset + i] = static_cast<std::uint8_t>(expiry >> (24 - 8 * i));
  }
  random_.Fill(std::span(bytes).subspan(kNonceOffset, kNonceSize));
  const auto mac = ComputeMac(key_, tenant_key, std::span(bytes).first(kSignedSize));
  std::copy_n(mac.begin(), kMacSize, bytes.begin() + kSignedSize);
  return crypto::Base64UrlEncode(bytes);
}

Result<std::int64_t> TokenCodec::Verify(std::string_view token, std::string_view tenant_key) const {
  // The length check first keeps oversized headers from reaching the decoder.
  if (token.size() != kTokenChars) return Unauthenticated("malformed token");
  const auto now = clock_.Now().time_since_epoch();
  std::uint32_t expiry = 0;
  if (const auto remembered = t_recent_tokens.Find(id_, token, tenant_key)) {
    expiry = *remembered;
  } else {
    TokenBytes bytes{};
    if (!crypto::Base64UrlDecodeTo(token, bytes) || bytes[0] != kVersion) {
      return Unauthenticated("malformed token");
    }
    const std::span<const std::uint8_t> all(bytes);
    const auto mac = ComputeMac(key_, tenant_key, all.first(kSignedSize));
    if (!crypto::ConstantTimeEquals(std::span(mac).first(kMacSize), all.subspan(kSignedSize))) {
      return Unauthenticated("token signature does not match this instance");
    }
    for (int i = 0; i < 4; ++i) expiry = (expiry << 8) | all[kExpiryOffset + i];
    if (now < std::chrono::seconds(expiry)) {
      t_recent_tokens.Remember(id_, token, tenant_key, expiry);
    }
  }
  const auto expiry_time = std::chrono::seconds(expiry);
  if (now >= expiry_time) return Unauthenticated("token expired");
  return std::chrono::ceil<std::chrono::seconds>(expiry_time - now).count();
}

}  // namespace imdsd::imds
