#include "crypto/identity_signer.h"

#include <chrono>
#include <ctime>
#include <system_error>
#include <unistd.h>
#include <utility>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "crypto/digest.h"
#include "crypto/key_file.h"
#include "crypto/openssl_ptr.h"

namespace imdsd::crypto {
namespace {

constexpr int kRsaBits = 2048;
// 127 random bits with the top one set: a positive 16-byte serial, unique in practice.
constexpr int kSerialBits = 127;
constexpr int kBase64LineWidth = 76;  // as AWS's mock (AEMM) wraps signatures
constexpr std::time_t kDay = 86400;
// Backdated a day so that verifiers with a slightly slow clock accept the certificate at once.
constexpr std::time_t kNotBeforeSlack = kDay;
constexpr std::time_t kValidity = std::time_t{3652} * kDay;  // ten years, leap days included

// Drains OpenSSL's thread-local error queue into one line, so that errors neither leak into
// unrelated later calls nor go unreported.
std::string OpenSslErrors() {
  std::string text;
  while (unsigned long err = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof(buf));
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "no OpenSSL error recorded" : text;
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

// Refuses to prompt on a terminal when someone stored an encrypted key.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return -1; }

std::time_t ToTimeT(WallTime t) { return std::chrono::system_clock::to_time_t(t); }

Result<EvpPkeyPtr> GenerateRsaKey() {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), kRsaBits) != 1 ||
      EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    return Internal("cannot generate the identity RSA key: " + OpenSslErrors());
  }
  return EvpPkeyPtr(raw);
}

Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (ext == nullptr || X509_add_ext(cert, ext.get(), -1) != 1) {
    return Internal(std::string("cannot add certificate extension ") + OBJ_nid2sn(nid) + ": " +
                    OpenSslErrors());
  }
  return Status::Ok();
}

// Self-signed and marked as a CA so that verifiers can use it directly as their trust anchor
// (`openssl cms -verify -CAfile identity-cert.pem`).
Result<X509Ptr> MakeSelfSignedCertificate(EVP_PKEY* key, WallTime now) {
  X509Ptr cert(X509_new());
  BignumPtr serial(BN_new());
  if (cert == nullptr || serial == nullptr) return Internal("out of memory creating certificate");

  const std::time_t not_before = ToTimeT(now) - kNotBeforeSlack;
  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto add_name = [name](const char* field, const char* value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                                      reinterpret_cast<const unsigned char*>(value), -1, -1,
                                      0) == 1;
  };
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      BN_rand(serial.get(), kSerialBits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr ||
      ASN1_TIME_set(X509_getm_notBefore(cert.get()), not_before) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), not_before + kValidity) == nullptr ||
      !add_name("C", "US") || !add_name("O", "imdsd") ||
      !add_name("CN", "imdsd instance identity") || X509_set_issuer_name(cert.get(), name) != 1 ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return Internal("cannot build the identity certificate: " + OpenSslErrors());
  }

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  IMDSD_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE"));
  IMDSD_RETURN_IF_ERROR(
      AddExtension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature,keyCertSign"));
  IMDSD_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
  IMDSD_RETURN_IF_ERROR(
      AddExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"));

  if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) {
    return Internal("cannot sign the identity certificate: " + OpenSslErrors());
  }
  return cert;
}

Result<std::string> CertificateToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return Internal("cannot encode the identity certificate: " + OpenSslErrors());
  }
  return BioContents(bio.get());
}

// A secure-heap BIO wipes the PEM text of the private key when freed; the caller wipes the copy.
Result<std::string> PrivateKeyToPkcs8Pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Internal("cannot encode the identity key: " + OpenSslErrors());
  }
  return BioContents(bio.get());
}

class OpenSslIdentitySigner final : public IdentitySigner {
 public:
  OpenSslIdentitySigner(EvpPkeyPtr key, X509Ptr cert, std::string cert_pem, const Clock& clock)
      : key_(std::move(key)),
        cert_(std::move(cert)),
        cert_pem_(std::move(cert_pem)),
        clock_(clock) {}
  OpenSslIdentitySigner(const OpenSslIdentitySigner&) = delete;
  OpenSslIdentitySigner& operator=(const OpenSslIdentitySigner&) = delete;

  Result<IdentitySignatures> Sign(std::string_view document) const override {
    IMDSD_ASSIGN_OR_RETURN(Bytes raw_signature, SignRaw(document));
    IMDSD_ASSIGN_OR_RETURN(Bytes pkcs7_der, SignPkcs7(document));
    IdentitySignatures out;
    out.signature = Base64Encode(raw_signature, kBase64LineWidth);
    out.pkcs7 = Base64Encode(pkcs7_der, kBase64LineWidth);
    out.rsa2048 = out.pkcs7;
    return out;
  }

  const std::string& CertificatePem() const override { return cert_pem_; }

 private:
  // RSA PKCS#1 v1.5 (OpenSSL's default RSA padding) over SHA-256 of the exact bytes.
  Result<Bytes> SignRaw(std::string_view document) const {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    const auto* data = reinterpret_cast<const unsigned char*>(document.data());
    std::size_t size = 0;
    if (ctx == nullptr ||
        EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &size, data, document.size()) != 1) {
      return Internal("cannot sign the identity document: " + OpenSslErrors());
    }
    Bytes signature(size);
    if (EVP_DigestSign(ctx.get(), signature.data(), &size, data, document.size()) != 1) {
      return Internal("cannot sign the identity document: " + OpenSslErrors());
    }
    signature.resize(size);
    return signature;
  }

  // SignedData with the document embedded, our certificate included, and signed attributes
  // contentType, signingTime (from the injected clock) and messageDigest. BINARY keeps the bytes
  // exact (no CRLF translation); NOSMIMECAP drops the S/MIME capability list, which means
  // nothing for a signature that is never e-mailed.
  Result<Bytes> SignPkcs7(std::string_view document) const {
    constexpr int kFlags = PKCS7_BINARY | PKCS7_NOSMIMECAP;
    BioPtr content(BIO_new_mem_buf(document.data(), static_cast<int>(document.size())));
    Pkcs7Ptr p7(PKCS7_sign(nullptr, nullptr, nullptr, nullptr, kFlags | PKCS7_PARTIAL));
    if (content == nullptr || p7 == nullptr) {
      return Internal("cannot start the PKCS#7 signature: " + OpenSslErrors());
    }
    // Naming SHA-256 rather than relying on OpenSSL's per-key default digest.
    PKCS7_SIGNER_INFO* signer =
        PKCS7_sign_add_signer(p7.get(), cert_.get(), key_.get(), EVP_sha256(), kFlags);
    if (signer == nullptr) return Internal("cannot add the PKCS#7 signer: " + OpenSslErrors());
    Asn1TimePtr signing_time(ASN1_TIME_set(nullptr, ToTimeT(clock_.Now())));
    if (signing_time == nullptr ||
        PKCS7_add0_attrib_signing_time(signer, signing_time.get()) != 1) {
      return Internal("cannot set the PKCS#7 signing time: " + OpenSslErrors());
    }
    static_cast<void>(signing_time.release());  // add0: the signer info owns it now
    if (PKCS7_final(p7.get(), content.get(), kFlags) != 1) {
      return Internal("cannot finish the PKCS#7 signature: " + OpenSslErrors());
    }
    const int der_size = i2d_PKCS7(p7.get(), nullptr);
    if (der_size <= 0) return Internal("cannot encode the PKCS#7 signature: " + OpenSslErrors());
    Bytes der(static_cast<std::size_t>(der_size));
    unsigned char* cursor = der.data();
    if (i2d_PKCS7(p7.get(), &cursor) != der_size) {
      return Internal("cannot encode the PKCS#7 signature: " + OpenSslErrors());
    }
    return der;
  }

  // Only read after construction; OpenSSL 3 allows concurrent use of const key and certificate
  // objects, so Sign() needs no lock.
  const EvpPkeyPtr key_;
  const X509Ptr cert_;
  const std::string cert_pem_;
  const Clock& clock_;
};

Result<std::unique_ptr<IdentitySigner>> Load(const std::filesystem::path& key_path,
                                             const std::filesystem::path& cert_path,
                                             const Clock& clock) {
  IMDSD_ASSIGN_OR_RETURN(std::string key_pem, ReadSecretFile(key_path));
  EvpPkeyPtr key;
  {
    BioPtr bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
    if (bio != nullptr) {
      key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
    }
    OPENSSL_cleanse(key_pem.data(), key_pem.size());
  }
  if (key == nullptr) {
    return DataCorrupt(key_path.string() +
                       " is not an unencrypted PEM private key: " + OpenSslErrors());
  }
  if (!EVP_PKEY_is_a(key.get(), "RSA") || EVP_PKEY_get_bits(key.get()) < kRsaBits) {
    return DataCorrupt(key_path.string() + " is not an RSA key of at least 2048 bits");
  }

  BioPtr cert_bio(BIO_new_file(cert_path.c_str(), "rb"));
  if (cert_bio == nullptr) {
    return IoError("cannot open " + cert_path.string() + ": " + OpenSslErrors());
  }
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, NoPassphrase, nullptr));
  if (cert == nullptr) {
    return DataCorrupt(cert_path.string() + " is not a PEM certificate: " + OpenSslErrors());
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return DataCorrupt(cert_path.string() + " does not belong to the key in " + key_path.string() +
                       "; restore the matching pair, or delete both files to create a new "
                       "identity (signatures made with the old one will no longer verify)");
  }
  IMDSD_ASSIGN_OR_RETURN(std::string cert_pem, CertificateToPem(cert.get()));
  return std::unique_ptr<IdentitySigner>(std::make_unique<OpenSslIdentitySigner>(
      std::move(key), std::move(cert), std::move(cert_pem), clock));
}

Result<std::unique_ptr<IdentitySigner>> Create(const std::filesystem::path& state_dir,
                                               const std::filesystem::path& key_path,
                                               const std::filesystem::path& cert_path,
                                               const Clock& clock) {
  IMDSD_RETURN_IF_ERROR(EnsureStateDir(state_dir));
  IMDSD_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateRsaKey());
  IMDSD_ASSIGN_OR_RETURN(X509Ptr cert, MakeSelfSignedCertificate(key.get(), clock.Now()));
  IMDSD_ASSIGN_OR_RETURN(std::string cert_pem, CertificateToPem(cert.get()));
  IMDSD_ASSIGN_OR_RETURN(std::string key_pem, PrivateKeyToPkcs8Pem(key.get()));

  const Status key_written = WriteFileAtomically(key_path, key_pem, 0600);
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  IMDSD_RETURN_IF_ERROR(key_written);
  const Status cert_written = WriteFileAtomically(cert_path, cert_pem, 0644);
  if (!cert_written.ok()) {
    // A key without its certificate would be refused at the next start; leave neither.
    ::unlink(key_path.c_str());
    return cert_written;
  }
  return std::unique_ptr<IdentitySigner>(std::make_unique<OpenSslIdentitySigner>(
      std::move(key), std::move(cert), std::move(cert_pem), clock));
}

Result<bool> Exists(const std::filesystem::path& path) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (ec) return IoError("cannot stat " + path.string() + ": " + ec.message());
  return exists;
}

}  // namespace

Result<std::unique_ptr<IdentitySigner>> IdentitySigner::LoadOrCreate(
    const std::filesystem::path& state_dir, const Clock& clock) {
  const std::filesystem::path key_path = state_dir / kIdentityKeyFile;
  const std::filesystem::path cert_path = state_dir / kIdentityCertFile;
  IMDSD_ASSIGN_OR_RETURN(const bool key_exists, Exists(key_path));
  IMDSD_ASSIGN_OR_RETURN(const bool cert_exists, Exists(cert_path));

  if (!key_exists && !cert_exists) return Create(state_dir, key_path, cert_path, clock);
  // Regenerating just one half would silently invalidate every signature and pinned
  // certificate users already have, so a half-present identity is an operator decision.
  if (key_exists && !cert_exists) {
    return DataCorrupt(key_path.string() + " exists but " + cert_path.string() +
                       " does not; restore the certificate, or delete the key to create a new "
                       "identity (signatures made with the old one will no longer verify)");
  }
  if (!key_exists) {
    return DataCorrupt(cert_path.string() + " exists but " + key_path.string() +
                       " does not; restore the key, or delete the certificate to create a new "
                       "identity (signatures made with the old one will no longer verify)");
  }
  return Load(key_path, cert_path, clock);
}

}  // namespace imdsd::crypto
