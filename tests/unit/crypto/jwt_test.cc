#include "crypto/jwt.h"

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "crypto/digest.h"
#include "crypto/openssl_ptr.h"
#include "testing/status_matchers.h"
#include "unit/crypto/crypto_fixture.h"

namespace imdsd::crypto {
namespace {

using ::imdsd::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

EvpPkeyPtr GenerateKey(const char* type, int rsa_bits) {
  return EvpPkeyPtr(std::string_view(type) == "RSA"
                        ? EVP_RSA_gen(static_cast<unsigned int>(rsa_bits))
                        : EVP_EC_gen("P-256"));
}

std::string PrivatePem(EVP_PKEY* key, const char* passphrase = nullptr) {
  const BioPtr bio(BIO_new(BIO_s_mem()));
  const EVP_CIPHER* cipher = passphrase != nullptr ? EVP_aes_256_cbc() : nullptr;
  PEM_write_bio_PrivateKey(
      bio.get(), key, cipher, reinterpret_cast<const unsigned char*>(passphrase),
      passphrase != nullptr ? static_cast<int>(std::strlen(passphrase)) : 0, nullptr, nullptr);
  return BioText(bio.get());
}

std::string PublicPem(EVP_PKEY* key) {
  const BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key);
  return BioText(bio.get());
}

// header.payload.signature over arbitrary header and payload text, for tokens JwtSigner would
// never produce (alg "none" with a real signature, duplicate names, "crit").
std::string SignRaw(EVP_PKEY* key, std::string_view header, std::string_view payload) {
  std::string token = Base64UrlNoPadEncode(header) + "." + Base64UrlNoPadEncode(payload);
  const EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(token.data());
  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(ctx.get(), nullptr, &size, data, token.size());
  Bytes signature(size);
  EVP_DigestSign(ctx.get(), signature.data(), &size, data, token.size());
  return token + "." + Base64UrlNoPadEncode(signature);
}

// The JWKS entry of `signer`'s key, to assemble multi-key documents.
std::string JwkOf(const JwtSigner& signer) {
  const std::string jwks = signer.Jwks();
  const std::size_t open = jwks.find('[');
  return jwks.substr(open + 1, jwks.rfind(']') - open - 1);
}

// The value of a Result that a test expects to hold one (gtest reports the throw otherwise).
template <typename T>
T Take(Result<T> result) {
  EXPECT_OK(result);
  return std::move(result).value();
}

// Fixed RSA-2048 keys, generated once with `openssl genpkey`, so that only the test about
// generating keys pays for key generation (each test runs in its own process under ctest).
// TEST-ONLY KEYS: they are public; never use them for anything else.
inline constexpr char kKeyAPem[] = R"(-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDSn7kDORzp09VT
TuxJ0Q5mgwdvnE4LKRot1+kAXx/oZohE5GNe1rmFOAnF4Jej6gFUTPAMVLe6refU
xBN9hkxdcbA9trFsb1bvVxrePZNbW2D+6NmP5r0t1KABYTnxoLikp9PK2g29qvIo
FUW3WI7C+JuP30mwu9kXdXEyDUPXlxo4UJIigM9Vq1jYQfpttEnbvGNt4+cPJnE4
/qj8nqNurYwINO6GWISeNrFH1u+Rao7XPgAhkEyXiayhY/eXUtU1MYmAFr8kn2kT
PIaEHME7dU6YawPFeXROayS1rxv8q3Cz8kWhL/olrE0xSemIEttLwZct7LETp26q
C8RE11TVAgMBAAECggEADtXBKkDzkGSjOeLtMaXP5diExY+0z4Rtm50BhE0u6ieO
oYuUlDF7j66Kwa04AQuSXGWu4q904WkuUwYceVLkPhCr4SzlAkY1UVZJRi4AGwcs
pcewyzntSTUYsAAxHJu9ZZuMh1Ukcp9/vuMArhFGvOTV0CRiBFi2ybgz6NqWVLDn
IFFXKnWGBDG8nlKF8TniP/h8hJtOr9edaTNhk7XVDSmmv3RAVFU45LDQbHU1+ToO
0bY4p1JRIVwDzW37mDqE5Flh8c4hjGN3LY6QFouwdaZD7F5SbVM1tuhMHI6GIouv
kgV2LcF7SFYsrWgj2aPRI9ND6WRx6MgAbGW/mqfuYQKBgQDzm5urDVW50D7ze7ad
rgWyH7D6p/Muqv0Ic3ZVw7WJLpCgmguMIR0mWlcf8iXoS3xuivem5o5m0mnZJxRx
DpSuv/vuWecuo+csQzzldecLPBlGRMz1xHLw7EsaepZHqPhpalE/AS4g1nrRlKi3
ATJYwRQMe8lXYHSIXXmogzyb8wKBgQDdVpSLCAqrY0Yx5Fs1f1vgZO7D4zuEwBiz
tRKY7fZe2pVh1HvrdVcHpH/k5ZK5Re2uEIr8o4y+FEGz5ZSukGPM5f+SiuVI7nkJ
u7b/RljQ/MSnBBNAYW8NP6D7UgWaJXTL9mIDV0N0fpXrOBeWstG26kRn1LmSpOUw
l6cuz9PmFwKBgCMo+2/VzeCyyNM1sObTPik2X8HdycCbl0fH+nVoeOQi32b+tNn1
0ZI+icKnnYcIlh4SWqoxLq5ygiqAdHfY5ebO+NqvCSn3KB+AWOK5gK5jbzZwKbDz
OK/DOxfIR7ZyEeCNIsrYLcM5kaJ8NVmsh4q921nt5+J/nnIsI6oJvw63AoGBALiB
XuwStQovhCk86YdL9mO035AtUMUVeMH9NFaFLzXc0l+tx+r8cqLtTquZb9i/4SST
p7h4AW/F5Qs4Wtu1g2wfYg9fd0h3ejBR6XccxhbYTnnHHOEzF2ac3u4BbqgThywq
44NTb+ihSQm+RXOa9tSarpE7M8J5cJA0KuoL1uDbAoGASG3lwoZlZ+DG0HqA13G7
gNDbMoRGoL7O9Q4gcO2R0HTp2Yv8XDgXeoTZSxLucUZSagiwK32k6aofCO7TduV5
MQHvmzdopX3zj+Dn0DiY1SbkZxaURO7gHNLBTdY7EnipiuoYfXV6BYdS4d3VE4hc
aRzDoqY49q9DqN/5fLvV2Qs=
-----END PRIVATE KEY-----
)";

inline constexpr char kKeyBPem[] = R"(-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCklMAO7ilSxppF
TuAnD9jHv8JG4PHS4/fSO+A7zYrjpYysC4d4q/SWTNzbTZqz3ZmpMk9QrUGMvy45
8PbFROcagQ2ogQxSrBwMgJukUa8BLYkTtnSM7sbnaFcpho19oUVYyZe7lYYdWJqO
By6DaB7gwE6AtJkSxMb0P+f5Ek5UDo2XurC9IbjsWPvoRyZjy6p/elrM9L0Ca+Z0
aI3uN9Qeb0JXLKL+rMgNwD8wFUwcpp55yLqBcPVZl8LpwQk5d1sEpFSDxKf/XOId
s2RIUQKHv9h6wZ4EviYKjmiPgIqWaodN+gwjN5hBrKs/Ty/mltow0Lpj8Rj90OEP
OQiK01OhAgMBAAECggEAJewLc/U/Cs5tuhYSUpXVbLM74+KNffsevW+j+4uhGtKo
vvS6Hp06ko473oE7agHf1+taeLuvLKvZjiq+ZZZ6jLIbUE4J5Zu4K85PbpWOtj4E
hYkHQnj7VlNFsDELdZzdEngC8QtjN2xU0nCHsGojoURWYlQaqEc0k4+NFyg3aakA
8qNw5PmMtpqpA97ew3Kq0LdRDkp1O/oiXF+ZiDNRFE07+arP5WHAGSQ1HXAn2RzF
+kMOsJDKQhzxWd+fEVjCihR5jXHUwzDU+7fXKL0Ufay1zaN6Uve+zaRciKbPUYry
QwMxxnhuL0q+H+UBY5cUnEF6OpYF2qGqhVZqDqZT5QKBgQDcpOAbEr6zCVkiSd7c
NqiHNiwaySDsdBOvR1OPzYHrBTziRtRWMBCWixz2hJDHKC5gAStkRc/1hMZgG6xN
pUUvfSD62/TEHov/YY6znbDBqkFDjvxysIV6Krfa9SqW7Xout3B/wUBuP3+BeUWo
pwaoR+pUb3xtnhEIIDuhgVZY9QKBgQC+9Bfhk9CqkV6dPJMgkIQIBiQDBFcJktoe
fiE4s/2YTs8WI3rRsDUAhdUd0+pzohTOTFD7dQKe7Bp5bWmPsV/qNFaSRmYl1Srz
9UgPWc2/HwFRXvFYOro4V8sXDlNBviaaQWJV/bYsQ4FZE/rRI8LdDRJQk4uG7VfU
tlWuhqPUfQKBgFDyH9Fu2A1AsbWVmi/50WwBYL7W6MA2eX5FUY+hGjeJbWOqDn4s
FfnUwWRjD+YwhIruAug/gGKXOlvJ6zV1G2OnqTC+/xXwCvY+6SZWBKGX/2d0joLY
5a8C+v5WETDboIaA/8GuuR95JiLuxbJwzE1yTLJ7UA+6/I6ZnKbMl0v9AoGBAJXd
ZtzAsPUdMD+BagsVwLm3cA36GwFFgvCJlzM0eCRQPdEnOV5Wx9JINxG43vmvzFp4
pNolZFAsBz8jssR2tktOll8o50Rr/9EFwW9i0Mpd4B/nvsy7EqnjpV3L/WXMgelw
xWetvosQ0/SAbMo1IdtxRd19XvUfU157V9Woj+3VAoGBAKfJsiawy5z1kmJkp77+
m/qE9C5TIcfHOrJsQ4CbZcQyu8YQRYwnaDPT+OKjGpIPzk4HGT2u9VLnr8rHYAFY
Vn5ORSGqucqMPvaBAyWoG480hY7Viiokx/ydhQ8KvYWE4W8rt19DQfaVyojUCWbA
Mge0qpiQdN6BwNN/0kepHa30
-----END PRIVATE KEY-----
)";

inline constexpr char kKeyCPem[] = R"(-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDLnGsXh0zcQ9/w
x7gXLGyausIVEvjPFSp5roGIUntSwSIH4vmNQRhJGPTzNEvaFc+scQvnZa9iZmtj
bVvZy+FKBO6zgY4JuQOHngAadOUWh3ANKo3oLlj6AXRxX/qbT0YZmYGoDtIMaCKq
R76Gv/LDrYgrTpiUiIhFuQ1UolE3uhRQZNc/O+dRt8XCod7zWsv/IqnOs5kc9HAE
Z5+8Uu9LLXWjfyxgSPaBYL+qezVGvhHh2XdLhTkVUf/jEt7Y7OYlWlGlVUA27MUP
GQtNwwKBPAW2A2lwPQGWy0wPV9TdAqHVfReQDk3dZN6lKVO6wfXz5F1YQo3Wz2WC
QB5UXb57AgMBAAECggEACrBMoIP5ZI7DnZY+c1wuD1yPSuy5PW9bakV47OxRJ26W
flqx+XJZxGyYLBqqTxzzm/yk2iIcBORiutBHRBwdC/YaU2reE/1i0nNYhtfTUICn
pzYWrc7RD1hhzoA+90XZsW2KwVHJDd57NpX+Y7O4tAEGGimA5QgN1bf5m5NlBBg1
Af87gGrgr8p3p1f08QQWCicCmElHDvfxX1mzhc47n7rG4MUFagx1J03MEmWbX/r1
Ab5a4EzVIFEkNBM1kJeB0ZPfh/Sl36OVbJCSWzWnQXEG6C6GSenKBXci0jp9UGX+
Y785uyAfHRD5UnMpAV317r1xKih84dfsb2JLgzt4sQKBgQD051clDMW7JIa9cwBM
Y5hQ9ri385gfNR3RB6hr7mU7FmTTDW637q07Q1G1TYRXIJN9Xp7kvPpLE3sEqxo/
ChfDxmmeAxadaHLi7aeiTIgr4cNaEdALFD+fq59vfaRFEUn261521NhscqpdFDhf
hM3Tb9BZ83z25kbJQOjd44invwKBgQDU1h7goA3bYImuYN0b6NOLzVBSZy+lOUH0
UE3EMkf2BGMvGx3k/beH4zU272WyMEqIYFVX/fiQOYIdgWmx1HessVHyia0SsqCt
DOf7GkpXLm++v83tfdNcUabicz6fkGxpx8z27nH8aescj3JohNh6B4heJN1aZ55v
uGbmf9l4RQKBgQDpzSlu34CtprNTjcSNKM+zC7dRNibWNDlg4zSwxYizHi/nJP28
bwnGeAA7W+Op4hmsKHb83ET/A3v/+vE1mYcSigsupLgkUiDL8CKHWRTu/7sl87dv
vEb5QjkVkRcQMO8x4YXvYEe1UMq/zZv75Kcy4Z5BIaj9dN3DKEqn+p7ttQKBgHsi
liKm9t1g8MbuS34GKb3MPxgtkqcohTvv6c4EuRVgXHG4YodFMpVvoi3yOwfoYHae
JUIPMWtfmiOv55J2tfY3cI29kWAr8EGuIdho0XG27/ePyHgKP+o9YyvIOQbf65kX
e0GxmkjKjrerVimaEhQnn4G4Gkhfgo5oRUA933dxAoGAah2503ZufU8VUikbCmBq
4DcMBu/9PreMKVwgjP4AC9V8plCramtIMuZzbYIdl1mxJHclPjxsaOJSETEPL6ht
p4XkNZc3xiZGlbXYTEX+4bKSOVlbXI2x0pBXYnoLEQDWOiIOO3j9tav9BWvleMBL
f9e+v5eNn0e9O+e8ICJO5yc=
-----END PRIVATE KEY-----
)";

constexpr char kIssuer[] = "https://oidc.lab.example/id/1";
constexpr char kAudience[] = "sts.amazonaws.com";

class JwtTest : public CryptoTest {
 protected:
  static void SetUpTestSuite() {
    signer_a_ = std::make_unique<JwtSigner>(Take(JwtSigner::FromPrivateKeyPem(kKeyAPem, "key-a")));
    signer_b_ = std::make_unique<JwtSigner>(Take(JwtSigner::FromPrivateKeyPem(kKeyBPem, "key-b")));
    const BioPtr bio(BIO_new_mem_buf(kKeyCPem, -1));
    raw_key_ =
        std::make_unique<EvpPkeyPtr>(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    ASSERT_NE(raw_key_->get(), nullptr);
  }
  static void TearDownTestSuite() {
    signer_a_.reset();
    signer_b_.reset();
    raw_key_.reset();
  }

  static const JwtSigner& a() { return *signer_a_; }
  static const JwtSigner& b() { return *signer_b_; }
  static EVP_PKEY* raw_key() { return raw_key_->get(); }

  std::int64_t UnixNow() const {
    return std::chrono::floor<std::chrono::seconds>(clock_.Now()).time_since_epoch().count();
  }

  // Claims a lab provider would issue, valid from a minute ago for an hour.
  std::string Claims(std::string_view aud = "\"sts.amazonaws.com\"") const {
    const std::int64_t now = UnixNow();
    return std::string("{\"iss\":\"") + kIssuer +
           "\",\"sub\":\"repo:lab/app:ref:main\",\"aud\":" + std::string(aud) +
           ",\"iat\":" + std::to_string(now - 60) + ",\"nbf\":" + std::to_string(now - 60) +
           ",\"exp\":" + std::to_string(now + 3600) + "}";
  }

  static JwtKeySet KeysOf(const JwtSigner& signer) {
    return Take(JwtKeySet::FromJwks(signer.Jwks()));
  }

  static JwtKeySet BothKeys() {
    return Take(JwtKeySet::FromJwks("{\"keys\":[" + JwkOf(a()) + "," + JwkOf(b()) + "]}"));
  }

  static inline std::unique_ptr<JwtSigner> signer_a_;
  static inline std::unique_ptr<JwtSigner> signer_b_;
  static inline std::unique_ptr<EvpPkeyPtr> raw_key_;
};

// ---- base64url without padding ----

TEST(Base64UrlNoPadTest, RoundTripsAndNeverPads) {
  Bytes data;
  for (int i = 0; i < 40; ++i) {
    const std::string text = Base64UrlNoPadEncode(data);
    EXPECT_EQ(text.find('='), std::string::npos);
    const std::optional<Bytes> back = Base64UrlNoPadDecode(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, data);
    data.push_back(static_cast<std::uint8_t>(0xf8 + i));  // 0xf8..: bytes that encode to - and _
  }
  EXPECT_EQ(Base64UrlNoPadEncode(std::string_view("\xfb\xff")), "-_8");
}

TEST(Base64UrlNoPadTest, RefusesAnythingButCanonicalText) {
  for (const std::string_view text : {"QQ==", "-_8=", "+/8", "QQ Q", "QUJDR", "QR", "-_9"}) {
    EXPECT_FALSE(Base64UrlNoPadDecode(text).has_value()) << text;
  }
}

// ---- Sign and Verify ----

TEST_F(JwtTest, SignedTokenVerifiesAndYieldsTypedClaims) {
  const std::string payload =
      "{\"iss\":\"https://oidc.lab.example/id/1\",\"sub\":\"system:serviceaccount:lab:app\","
      "\"aud\":[\"sts.amazonaws.com\",\"other\"],\"exp\":1767229200,\"nbf\":1767225500,"
      "\"iat\":1767225540,\"amr\":[\"authenticated\",\"mfa\"],\"email_verified\":true,"
      "\"https://aws.amazon.com/tags\":{\"principal_tags\":{\"team\":[\"red\"]}}}";
  const Result<std::string> token = a().Sign(payload);
  ASSERT_OK(token);
  const Result<VerifiedJwt> verified = KeysOf(a()).Verify(*token);
  ASSERT_OK(verified);
  EXPECT_EQ(verified->kid, "key-a");
  const JwtClaims& claims = verified->claims;
  EXPECT_EQ(claims.iss, "https://oidc.lab.example/id/1");
  EXPECT_EQ(claims.sub, "system:serviceaccount:lab:app");
  EXPECT_THAT(claims.aud, ElementsAre("sts.amazonaws.com", "other"));
  EXPECT_EQ(claims.exp->time_since_epoch().count(), 1767229200);
  EXPECT_EQ(claims.nbf->time_since_epoch().count(), 1767225500);
  EXPECT_EQ(claims.iat->time_since_epoch().count(), 1767225540);
  EXPECT_THAT(claims.amr, ElementsAre("authenticated", "mfa"));
  EXPECT_THAT(claims.other,
              UnorderedElementsAre(Pair("email_verified", "true"),
                                   Pair("https://aws.amazon.com/tags",
                                        "{\"principal_tags\":{\"team\":[\"red\"]}}")));
  EXPECT_EQ(claims.payload_json, payload);
}

TEST_F(JwtTest, SingleStringAudienceAndAmrBecomeOneElement) {
  const Result<VerifiedJwt> verified =
      KeysOf(a()).Verify(*a().Sign("{\"aud\":\"client-1\",\"amr\":\"unauthenticated\"}"));
  ASSERT_OK(verified);
  EXPECT_THAT(verified->claims.aud, ElementsAre("client-1"));
  EXPECT_THAT(verified->claims.amr, ElementsAre("unauthenticated"));
  EXPECT_FALSE(verified->claims.iss.has_value());
  EXPECT_FALSE(verified->claims.exp.has_value());
}

TEST_F(JwtTest, HeaderIsRs256WithKidAndTyp) {
  const std::string token = *a().Sign(Claims());
  const std::optional<Bytes> header = Base64UrlNoPadDecode(token.substr(0, token.find('.')));
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(std::string(header->begin(), header->end()),
            "{\"alg\":\"RS256\",\"kid\":\"key-a\",\"typ\":\"JWT\"}");
}

TEST_F(JwtTest, KeysGeneratedInProcessSignAndVerify) {
  const Result<JwtSigner> generated = JwtSigner::Generate("fresh");
  ASSERT_OK(generated);
  const std::string token = *generated->Sign(Claims());
  EXPECT_OK(Take(JwtKeySet::FromJwks(generated->Jwks())).Verify(token));
  EXPECT_OK(Take(JwtKeySet::FromPublicKeyPem(generated->PublicKeyPem())).Verify(token));
  EXPECT_THAT(KeysOf(a()).Verify(token), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(JwtTest, ChangingAnyCharacterIsRefused) {
  const std::string token = *a().Sign(Claims());
  const JwtKeySet keys = KeysOf(a());
  ASSERT_OK(keys.Verify(token));
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '.') continue;
    std::string forged = token;
    forged[i] = forged[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(keys.Verify(forged).ok()) << "character " << i;
  }
}

TEST_F(JwtTest, FlippedSignatureBitIsUnauthenticated) {
  const std::string token = *a().Sign(Claims());
  const std::size_t dot = token.rfind('.');
  Bytes signature = *Base64UrlNoPadDecode(token.substr(dot + 1));
  signature[signature.size() / 2] ^= 0x01;
  const std::string forged = token.substr(0, dot + 1) + Base64UrlNoPadEncode(signature);
  EXPECT_THAT(KeysOf(a()).Verify(forged), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(JwtTest, WrongKeyIsUnauthenticated) {
  const std::string token = *a().Sign(Claims());
  // b's key from PEM has no kid, so it is tried, and fails.
  const JwtKeySet pem_keys = Take(JwtKeySet::FromPublicKeyPem(b().PublicKeyPem()));
  const Result<VerifiedJwt> result = pem_keys.Verify(token);
  EXPECT_THAT(result, StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(result.status().message(), HasSubstr("signature"));
  // b's JWKS names its key "key-b": no key for the token's "key-a" at all.
  const Result<VerifiedJwt> by_kid = KeysOf(b()).Verify(token);
  EXPECT_THAT(by_kid, StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(by_kid.status().message(), HasSubstr("kid"));
}

TEST_F(JwtTest, AlgNoneIsRefused) {
  const std::string payload = Base64UrlNoPadEncode(Claims());
  const JwtKeySet keys = KeysOf(a());
  for (const std::string_view header :
       {"{\"alg\":\"none\"}", "{\"alg\":\"none\",\"typ\":\"JWT\"}"}) {
    const std::string unsigned_token = Base64UrlNoPadEncode(header) + "." + payload + ".";
    const Result<VerifiedJwt> result = keys.Verify(unsigned_token);
    EXPECT_THAT(result, StatusIs(ErrorCode::kInvalidArgument));
    EXPECT_THAT(result.status().message(), HasSubstr("\"none\""));
  }
  // Even with a genuine RS256 signature, the header's word is what is refused.
  const std::string signed_none = SignRaw(raw_key(), "{\"alg\":\"none\"}", Claims());
  const JwtKeySet raw_keys = Take(JwtKeySet::FromPublicKeyPem(PublicPem(raw_key())));
  EXPECT_THAT(raw_keys.Verify(signed_none), StatusIs(ErrorCode::kInvalidArgument));
}

TEST_F(JwtTest, Hs256WithThePublicKeyAsSecretIsRefused) {
  // The classic confusion: an HMAC keyed with the (public) PEM text a verifier holds.
  const std::string pem = a().PublicKeyPem();
  const std::string signing_input = Base64UrlNoPadEncode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") +
                                    "." + Base64UrlNoPadEncode(Claims());
  Bytes secret(pem.begin(), pem.end());
  const Sha256Digest mac = HmacSha256(secret, signing_input);
  const std::string forged = signing_input + "." + Base64UrlNoPadEncode(mac);
  const Result<VerifiedJwt> result = Take(JwtKeySet::FromPublicKeyPem(pem)).Verify(forged);
  EXPECT_THAT(result, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(result.status().message(), HasSubstr("HS256"));
}

TEST_F(JwtTest, EveryOtherAlgorithmIsRefused) {
  const JwtKeySet keys = Take(JwtKeySet::FromPublicKeyPem(PublicPem(raw_key())));
  for (const std::string_view header :
       {"{\"alg\":\"RS512\"}", "{\"alg\":\"PS256\"}", "{\"alg\":\"ES256\"}", "{\"alg\":\"rs256\"}",
        "{\"alg\":\"RS256 \"}", "{\"alg\":\"\"}", "{\"alg\":256}", "{\"typ\":\"JWT\"}"}) {
    EXPECT_THAT(keys.Verify(SignRaw(raw_key(), header, Claims())),
                StatusIs(ErrorCode::kInvalidArgument))
        << header;
  }
  // A name that is not plain is described, not echoed.
  const Result<VerifiedJwt> odd = keys.Verify(SignRaw(raw_key(), "{\"alg\":\"<x>\"}", Claims()));
  EXPECT_THAT(odd.status().message(), Not(HasSubstr("<x>")));
}

TEST_F(JwtTest, CritHeaderIsRefused) {
  const JwtKeySet keys = Take(JwtKeySet::FromPublicKeyPem(PublicPem(raw_key())));
  ASSERT_OK(keys.Verify(SignRaw(raw_key(), "{\"alg\":\"RS256\"}", Claims())));
  EXPECT_THAT(
      keys.Verify(SignRaw(raw_key(), "{\"alg\":\"RS256\",\"crit\":[\"exp\"],\"exp\":1}", Claims())),
      StatusIs(ErrorCode::kInvalidArgument));
}

TEST_F(JwtTest, DuplicateNamesAreRefused) {
  const JwtKeySet keys = Take(JwtKeySet::FromPublicKeyPem(PublicPem(raw_key())));
  EXPECT_THAT(keys.Verify(SignRaw(raw_key(), "{\"alg\":\"RS256\",\"alg\":\"none\"}", Claims())),
              StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(keys.Verify(SignRaw(raw_key(), "{\"alg\":\"RS256\"}",
                                  "{\"aud\":\"a\",\"x\":{\"k\":1},\"aud\":\"b\"}")),
              StatusIs(ErrorCode::kInvalidArgument));
  // The same name in different objects is fine.
  EXPECT_OK(keys.Verify(
      SignRaw(raw_key(), "{\"alg\":\"RS256\"}", "{\"aud\":\"a\",\"x\":{\"aud\":\"b\"}}")));
  EXPECT_THAT(a().Sign("{\"sub\":\"a\",\"sub\":\"b\"}"), StatusIs(ErrorCode::kInvalidArgument));
}

TEST_F(JwtTest, MalformedTokensAreInvalidArgument) {
  const std::string token = *a().Sign(Claims());
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = token.rfind('.');
  const std::string header = token.substr(0, dot1);
  const std::string payload = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string signature = token.substr(dot2 + 1);
  const JwtKeySet keys = KeysOf(a());
  for (const std::string& bad : {
           std::string(),
           std::string("abc"),
           header + "." + payload,
           token + "." + signature,                          // five parts would be a JWE
           header + "=." + payload + "." + signature,        // padding
           header + "." + payload + "." + signature + "==",  //
           header + "." + payload + ".",                     // empty signature
           Base64UrlNoPadEncode(std::string_view("[\"alg\",\"RS256\"]")) + "." + payload + "." +
               signature,
           Base64UrlNoPadEncode(std::string_view("{alg:RS256}")) + "." + payload + "." + signature,
           "." + payload + "." + signature,
       }) {
    EXPECT_THAT(keys.Verify(bad), StatusIs(ErrorCode::kInvalidArgument)) << bad;
  }
}

TEST_F(JwtTest, ClaimsOfTheWrongTypeAreRefused) {
  const JwtKeySet keys = KeysOf(a());
  for (const std::string_view claims : {
           "{\"exp\":\"1767229200\"}",  // a string: the AWS model wants integers
           "{\"exp\":1767229200.5}",    // a fraction
           "{\"exp\":1.7672292e9}",     // an integer value, written as a float
           "{\"nbf\":true}",
           "{\"iat\":null}",
           "{\"exp\":18446744073709551615}",  // beyond int64
           "{\"iss\":42}",
           "{\"sub\":[\"a\"]}",
           "{\"aud\":7}",
           "{\"aud\":[\"a\",7]}",
           "{\"amr\":{\"a\":1}}",
       }) {
    const Result<std::string> token = a().Sign(claims);
    ASSERT_OK(token);
    EXPECT_THAT(keys.Verify(*token), StatusIs(ErrorCode::kInvalidArgument)) << claims;
  }
  EXPECT_THAT(a().Sign("[1,2]"), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(a().Sign("not json"), StatusIs(ErrorCode::kInvalidArgument));
  // Negative and zero times are integers; CheckClaims judges them.
  const Result<VerifiedJwt> old = keys.Verify(*a().Sign("{\"exp\":-5,\"nbf\":0}"));
  ASSERT_OK(old);
  EXPECT_EQ(old->claims.exp->time_since_epoch().count(), -5);
}

TEST_F(JwtTest, JwksWithTwoKeysSelectsByKid) {
  const JwtKeySet keys = BothKeys();
  EXPECT_EQ(keys.size(), 2u);
  const Result<VerifiedJwt> from_a = keys.Verify(*a().Sign(Claims()));
  ASSERT_OK(from_a);
  EXPECT_EQ(from_a->kid, "key-a");
  const Result<VerifiedJwt> from_b = keys.Verify(*b().Sign(Claims()));
  ASSERT_OK(from_b);
  EXPECT_EQ(from_b->kid, "key-b");
}

TEST_F(JwtTest, KidPicksTheOnlyKeyTried) {
  // Signed by a's key but claiming to be key-b: only key-b is tried, and fails.
  const JwtSigner a_as_b = Take(JwtSigner::FromPrivateKeyPem(PrivatePem(raw_key()), "key-b"));
  const JwtKeySet keys = BothKeys();
  EXPECT_THAT(keys.Verify(*a_as_b.Sign(Claims())), StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(keys.Verify(SignRaw(raw_key(), "{\"alg\":\"RS256\",\"kid\":\"key-c\"}", Claims())),
              StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(JwtTest, TokenWithoutKidIsTriedAgainstEveryKey) {
  const JwtSigner no_kid = Take(JwtSigner::FromPrivateKeyPem(PrivatePem(raw_key())));
  EXPECT_EQ(no_kid.Jwks().find("kid"), std::string::npos);
  const JwtKeySet keys =
      Take(JwtKeySet::FromJwks("{\"keys\":[" + JwkOf(a()) + "," + JwkOf(no_kid) + "]}"));
  const Result<VerifiedJwt> verified = keys.Verify(*no_kid.Sign(Claims()));
  ASSERT_OK(verified);
  EXPECT_EQ(verified->kid, "");
  // A token with a kid also matches a key published without one.
  const JwtKeySet pem = Take(JwtKeySet::FromPublicKeyPem(a().PublicKeyPem()));
  EXPECT_OK(pem.Verify(*a().Sign(Claims())));
}

TEST_F(JwtTest, JwksSkipsKeysNotForRs256Signatures) {
  const std::string ec =
      "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
      "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\",\"kid\":\"ec\"}";
  std::string enc = JwkOf(b());
  enc.replace(enc.find("\"use\":\"sig\""), 11, "\"use\":\"enc\"");
  std::string rs512 = JwkOf(b());
  rs512.replace(rs512.find("\"alg\":\"RS256\""), 13, "\"alg\":\"RS512\"");
  const Result<JwtKeySet> keys =
      JwtKeySet::FromJwks("{\"keys\":[" + ec + "," + enc + "," + rs512 + "," + JwkOf(a()) + "]}");
  ASSERT_OK(keys);
  EXPECT_EQ(keys->size(), 1u);
  EXPECT_OK(keys->Verify(*a().Sign(Claims())));
  EXPECT_THAT(keys->Verify(*b().Sign(Claims())), StatusIs(ErrorCode::kUnauthenticated));
  const Result<JwtKeySet> none = JwtKeySet::FromJwks("{\"keys\":[" + ec + "," + enc + "]}");
  EXPECT_THAT(none, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(none.status().message(), HasSubstr("no RSA signing key"));
}

TEST_F(JwtTest, JwksProblemsNameTheKey) {
  std::string padded = JwkOf(a());
  padded.replace(padded.find("\"e\":\"AQAB\""), 10, "\"e\":\"AQAB==\"");
  std::string private_key = JwkOf(a());
  private_key.insert(1, "\"d\":\"AQAB\",");
  std::string no_n = JwkOf(a());
  no_n.replace(no_n.find("\"n\":"), 4, "\"m\":");
  std::string even_e = JwkOf(a());
  even_e.replace(even_e.find("\"e\":\"AQAB\""), 10, "\"e\":\"AQAC\"");
  std::string small_e = JwkOf(a());
  small_e.replace(small_e.find("\"e\":\"AQAB\""), 10, "\"e\":\"AQ\"");  // e = 1
  const std::pair<std::string, std::string_view> kCases[] = {
      {"{\"keys\":[" + JwkOf(b()) + "," + padded + "]}", "keys[1].e"},
      {"{\"keys\":[" + private_key + "]}", "private"},
      {"{\"keys\":[" + no_n + "]}", "\"n\""},
      {"{\"keys\":[" + even_e + "]}", "keys[0]"},
      {"{\"keys\":[" + small_e + "]}", "keys[0]"},
      {"{\"keys\":[" + JwkOf(a()) + "," + JwkOf(a()) + "]}", "kid"},
      {"{\"keys\":[{\"n\":\"AQAB\"}]}", "kty"},
      {"{\"keys\":[\"x\"]}", "keys[0]"},
      {"{\"keys\":{}}", "\"keys\""},
      {"{}", "\"keys\""},
      {"{\"keys\":[]}", "no RSA"},
      {"{\"keys\":[],\"keys\":[]}", "twice"},
      {"{\"keys\":[", "JSON"},
  };
  for (const auto& [jwks, expected] : kCases) {
    const Result<JwtKeySet> keys = JwtKeySet::FromJwks(jwks);
    ASSERT_THAT(keys, StatusIs(ErrorCode::kInvalidArgument)) << jwks;
    EXPECT_THAT(keys.status().message(), HasSubstr(expected)) << jwks;
  }
}

TEST_F(JwtTest, ShortRsaKeysAreRefused) {
  const EvpPkeyPtr small = GenerateKey("RSA", 1024);
  EXPECT_THAT(JwtKeySet::FromPublicKeyPem(PublicPem(small.get())),
              StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(JwtSigner::FromPrivateKeyPem(PrivatePem(small.get())),
              StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(JwtSigner::Generate("", 1024), StatusIs(ErrorCode::kInvalidArgument));
}

TEST_F(JwtTest, PemProblems) {
  const EvpPkeyPtr ec = GenerateKey("EC", 0);
  const std::string pem = PublicPem(raw_key());
  for (const std::string& bad : {std::string(), std::string("not pem"), PublicPem(ec.get()),
                                 PrivatePem(raw_key()), pem + pem, pem + "trailing"}) {
    EXPECT_THAT(JwtKeySet::FromPublicKeyPem(bad), StatusIs(ErrorCode::kInvalidArgument)) << bad;
  }
  EXPECT_OK(JwtKeySet::FromPublicKeyPem("comment line\n" + pem + "\n\n"));
  EXPECT_THAT(JwtSigner::FromPrivateKeyPem(PrivatePem(raw_key(), "passphrase")),
              StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(JwtSigner::FromPrivateKeyPem(PrivatePem(ec.get())),
              StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(JwtSigner::FromPrivateKeyPem(pem), StatusIs(ErrorCode::kInvalidArgument));
}

TEST_F(JwtTest, ParseAndLoadFileTellJwksFromPem) {
  const std::filesystem::path jwks_file = dir_ / "jwks.json";
  const std::filesystem::path pem_file = dir_ / "provider.pem";
  WriteFile(jwks_file, "\n  " + a().Jwks(), std::filesystem::perms::owner_read);
  WriteFile(pem_file, b().PublicKeyPem(), std::filesystem::perms::owner_read);
  const Result<JwtKeySet> from_jwks = JwtKeySet::LoadFile(jwks_file);
  ASSERT_OK(from_jwks);
  EXPECT_OK(from_jwks->Verify(*a().Sign(Claims())));
  const Result<JwtKeySet> from_pem = JwtKeySet::LoadFile(pem_file);
  ASSERT_OK(from_pem);
  EXPECT_OK(from_pem->Verify(*b().Sign(Claims())));

  EXPECT_THAT(JwtKeySet::LoadFile(dir_ / "missing.pem"), StatusIs(ErrorCode::kNotFound));
  WriteFile(dir_ / "bad.json", "{\"keys\":[]}", std::filesystem::perms::owner_read);
  const Result<JwtKeySet> bad = JwtKeySet::LoadFile(dir_ / "bad.json");
  ASSERT_THAT(bad, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(bad.status().message(), HasSubstr("bad.json: "));
}

TEST_F(JwtTest, SignerFromPemMatchesItsPublicHalves) {
  const JwtSigner signer = Take(JwtSigner::FromPrivateKeyPem(PrivatePem(raw_key()), "lab-1"));
  EXPECT_EQ(signer.kid(), "lab-1");
  EXPECT_EQ(signer.PublicKeyPem(), PublicPem(raw_key()));
  const std::string token = *signer.Sign(Claims());
  EXPECT_OK(JwtKeySet::FromJwks(signer.Jwks())->Verify(token));
  EXPECT_OK(JwtKeySet::FromPublicKeyPem(PublicPem(raw_key()))->Verify(token));
}

// ---- CheckClaims ----

class CheckClaimsTest : public JwtTest {
 protected:
  JwtClaims Verified(const std::string& claims) const {
    return Take(KeysOf(a()).Verify(*a().Sign(claims))).claims;
  }
  ClaimsVerdict Check(const JwtClaims& claims, WallTime now) const {
    return CheckClaims(claims, expected_, now);
  }

  const ClaimsExpectations expected_{kIssuer, {"other-client", kAudience}};
};

TEST_F(CheckClaimsTest, AcceptsAGoodToken) {
  const ClaimsVerdict verdict = Check(Verified(Claims()), clock_.Now());
  EXPECT_TRUE(verdict.ok()) << verdict.reason;
  EXPECT_EQ(verdict.reason, "");
  EXPECT_TRUE(Check(Verified(Claims("[\"x\",\"other-client\"]")), clock_.Now()).ok());
}

TEST_F(CheckClaimsTest, WrongOrMissingIssuer) {
  JwtClaims claims = Verified(Claims());
  claims.iss = "https://oidc.lab.example/id/2";
  ClaimsVerdict verdict = Check(claims, clock_.Now());
  EXPECT_EQ(verdict.problem, ClaimsProblem::kWrongIssuer);
  EXPECT_THAT(verdict.reason, HasSubstr("https://oidc.lab.example/id/2"));
  claims.iss = std::string(kIssuer) + "/";  // exact match only
  EXPECT_EQ(Check(claims, clock_.Now()).problem, ClaimsProblem::kWrongIssuer);
  claims.iss.reset();
  EXPECT_EQ(Check(claims, clock_.Now()).problem, ClaimsProblem::kWrongIssuer);
}

TEST_F(CheckClaimsTest, WrongOrMissingAudience) {
  EXPECT_EQ(Check(Verified(Claims("\"someone-else\"")), clock_.Now()).problem,
            ClaimsProblem::kWrongAudience);
  EXPECT_EQ(Check(Verified(Claims("[]")), clock_.Now()).problem, ClaimsProblem::kWrongAudience);
  JwtClaims claims = Verified(Claims());
  claims.aud.clear();
  EXPECT_EQ(Check(claims, clock_.Now()).problem, ClaimsProblem::kWrongAudience);
}

TEST_F(CheckClaimsTest, ExpiryEdge) {
  JwtClaims claims = Verified(Claims());
  const WallTime exp = *claims.exp;
  EXPECT_TRUE(Check(claims, exp - std::chrono::seconds(1)).ok());
  EXPECT_TRUE(Check(claims, exp - std::chrono::milliseconds(1)).ok());  // still second exp - 1
  const ClaimsVerdict at_exp = Check(claims, exp);
  EXPECT_EQ(at_exp.problem, ClaimsProblem::kExpired);
  EXPECT_THAT(at_exp.reason, HasSubstr(std::to_string(claims.exp->time_since_epoch().count())));
  EXPECT_EQ(Check(claims, exp + std::chrono::hours(1)).problem, ClaimsProblem::kExpired);
  claims.exp.reset();
  EXPECT_EQ(Check(claims, clock_.Now()).problem, ClaimsProblem::kNoExpiry);
}

TEST_F(CheckClaimsTest, NotBeforeEdge) {
  const std::int64_t now = UnixNow();
  const JwtClaims claims = Verified(std::string("{\"iss\":\"") + kIssuer + "\",\"aud\":\"" +
                                    kAudience + "\",\"nbf\":" + std::to_string(now + 10) +
                                    ",\"exp\":" + std::to_string(now + 100) + "}");
  EXPECT_EQ(Check(claims, clock_.Now() + std::chrono::seconds(9)).problem,
            ClaimsProblem::kNotYetValid);
  EXPECT_TRUE(Check(claims, clock_.Now() + std::chrono::seconds(10)).ok());
}

TEST_F(CheckClaimsTest, IssuedAtIsNotJudged) {
  const std::int64_t now = UnixNow();
  const JwtClaims claims = Verified(std::string("{\"iss\":\"") + kIssuer + "\",\"aud\":\"" +
                                    kAudience + "\",\"iat\":" + std::to_string(now + 500) +
                                    ",\"exp\":" + std::to_string(now + 1000) + "}");
  EXPECT_TRUE(Check(claims, clock_.Now()).ok());
}

TEST_F(CheckClaimsTest, IssuerIsCheckedBeforeExpiry) {
  JwtClaims claims = Verified(Claims("\"nobody\""));
  claims.iss = "https://elsewhere";
  EXPECT_EQ(Check(claims, clock_.Now() + std::chrono::hours(2)).problem,
            ClaimsProblem::kWrongIssuer);
}

}  // namespace
}  // namespace imdsd::crypto
