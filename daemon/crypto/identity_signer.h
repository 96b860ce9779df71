#pragma once
// IdentitySigner: signs instance identity documents the three ways EC2 does.
//
// Holds one RSA-2048 key and a self-signed X.509 certificate, generated on first start into the
// state directory (identity-key.pem 0600; identity-cert.pem 0644 because it is public) and
// reloaded afterwards, so signatures stay verifiable across restarts. AWS's own keys cannot be
// reproduced; users verify against our certificate instead. Thread-safe: signing only reads the
// key.
//
// Abstract so tests can inject a failing or deterministic signer. The real implementation is
// created by IdentitySigner::LoadOrCreate().

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace imdsd::crypto {

inline constexpr char kIdentityKeyFile[] = "identity-key.pem";
inline constexpr char kIdentityCertFile[] = "identity-cert.pem";

// All three are base64 text wrapped at 76 characters per line ('\n', no trailing newline), as
// AWS's mock (AEMM) serves them.
struct IdentitySignatures {
  std::string signature;  // RSA PKCS#1 v1.5 SHA-256 signature over the document
  std::string pkcs7;      // DER PKCS#7 SignedData (document embedded), SHA-256
  std::string rsa2048;    // DER PKCS#7 SignedData (document embedded), SHA-256
};

class IdentitySigner {
 public:
  virtual ~IdentitySigner() = default;

  // Loads identity-key.pem and identity-cert.pem from `state_dir`, or creates both (and
  // `state_dir`, 0700) when neither exists. Never regenerates silently: users may have pinned the
  // certificate. kPermissionDenied when the key file is world-readable; kDataCorrupt when only
  // one of the two files exists, a file does not parse, or the certificate does not match the
  // key; kIoError when files cannot be read or written; kInternal when OpenSSL cannot generate
  // the key or certificate. `clock` dates the certificate it creates and each PKCS#7
  // signingTime, so it must outlive the signer.
  static Result<std::unique_ptr<IdentitySigner>> LoadOrCreate(
      const std::filesystem::path& state_dir, const Clock& clock);

  // Signs exactly `document`'s bytes. kInternal when OpenSSL fails.
  virtual Result<IdentitySignatures> Sign(std::string_view document) const = 0;
  // PEM text of the certificate, for documentation and `imdsd --print-identity-certificate`.
  virtual const std::string& CertificatePem() const = 0;
};

}  // namespace imdsd::crypto
