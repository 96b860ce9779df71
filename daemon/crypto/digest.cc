#include "crypto/digest.h"

#include <climits>
#include <cstdlib>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "crypto/openssl_ptr.h"

namespace imdsd::crypto {
namespace {

std::span<const std::uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// These functions have no error channel; OpenSSL failing to hash in memory means the library is
// unusable (e.g. the default provider did not load), which no caller can recover from.
[[noreturn]] void DieOpenSsl() { std::abort(); }

// Fetched once: EVP_MAC objects are immutable and safe to share between threads.
const EVP_MAC* HmacAlgorithm() {
  static const EvpMacPtr mac(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr));
  if (mac == nullptr) DieOpenSsl();
  return mac.get();
}

// Strict standard-alphabet decoding: only canonical, padded, unwrapped text (what Base64Encode
// emits) is accepted, so a token has exactly one textual form.
std::optional<Bytes> DecodeStandard(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  if (text.empty()) return Bytes{};
  if (text.size() > static_cast<std::size_t>(INT_MAX)) return std::nullopt;
  Bytes out(text.size() / 4 * 3);
  // EVP_DecodeBlock skips leading/trailing whitespace and counts padding as zero bytes; the
  // re-encode check below rejects anything that is not byte-for-byte canonical.
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t padding = 0;
  if (text.back() == '=') ++padding;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<std::size_t>(n) - padding);
  if (Base64Encode(out) != text) return std::nullopt;
  return out;
}

// The value of a URL-safe Base64 character, or -1.
int UrlSafeValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

Sha256Digest Sha256(std::span<const std::uint8_t> data) {
  Sha256Digest out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
      len != out.size()) {
    DieOpenSsl();
  }
  return out;
}

Sha256Digest Sha256(std::string_view data) { return Sha256(AsBytes(data)); }

Sha256Digest HmacSha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  EvpMacCtxPtr ctx(EVP_MAC_CTX_new(const_cast<EVP_MAC*>(HmacAlgorithm())));
  if (ctx == nullptr) DieOpenSsl();
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  // EVP_MAC_init treats a null key as "keep the previous key", so an empty key still needs a
  // non-null pointer.
  static const std::uint8_t kEmpty = 0;
  const std::uint8_t* key_ptr = key.empty() ? &kEmpty : key.data();
  Sha256Digest out{};
  std::size_t len = 0;
  if (EVP_MAC_init(ctx.get(), key_ptr, key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1 || len != out.size()) {
    DieOpenSsl();
  }
  return out;
}

Sha256Digest HmacSha256(std::span<const std::uint8_t> key, std::string_view data) {
  return HmacSha256(key, AsBytes(data));
}

bool ConstantTimeEquals(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string HexEncode(std::span<const std::uint8_t> data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (std::uint8_t b : data) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

std::string Base64Encode(std::span<const std::uint8_t> data, int wrap_at) {
  if (data.size() > static_cast<std::size_t>(INT_MAX) / 4 * 3) std::abort();
  std::string encoded((data.size() + 2) / 3 * 4 + 1, '\0');  // +1: EVP_EncodeBlock adds a NUL
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), data.data(),
                                static_cast<int>(data.size()));
  encoded.resize(static_cast<std::size_t>(n));
  if (wrap_at <= 0 || encoded.size() <= static_cast<std::size_t>(wrap_at)) return encoded;

  const auto width = static_cast<std::size_t>(wrap_at);
  std::string wrapped;
  wrapped.reserve(encoded.size() + encoded.size() / width);
  for (std::size_t i = 0; i < encoded.size(); i += width) {
    if (i != 0) wrapped.push_back('\n');
    wrapped.append(encoded, i, width);
  }
  return wrapped;
}

std::string Base64UrlEncode(std::span<const std::uint8_t> data) {
  std::string text = Base64Encode(data);
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

std::optional<Bytes> Base64Decode(std::string_view text) { return DecodeStandard(text); }

bool Base64UrlDecodeTo(std::string_view text, std::span<std::uint8_t> out) {
  const std::size_t tail = out.size() % 3;  // bytes in the last, partial group
  if (text.size() != (out.size() + 2) / 3 * 4) return false;
  // Full groups: 4 characters -> 3 bytes.
  std::size_t in = 0;
  std::size_t at = 0;
  for (; at + 3 <= out.size(); at += 3, in += 4) {
    const int a = UrlSafeValue(text[in]);
    const int b = UrlSafeValue(text[in + 1]);
    const int c = UrlSafeValue(text[in + 2]);
    const int d = UrlSafeValue(text[in + 3]);
    if ((a | b | c | d) < 0) return false;
    const std::uint32_t group =
        (static_cast<std::uint32_t>(a) << 18) | (static_cast<std::uint32_t>(b) << 12) |
        (static_cast<std::uint32_t>(c) << 6) | static_cast<std::uint32_t>(d);
    out[at] = static_cast<std::uint8_t>(group >> 16);
    out[at + 1] = static_cast<std::uint8_t>(group >> 8);
    out[at + 2] = static_cast<std::uint8_t>(group);
  }
  if (tail == 0) return true;
  // The last group: 2 or 3 characters, then '=' padding. The bits beyond the last byte must be
  // zero, as the encoder leaves them, so that each byte string has exactly one encoding.
  const int a = UrlSafeValue(text[in]);
  const int b = UrlSafeValue(text[in + 1]);
  const int c = tail == 2 ? UrlSafeValue(text[in + 2]) : 0;
  if ((a | b | c) < 0 || text[in + 3] != '=' || (tail == 1 && text[in + 2] != '=')) return false;
  const std::uint32_t group = (static_cast<std::uint32_t>(a) << 18) |
                              (static_cast<std::uint32_t>(b) << 12) |
                              (static_cast<std::uint32_t>(c) << 6);
  if ((tail == 1 && (group & 0xffff) != 0) || (tail == 2 && (group & 0xff) != 0)) return false;
  out[at] = static_cast<std::uint8_t>(group >> 16);
  if (tail == 2) out[at + 1] = static_cast<std::uint8_t>(group >> 8);
  return true;
}

std::optional<Bytes> Base64UrlDecode(std::string_view text) {
  std::string standard(text);
  for (char& c : standard) {
    if (c == '+' || c == '/') return std::nullopt;  // not part of the URL-safe alphabet
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  return DecodeStandard(standard);
}

}  // namespace imdsd::crypto
