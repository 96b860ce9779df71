#pragma once
// FakeSigner: a deterministic crypto::IdentitySigner for tests. Its "signatures" are readable
// strings derived from the document's length and bytes, so tests can assert exactly what was
// signed. set_fail(true) makes Sign() return kInternal, as an OpenSSL failure would.
// Thread-safe.

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/identity_signer.h"

namespace imdsd::testing {

class FakeSigner final : public crypto::IdentitySigner {
 public:
  Result<crypto::IdentitySignatures> Sign(std::string_view document) const override {
    ++sign_calls_;
    if (fail_) return Internal("fake signer told to fail");
    const std::string tag = std::to_string(document.size()) + ":" + Checksum(document);
    return crypto::IdentitySignatures{"fake-signature-" + tag, "fake-pkcs7-" + tag,
                                      "fake-rsa2048-" + tag};
  }
  const std::string& CertificatePem() const override { return certificate_; }

  void set_fail(bool fail) { fail_ = fail; }
  int sign_calls() const { return sign_calls_; }

 private:
  // FNV-1a: stable across platforms, unlike std::hash.
  static std::string Checksum(std::string_view data) {
    std::uint32_t h = 2166136261u;
    for (unsigned char c : data) h = (h ^ c) * 16777619u;
    return std::to_string(h);
  }

  std::atomic<bool> fail_{false};
  mutable std::atomic<int> sign_calls_{0};
  std::string certificate_ = "-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n";
};

}  // namespace imdsd::testing
