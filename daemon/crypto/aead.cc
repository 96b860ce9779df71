#include "crypto/aead.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <memory>
#include <string>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include "crypto/openssl_ptr.h"

namespace imdsd::crypto {
namespace {

using EvpCipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, OpenSslDeleter<EVP_CIPHER_CTX_free>>;

[[noreturn]] void DieOpenSsl(const char* what) {
  spdlog::critical("AES-256-GCM {} failed (OpenSSL error {:#x}); aborting", what, ERR_get_error());
  std::abort();
}

// OpenSSL's update calls take int lengths; our values are a few hundred bytes, but a caller
// handing in more than INT_MAX must not be silently truncated.
int IntLength(std::size_t n, const char* what) {
  if (n > static_cast<std::size_t>(INT_MAX)) DieOpenSsl(what);
  return static_cast<int>(n);
}

}  // namespace

Result<AeadKey> MakeAeadKey(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kAeadKeySize) {
    return InvalidArgument("AES-256-GCM key must be " + std::to_string(kAeadKeySize) +
                           " bytes, got " + std::to_string(bytes.size()));
  }
  AeadKey key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

Bytes Seal(const AeadKey& key, std::span<const std::uint8_t> plaintext, std::string_view aad,
           RandomSource& random) {
  Bytes out(kAeadOverhead + plaintext.size());
  const std::span<std::uint8_t> nonce(out.data(), kAeadNonceSize);
  std::uint8_t* const ciphertext = out.data() + kAeadNonceSize;
  std::uint8_t* const tag = ciphertext + plaintext.size();
  random.Fill(nonce);

  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) DieOpenSsl("context allocation");
  int len = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1) {
    DieOpenSsl("seal init");
  }
  if (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                                        reinterpret_cast<const unsigned char*>(aad.data()),
                                        IntLength(aad.size(), "seal aad")) != 1) {
    DieOpenSsl("seal aad");
  }
  if (!plaintext.empty() && (EVP_EncryptUpdate(ctx.get(), ciphertext, &len, plaintext.data(),
                                               IntLength(plaintext.size(), "seal")) != 1 ||
                             static_cast<std::size_t>(len) != plaintext.size())) {
    DieOpenSsl("seal");
  }
  // GCM is a stream mode: final emits nothing, it only completes the tag.
  if (EVP_EncryptFinal_ex(ctx.get(), ciphertext + plaintext.size(), &len) != 1 || len != 0 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kAeadTagSize), tag) !=
          1) {
    DieOpenSsl("seal final");
  }
  return out;
}

Result<Bytes> Open(const AeadKey& key, std::span<const std::uint8_t> sealed, std::string_view aad) {
  if (sealed.size() < kAeadOverhead) return Unauthenticated("sealed value is too short");
  const std::size_t text_size = sealed.size() - kAeadOverhead;
  const std::uint8_t* const nonce = sealed.data();
  const std::uint8_t* const ciphertext = nonce + kAeadNonceSize;
  // EVP_CTRL_GCM_SET_TAG takes a non-const pointer but only reads it; copying avoids a cast.
  std::array<std::uint8_t, kAeadTagSize> tag{};
  std::copy_n(ciphertext + text_size, kAeadTagSize, tag.begin());

  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return Internal("cannot allocate an OpenSSL cipher context");
  Bytes plaintext(text_size);
  int len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce) != 1 ||
      (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                                         reinterpret_cast<const unsigned char*>(aad.data()),
                                         IntLength(aad.size(), "open aad")) != 1) ||
      (text_size > 0 && EVP_DecryptUpdate(ctx.get(), plaintext.data(), &len, ciphertext,
                                          IntLength(text_size, "open")) != 1) ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kAeadTagSize),
                          tag.data()) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return Internal("AES-256-GCM open failed inside OpenSSL");
  }
  // The tag is checked here; until it passes, the decrypted bytes are untrusted and are wiped.
  if (EVP_DecryptFinal_ex(ctx.get(), plaintext.data() + text_size, &len) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    ERR_clear_error();
    return Unauthenticated("sealed value failed authentication");
  }
  return plaintext;
}

}  // namespace imdsd::crypto
