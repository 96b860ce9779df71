#include "crypto/identity_signer.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "crypto/digest.h"
#include "crypto/openssl_ptr.h"
#include "testing/status_matchers.h"
#include "unit/crypto/crypto_fixture.h"
#include "unit/crypto/test_identity.h"

namespace imdsd::crypto {
namespace {

using ::imdsd::testing::StatusIs;
using ::testing::AllOf;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::Le;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

namespace fs = std::filesystem;
using X509StorePtr = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE_free>>;

constexpr std::string_view kDocument =
    "{\n  \"instanceId\" : \"i-0123456789abcdef0\",\n  \"region\" : \"us-east-1\"\n}";

std::time_t ToTimeT(WallTime t) { return std::chrono::system_clock::to_time_t(t); }

// Undoes the 76-column display wrapping.
Bytes DecodeWrapped(std::string text) {
  std::erase(text, '\n');
  std::optional<Bytes> bytes = Base64Decode(text);
  EXPECT_TRUE(bytes.has_value()) << text;
  return bytes.value_or(Bytes{});
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(text.substr(start, nl - start));
  }
  lines.push_back(text.substr(start));
  return lines;
}

X509Ptr ParseCertificate(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

bool VerifyRawSignature(X509* cert, std::string_view document, const Bytes& signature) {
  EVP_PKEY* public_key = X509_get0_pubkey(cert);
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  const bool ok =
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, public_key) == 1 &&
      EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                       reinterpret_cast<const unsigned char*>(document.data()),
                       document.size()) == 1;
  ERR_clear_error();
  return ok;
}

class IdentitySignerTest : public CryptoTest {
 protected:
  fs::path KeyPath() const { return dir_ / kIdentityKeyFile; }
  fs::path CertPath() const { return dir_ / kIdentityCertFile; }

  static constexpr auto kOwnerRw = fs::perms::owner_read | fs::perms::owner_write;
  static constexpr auto kPublic = kOwnerRw | fs::perms::group_read | fs::perms::others_read;

  // Puts the fixed test identity into the state directory, as a previous run would have.
  void InstallTestIdentity() {
    WriteFile(KeyPath(), kTestKeyPem, kOwnerRw);
    WriteFile(CertPath(), kTestCertPem, kPublic);
  }

  std::unique_ptr<IdentitySigner> LoadOrCreate() {
    Result<std::unique_ptr<IdentitySigner>> signer = IdentitySigner::LoadOrCreate(dir_, clock_);
    EXPECT_OK(signer);
    return signer.ok() ? std::move(signer).value() : nullptr;
  }

  // Verifies `der` as PKCS#7 SignedData with `cert` as the only trust anchor, at the fake
  // clock's time, and returns the embedded content ("" on failure).
  std::string VerifyPkcs7(const Bytes& der, X509* cert) {
    const unsigned char* cursor = der.data();
    Pkcs7Ptr p7(d2i_PKCS7(nullptr, &cursor, static_cast<long>(der.size())));
    if (p7 == nullptr) return "";
    X509StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), cert);
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), ToTimeT(clock_.Now()));
    BioPtr out(BIO_new(BIO_s_mem()));
    if (PKCS7_verify(p7.get(), nullptr, store.get(), nullptr, out.get(), PKCS7_BINARY) != 1) {
      ADD_FAILURE() << "PKCS7_verify failed: " << ERR_reason_error_string(ERR_get_error());
      ERR_clear_error();
      return "";
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
  }
};

TEST_F(IdentitySignerTest, CreatesKeyAndCertificateWithTheirModes) {
  ::umask(077);  // the certificate must still come out 0644
  const fs::path state = dir_ / "state";
  Result<std::unique_ptr<IdentitySigner>> signer = IdentitySigner::LoadOrCreate(state, clock_);
  ASSERT_OK(signer);
  EXPECT_EQ(ModeOf(state), 0700u);
  EXPECT_EQ(ModeOf(state / kIdentityKeyFile), 0600u);
  EXPECT_EQ(ModeOf(state / kIdentityCertFile), 0644u);
  EXPECT_THAT(ReadFile(state / kIdentityKeyFile), StartsWith("-----BEGIN PRIVATE KEY-----\n"));
  EXPECT_EQ(ReadFile(state / kIdentityCertFile), (*signer)->CertificatePem());
}

TEST_F(IdentitySignerTest, CertificateIsASelfSignedRsa2048CaValidForTenYears) {
  std::unique_ptr<IdentitySigner> signer = LoadOrCreate();
  ASSERT_NE(signer, nullptr);
  X509Ptr cert = ParseCertificate(signer->CertificatePem());
  ASSERT_NE(cert, nullptr);

  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_get_issuer_name(cert.get())), 0);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "imdsd instance identity");
  EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(cert.get())), 1);  // self-signed
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_sha256WithRSAEncryption);
  EXPECT_TRUE(EVP_PKEY_is_a(X509_get0_pubkey(cert.get()), "RSA"));
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(cert.get())), 2048);
  EXPECT_EQ(X509_check_ca(cert.get()), 1);
  EXPECT_NE(X509_get_key_usage(cert.get()) & KU_DIGITAL_SIGNATURE, 0u);
  EXPECT_NE(X509_get_key_usage(cert.get()) & KU_KEY_CERT_SIGN, 0u);

  const std::time_t now = ToTimeT(clock_.Now());
  const std::time_t day = 86400;
  EXPECT_EQ(ASN1_TIME_cmp_time_t(X509_get0_notBefore(cert.get()), now - day), 0);
  EXPECT_EQ(
      ASN1_TIME_cmp_time_t(X509_get0_notAfter(cert.get()), now - day + std::time_t{3652} * day), 0);
}

TEST_F(IdentitySignerTest, ReloadUsesTheStoredIdentity) {
  std::unique_ptr<IdentitySigner> first = LoadOrCreate();
  ASSERT_NE(first, nullptr);
  const std::string key_pem = ReadFile(KeyPath());
  const std::string cert_pem = first->CertificatePem();
  first.reset();

  clock_.Advance(std::chrono::hours(24 * 30));
  std::unique_ptr<IdentitySigner> second = LoadOrCreate();
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->CertificatePem(), cert_pem);
  EXPECT_EQ(ReadFile(KeyPath()), key_pem);

  // Signatures made after the restart verify against the certificate users already have.
  Result<IdentitySignatures> signed_doc = second->Sign(kDocument);
  ASSERT_OK(signed_doc);
  X509Ptr cert = ParseCertificate(cert_pem);
  EXPECT_TRUE(VerifyRawSignature(cert.get(), kDocument, DecodeWrapped(signed_doc->signature)));
}

TEST_F(IdentitySignerTest, LoadsAnExistingIdentityWithoutChangingIt) {
  InstallTestIdentity();
  std::unique_ptr<IdentitySigner> signer = LoadOrCreate();
  ASSERT_NE(signer, nullptr);
  EXPECT_EQ(signer->CertificatePem(), kTestCertPem);
  EXPECT_EQ(ReadFile(KeyPath()), kTestKeyPem);
  EXPECT_EQ(ReadFile(CertPath()), kTestCertPem);
}

TEST_F(IdentitySignerTest, SignatureVerifiesAndAnyChangedByteBreaksIt) {
  InstallTestIdentity();
  std::unique_ptr<IdentitySigner> signer = LoadOrCreate();
  ASSERT_NE(signer, nullptr);
  Result<IdentitySignatures> signed_doc = signer->Sign(kDocument);
  ASSERT_OK(signed_doc);
  X509Ptr cert = ParseCertificate(signer->CertificatePem());
  const Bytes signature = DecodeWrapped(signed_doc->signature);
  EXPECT_THAT(signature, SizeIs(256));
  EXPECT_TRUE(VerifyRawSignature(cert.get(), kDocument, signature));

  std::string tampered(kDocument);
  tampered[20] ^= 0x01;
  EXPECT_FALSE(VerifyRawSignature(cert.get(), tampered, signature));
  EXPECT_FALSE(VerifyRawSignature(cert.get(), std::string(kDocument) + "\n", signature));
}

TEST_F(IdentitySignerTest, Base64TextIsWrappedAt76Columns) {
  InstallTestIdentity();
  std::unique_ptr<IdentitySigner> signer = LoadOrCreate();
  ASSERT_NE(signer, nullptr);
  Result<IdentitySignatures> signed_doc = signer->Sign(kDocument);
  ASSERT_OK(signed_doc);
  for (const std::string* text :
       {&signed_doc->signature, &signed_doc->pkcs7, &signed_doc->rsa2048}) {
    const std::vector<std::string> lines = Lines(*text);
    ASSERT_GT(lines.size(), 1u);
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) EXPECT_THAT(lines[i], SizeIs(76));
    EXPECT_THAT(lines.back(), AllOf(Not(SizeIs(0)), SizeIs(Le(76u))));
  }
  // 256 signature bytes are 344 base64 characters: four full lines and 40 more.
  EXPECT_THAT(Lines(signed_doc->signature), SizeIs(5));
}

TEST_F(IdentitySignerTest, Pkcs7EmbedsTheDocumentAndVerifiesAgainstTheCertificate) {
  InstallTestIdentity();
  std::unique_ptr<IdentitySigner> signer = LoadOrCreate();
  ASSERT_NE(signer, nullptr);
  clock_.Advance(std::chrono::seconds(90));
  Result<IdentitySignatures> signed_doc = signer->Sign(kDocument);
  ASSERT_OK(signed_doc);
  EXPECT_EQ(signed_doc->rsa2048, signed_doc->pkcs7);
  X509Ptr cert = ParseCertificate(signer->CertificatePem());

  const Bytes der = DecodeWrapped(signed_doc->rsa2048);
  EXPECT_EQ(VerifyPkcs7(der, cert.get()), kDocument);

  const unsigned char* cursor = der.data();
  Pkcs7Ptr p7(d2i_PKCS7(nullptr, &cursor, static_cast<long>(der.size())));
  ASSERT_NE(p7, nullptr);
  EXPECT_FALSE(PKCS7_get_detached(p7.get()));
  STACK_OF(PKCS7_SIGNER_INFO)* signers = PKCS7_get_signer_info(p7.get());
  ASSERT_EQ(sk_PKCS7_SIGNER_INFO_num(signers), 1);
  PKCS7_SIGNER_INFO* si = sk_PKCS7_SIGNER_INFO_value(signers, 0);
  X509_ALGOR* digest_alg = nullptr;
  PKCS7_SIGNER_INFO_get0_algs(si, nullptr, &digest_alg, nullptr);
  const ASN1_OBJECT* digest_oid = nullptr;
  X509_ALGOR_get0(&digest_oid, nullptr, nullptr, digest_alg);
  EXPECT_EQ(OBJ_obj2nid(digest_oid), NID_sha256);
  // Dated by the injected clock, not the host's.
  ASN1_TYPE* signing_time = PKCS7_get_signed_attribute(si, NID_pkcs9_signingTime);
  ASSERT_NE(signing_time, nullptr);
  ASSERT_EQ(signing_time->type, V_ASN1_UTCTIME);
  EXPECT_EQ(ASN1_TIME_cmp_time_t(signing_time->value.utctime, ToTimeT(clock_.Now())), 0);
}

TEST_F(IdentitySignerTest, Pkcs7DoesNotVerifyAgainstAnotherIdentity) {
  InstallTestIdentity();
  std::unique_ptr<IdentitySigner> signer = LoadOrCreate();
  ASSERT_NE(signer, nullptr);
  Result<IdentitySignatures> signed_doc = signer->Sign(kDocument);
  ASSERT_OK(signed_doc);

  X509Ptr other_cert = ParseCertificate(kOtherCertPem);
  const Bytes der = DecodeWrapped(signed_doc->pkcs7);
  const unsigned char* cursor = der.data();
  Pkcs7Ptr p7(d2i_PKCS7(nullptr, &cursor, static_cast<long>(der.size())));
  ASSERT_NE(p7, nullptr);
  X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), other_cert.get());
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), ToTimeT(clock_.Now()));
  EXPECT_NE(PKCS7_verify(p7.get(), nullptr, store.get(), nullptr, nullptr, PKCS7_BINARY), 1);
  ERR_clear_error();
}

TEST_F(IdentitySignerTest, SignsConcurrently) {
  InstallTestIdentity();
  std::unique_ptr<IdentitySigner> signer = LoadOrCreate();
  ASSERT_NE(signer, nullptr);
  X509Ptr cert = ParseCertificate(kTestCertPem);
  std::vector<Result<IdentitySignatures>> results(8, Internal("not run"));
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < results.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = signer->Sign(kDocument); });
    }
  }
  for (const Result<IdentitySignatures>& result : results) {
    ASSERT_OK(result);
    EXPECT_TRUE(VerifyRawSignature(cert.get(), kDocument, DecodeWrapped(result->signature)));
    EXPECT_EQ(VerifyPkcs7(DecodeWrapped(result->pkcs7), cert.get()), kDocument);
  }
}

TEST_F(IdentitySignerTest, RefusesWorldReadableKey) {
  InstallTestIdentity();
  fs::permissions(KeyPath(), fs::perms::others_read, fs::perm_options::add);
  Result<std::unique_ptr<IdentitySigner>> signer = IdentitySigner::LoadOrCreate(dir_, clock_);
  EXPECT_THAT(signer, StatusIs(ErrorCode::kPermissionDenied));
  EXPECT_THAT(signer.status().message(), HasSubstr("chmod 600"));
}

TEST_F(IdentitySignerTest, RefusesKeyWithoutCertificateInsteadOfRegenerating) {
  WriteFile(KeyPath(), kTestKeyPem, kOwnerRw);
  Result<std::unique_ptr<IdentitySigner>> signer = IdentitySigner::LoadOrCreate(dir_, clock_);
  EXPECT_THAT(signer, StatusIs(ErrorCode::kDataCorrupt));
  EXPECT_THAT(signer.status().message(), HasSubstr(CertPath().string()));
  EXPECT_EQ(ReadFile(KeyPath()), kTestKeyPem);
  EXPECT_FALSE(fs::exists(CertPath()));
}

TEST_F(IdentitySignerTest, RefusesCertificateWithoutKey) {
  WriteFile(CertPath(), kTestCertPem, kPublic);
  EXPECT_THAT(IdentitySigner::LoadOrCreate(dir_, clock_), StatusIs(ErrorCode::kDataCorrupt));
  EXPECT_FALSE(fs::exists(KeyPath()));
}

TEST_F(IdentitySignerTest, RefusesCertificateOfAnotherKey) {
  WriteFile(KeyPath(), kTestKeyPem, kOwnerRw);
  WriteFile(CertPath(), kOtherCertPem, kPublic);
  Result<std::unique_ptr<IdentitySigner>> signer = IdentitySigner::LoadOrCreate(dir_, clock_);
  EXPECT_THAT(signer, StatusIs(ErrorCode::kDataCorrupt));
  EXPECT_THAT(signer.status().message(), HasSubstr("does not belong to the key"));
}

TEST_F(IdentitySignerTest, RefusesUnparsableFiles) {
  WriteFile(KeyPath(), kTestKeyPem, kOwnerRw);
  WriteFile(CertPath(), "not a certificate", kPublic);
  EXPECT_THAT(IdentitySigner::LoadOrCreate(dir_, clock_), StatusIs(ErrorCode::kDataCorrupt));

  WriteFile(CertPath(), kTestCertPem, kPublic);
  WriteFile(KeyPath(), "not a key", kOwnerRw);
  EXPECT_THAT(IdentitySigner::LoadOrCreate(dir_, clock_), StatusIs(ErrorCode::kDataCorrupt));
}

}  // namespace
}  // namespace imdsd::crypto
