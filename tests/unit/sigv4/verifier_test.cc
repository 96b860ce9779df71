#include "sigv4/verifier.h"

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "botocore_fixtures.h"
#include "crypto/digest.h"
#include "fakes/fake_clock.h"
#include "sigv4/signing_key.h"
#include "suite_vectors.h"

namespace imdsd::sigv4 {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// The fixture holds the clock, a credential table and the verifier under test. The clock starts
// at 2026-01-01T00:00:00Z, the instant the botocore fixtures were signed.
class VerifierTest : public ::testing::Test {
 protected:
  VerifierTest() { Reset(VerifierOptions{}); }

  void Reset(VerifierOptions options) {
    verifier_ = std::make_unique<Verifier>(clock_, std::move(options));
  }

  CredentialLookup Lookup() {
    return [this](std::string_view id) -> std::optional<SigningCredential> {
      ++lookups_;
      const auto it = credentials_.find(std::string(id));
      if (it == credentials_.end()) return std::nullopt;
      return it->second;
    };
  }

  AuthResult Verify(std::string_view method, std::string_view path, std::string_view query,
                    const std::vector<Header>& headers, std::string_view body) {
    return verifier_->Verify(
        {.method = method, .path = path, .query = query, .headers = headers, .body = body},
        Lookup());
  }

  // botocore's AssumeRole request, with `change` applied to a copy of its headers.
  AuthResult VerifyAssumeRole(const std::function<void(std::vector<Header>&)>& change = {},
                              std::string_view body = fixtures::kAssumeRoleBody) {
    std::vector<Header> headers = fixtures::AssumeRoleHeaders();
    if (change) change(headers);
    return Verify("POST", "/", "", headers, body);
  }

  AuthResult VerifyPresigned(std::string_view query) {
    return Verify("GET", "/", query, fixtures::PresignedHeaders(), "");
  }

  static void SetHeader(std::vector<Header>& headers, std::string_view name,
                        std::string_view value) {
    for (Header& header : headers) {
      if (header.name == name) header.value = value;
    }
  }

  static void RemoveHeader(std::vector<Header>& headers, std::string_view name) {
    std::erase_if(headers, [name](const Header& h) { return h.name == name; });
  }

  static void ExpectError(const AuthResult& result, std::string_view code, int status,
                          std::string_view message) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, code);
    EXPECT_EQ(result.error().http_status, status);
    EXPECT_EQ(result.error().message, message);
  }

  testing::FakeClock clock_;
  std::map<std::string, SigningCredential> credentials_ = {
      {std::string(fixtures::kBotoTemporaryKeyId), {std::string(fixtures::kBotoSecret), true}},
      {std::string(fixtures::kBotoLongTermKeyId), {std::string(fixtures::kBotoSecret), false}},
  };
  int lookups_ = 0;
  std::unique_ptr<Verifier> verifier_;
};

TEST_F(VerifierTest, AcceptsEveryAwsSuiteVector) {
  VerifierOptions options;
  options.service = "service";
  Reset(std::move(options));
  clock_.SetWall(*ParseAmzDate(fixtures::kSuiteDate));
  credentials_[std::string(fixtures::kSuiteAccessKeyId)] = {std::string(fixtures::kSuiteSecret),
                                                            false};
  for (const fixtures::SuiteCase& c : fixtures::SuiteCases()) {
    SCOPED_TRACE(c.name);
    const std::string authorization = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" +
                                      std::string(fixtures::kSuiteScope) +
                                      ", SignedHeaders=" + std::string(c.signed_headers) +
                                      ", Signature=" + std::string(c.signature);
    std::vector<Header> headers = c.headers;
    headers.push_back({"Authorization", authorization});
    const AuthResult result = Verify(c.method, c.path, c.query, headers, c.body);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.value().access_key_id, "AKIDEXAMPLE");
    EXPECT_EQ(result.value().region, "us-east-1");
    EXPECT_EQ(result.value().service, "service");
    EXPECT_FALSE(result.value().presigned);
    const bool has_token = c.name.starts_with("post-sts-token/");
    EXPECT_EQ(result.value().session_token.has_value(), has_token);
    if (has_token) {
      EXPECT_EQ(*result.value().session_token, fixtures::kSuiteSessionToken);
    }
  }
}

TEST_F(VerifierTest, AcceptsBotocoreAssumeRoleWithItsSessionToken) {
  const AuthResult result = VerifyAssumeRole();
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result.value().access_key_id, fixtures::kBotoTemporaryKeyId);
  EXPECT_EQ(result.value().region, "us-east-1");
  EXPECT_EQ(result.value().service, "sts");
  EXPECT_EQ(result.value().signed_at, clock_.Now());
  EXPECT_EQ(result.value().session_token, std::string(fixtures::kBotoSessionToken));
  EXPECT_FALSE(result.value().presigned);
  EXPECT_EQ(lookups_, 1);
}

TEST_F(VerifierTest, AcceptsBotocorePresignedGetCallerIdentity) {
  const AuthResult result = VerifyPresigned(fixtures::kPresignedQuery);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result.value().access_key_id, fixtures::kBotoLongTermKeyId);
  EXPECT_TRUE(result.value().presigned);
  EXPECT_FALSE(result.value().session_token.has_value());

  const AuthResult temporary = VerifyPresigned(fixtures::kPresignedTemporaryQuery);
  ASSERT_TRUE(temporary.ok()) << temporary.error().message;
  EXPECT_EQ(temporary.value().session_token, std::string(fixtures::kBotoSessionToken));
}

TEST_F(VerifierTest, RepeatedRequestsReuseTheSigningKeyAndStillCheckEverything) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(VerifyAssumeRole().ok());
  ExpectError(VerifyAssumeRole({}, "Action=AssumeRole&Version=2011-06-15"), "SignatureDoesNotMatch",
              403, kSignatureMismatchMessage);
}

TEST_F(VerifierTest, RotatedSecretIsNotServedFromTheCache) {
  ASSERT_TRUE(VerifyAssumeRole().ok());
  credentials_[std::string(fixtures::kBotoTemporaryKeyId)].secret_access_key = "another-secret";
  ExpectError(VerifyAssumeRole(), "SignatureDoesNotMatch", 403, kSignatureMismatchMessage);
  credentials_[std::string(fixtures::kBotoTemporaryKeyId)].secret_access_key =
      std::string(fixtures::kBotoSecret);
  EXPECT_TRUE(VerifyAssumeRole().ok());
}

TEST_F(VerifierTest, ConcurrentVerificationsShareOneVerifier) {
  // No lookup counter here: it is not atomic, and the point is the verifier's own state.
  const CredentialLookup lookup = [](std::string_view) -> std::optional<SigningCredential> {
    return SigningCredential{std::string(fixtures::kBotoSecret), true};
  };
  const std::vector<Header>& headers = fixtures::AssumeRoleHeaders();
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const bool good = i % 2 == 0;
        const AuthResult result =
            verifier_->Verify({.method = "POST",
                               .path = "/",
                               .query = "",
                               .headers = headers,
                               .body = good ? fixtures::kAssumeRoleBody : std::string_view("x")},
                              lookup);
        if (result.ok() != good) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

// --- Which form, and is it complete ---

TEST_F(VerifierTest, NoAuthenticationAtAll) {
  ExpectError(Verify("POST", "/", "", {{"Host", "h"}}, "Action=GetCallerIdentity"),
              "MissingAuthenticationToken", 403, "Request is missing Authentication Token");
}

TEST_F(VerifierTest, AuthorizationThatIsNotSigV4) {
  ExpectError(VerifyAssumeRole([](auto& h) { SetHeader(h, "Authorization", "Bearer abc"); }),
              "MissingAuthenticationToken", 403, "Request is missing Authentication Token");
}

TEST_F(VerifierTest, BothAuthorizationHeaderAndQuerySignature) {
  std::vector<Header> headers = fixtures::PresignedHeaders();
  headers.push_back({"Authorization", fixtures::kAssumeRoleAuthorization});
  ExpectError(Verify("GET", "/", fixtures::kPresignedQuery, headers, ""), "SignatureDoesNotMatch",
              403,
              "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP "
              "header.");
}

TEST_F(VerifierTest, UnsupportedAlgorithm) {
  ExpectError(VerifyAssumeRole([](auto& h) {
                SetHeader(h, "Authorization", "AWS4-HMAC-SHA512 Credential=a/b/c/d/e");
              }),
              "IncompleteSignature", 400, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.");
}

TEST_F(VerifierTest, PartWithoutEqualSign) {
  constexpr std::string_view kHeader =
      "AWS4-HMAC-SHA256 Credential= AKIAQEXAMPLEKEY12345/20260101/us-east-1/sts/aws4_request, "
      "SignedHeaders=host, Signature=abc";
  ExpectError(VerifyAssumeRole([&](auto& h) { SetHeader(h, "Authorization", kHeader); }),
              "IncompleteSignature", 400,
              "'AKIAQEXAMPLEKEY12345/20260101/us-east-1/sts/aws4_request' not a valid key=value "
              "pair (missing equal-sign) in Authorization header: '" +
                  std::string(kHeader) + "'.");
}

TEST_F(VerifierTest, MissingAuthorizationParts) {
  ExpectError(VerifyAssumeRole([](auto& h) {
                SetHeader(h, "Authorization", "AWS4-HMAC-SHA256 Credential=ABCDEF");
              }),
              "IncompleteSignature", 400,
              "Authorization header requires 'Signature' parameter. Authorization header "
              "requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 "
              "Credential=ABCDEF");
  ExpectError(VerifyAssumeRole([](auto& h) {
                SetHeader(h, "Authorization", "AWS4-HMAC-SHA256");
                RemoveHeader(h, "X-Amz-Date");
              }),
              "IncompleteSignature", 400,
              "Authorization header requires 'Credential' parameter. Authorization header "
              "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
              "parameter. Authorization header requires existence of either a 'X-Amz-Date' or "
              "a 'Date' header. Authorization=AWS4-HMAC-SHA256");
}

TEST_F(VerifierTest, MissingPresignedParameters) {
  ExpectError(VerifyPresigned("Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                              "&X-Amz-SignedHeaders=host"),
              "IncompleteSignature", 400,
              "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string "
              "parameters must include 'X-Amz-Signature'. AWS query-string parameters must "
              "include 'X-Amz-Date'. Re-examine the query-string parameters.");
}

TEST_F(VerifierTest, PresignedWithAnotherAlgorithm) {
  ExpectError(VerifyPresigned("X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=x"),
              "MissingAuthenticationToken", 403, "Request is missing Authentication Token");
}

// --- Dates and the clock ---

TEST_F(VerifierTest, MalformedDate) {
  ExpectError(VerifyAssumeRole([](auto& h) { SetHeader(h, "X-Amz-Date", "2026-01-01T00:00:00Z"); }),
              "IncompleteSignature", 400,
              "Date must be in ISO-8601 'basic format'. Got '2026-01-01T00:00:00Z'. See "
              "http://en.wikipedia.org/wiki/ISO_8601");
}

TEST_F(VerifierTest, HttpDateHeaderMustAlsoBeBasicFormat) {
  ExpectError(VerifyAssumeRole([](auto& h) {
                RemoveHeader(h, "X-Amz-Date");
                h.push_back({"Date", "Thu, 01 Jan 2026 00:00:00 GMT"});
              }),
              "IncompleteSignature", 400,
              "Date must be in ISO-8601 'basic format'. Got 'Thu, 01 Jan 2026 00:00:00 GMT'. See "
              "http://en.wikipedia.org/wiki/ISO_8601");
}

TEST_F(VerifierTest, ClockSkewUpToFifteenMinutesEitherWayIsAccepted) {
  clock_.Advance(minutes(15));
  EXPECT_TRUE(VerifyAssumeRole().ok());
  clock_.SetWall(*ParseAmzDate("20251231T234500Z"));
  EXPECT_TRUE(VerifyAssumeRole().ok());
}

TEST_F(VerifierTest, SignatureExpired) {
  clock_.Advance(minutes(15) + seconds(1));
  ExpectError(VerifyAssumeRole(), "SignatureDoesNotMatch", 403,
              "Signature expired: 20260101T000000Z is now earlier than 20260101T000001Z "
              "(20260101T001501Z - 15 min.)");
  EXPECT_EQ(VerifyAssumeRole().error().reason, AuthFailure::kRequestExpired);
  EXPECT_EQ(lookups_, 0);
}

TEST_F(VerifierTest, SignatureNotYetCurrent) {
  clock_.SetWall(*ParseAmzDate("20251231T234459Z"));
  ExpectError(VerifyAssumeRole(), "SignatureDoesNotMatch", 403,
              "Signature not yet current: 20260101T000000Z is still later than 20251231T235959Z "
              "(20251231T234459Z + 15 min.)");
}

TEST_F(VerifierTest, PresignedUrlLivesFifteenMinutesWhateverXAmzExpiresSays) {
  // botocore asked for 60 s; STS does not honour X-Amz-Expires.
  clock_.Advance(minutes(14));
  EXPECT_TRUE(VerifyPresigned(fixtures::kPresignedQuery).ok());
  clock_.Advance(minutes(1) + seconds(1));
  ExpectError(VerifyPresigned(fixtures::kPresignedQuery), "SignatureDoesNotMatch", 403,
              "Signature expired: 20260101T000000Z is now earlier than 20260101T000001Z "
              "(20260101T001501Z - 15 min.)");
}

TEST_F(VerifierTest, PresignedExpiresOutOfRange) {
  for (const std::string bad : {"0", "604801", "abc", "-5", "99999999"}) {
    std::string query(fixtures::kPresignedQuery);
    query.replace(query.find("X-Amz-Expires=60"), 16, "X-Amz-Expires=" + bad);
    ExpectError(
        VerifyPresigned(query), "IncompleteSignature", 400,
        "X-Amz-Expires must be a whole number of seconds from 1 to 604800, not '" + bad + "'.");
  }
}

// --- What was signed, and for whom ---

TEST_F(VerifierTest, HostMustBeSigned) {
  ExpectError(VerifyAssumeRole([](auto& h) {
                SetHeader(h, "Authorization",
                          "AWS4-HMAC-SHA256 Credential=ASIAQEXAMPLEKEY12345/20260101/us-east-1/"
                          "sts/aws4_request, SignedHeaders=content-type;x-amz-date, Signature=00");
              }),
              "SignatureDoesNotMatch", 403,
              "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
}

TEST_F(VerifierTest, CredentialWithoutFiveParts) {
  ExpectError(VerifyAssumeRole([](auto& h) {
                SetHeader(
                    h, "Authorization",
                    "AWS4-HMAC-SHA256 Credential=ASIAQEXAMPLEKEY12345/20260101/us-east-1/sts, "
                    "SignedHeaders=host, Signature=00");
              }),
              "IncompleteSignature", 400,
              "Credential must have exactly 5 slash-delimited elements, e.g. "
              "keyid/date/region/service/term, got 'ASIAQEXAMPLEKEY12345/20260101/us-east-1/sts'");
}

TEST_F(VerifierTest, EveryScopeProblemIsReportedAtOnce) {
  ExpectError(VerifyAssumeRole([](auto& h) {
                SetHeader(h, "Authorization",
                          "AWS4-HMAC-SHA256 Credential=ASIAQEXAMPLEKEY12345/20251231/Mars/s3/"
                          "aws5_request, SignedHeaders=host, Signature=00");
              }),
              "SignatureDoesNotMatch", 403,
              "Credential should be scoped to a valid region, not 'Mars'. Credential should be "
              "scoped to correct service: 'sts'. Credential should be scoped with a valid "
              "terminator: 'aws4_request', not 'aws5_request'. Date in Credential scope does not "
              "match YYYYMMDD from ISO-8601 version of date from HTTP: '20251231' != '20260101', "
              "from '20260101T000000Z'. ");
  EXPECT_EQ(lookups_, 0);
}

TEST_F(VerifierTest, ConfiguredRegionsOnly) {
  VerifierOptions options;
  options.regions = {"eu-west-1"};
  Reset(std::move(options));
  ExpectError(VerifyAssumeRole(), "SignatureDoesNotMatch", 403,
              "Credential should be scoped to a valid region, not 'us-east-1'. ");
}

TEST_F(VerifierTest, UnknownAccessKey) {
  credentials_.clear();
  ExpectError(VerifyAssumeRole(), "InvalidClientTokenId", 403,
              "The security token included in the request is invalid.");
  EXPECT_EQ(VerifyAssumeRole().error().reason, AuthFailure::kUnknownAccessKey);
}

TEST_F(VerifierTest, TemporaryKeyWithoutSessionToken) {
  ExpectError(VerifyAssumeRole([](auto& h) { RemoveHeader(h, "X-Amz-Security-Token"); }),
              "InvalidClientTokenId", 403,
              "The security token included in the request is invalid.");
  EXPECT_EQ(
      VerifyAssumeRole([](auto& h) { RemoveHeader(h, "X-Amz-Security-Token"); }).error().reason,
      AuthFailure::kMissingSessionToken);
}

TEST_F(VerifierTest, LongTermKeyMayCarryAToken) {
  // The token's worth is the caller's to judge; the verifier only reports it. Here it rides in
  // an unsigned header, as post-sts-header-after does.
  std::vector<Header> headers = fixtures::PresignedHeaders();
  headers.push_back({"X-Amz-Security-Token", "unsigned"});
  const AuthResult result = Verify("GET", "/", fixtures::kPresignedQuery, headers, "");
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result.value().session_token, std::string("unsigned"));
}

TEST_F(VerifierTest, QueryParametersOfAPresignedRequestAreAllSigned) {
  ExpectError(VerifyPresigned(std::string(fixtures::kPresignedQuery) + "&X-Amz-Security-Token=x"),
              "SignatureDoesNotMatch", 403, kSignatureMismatchMessage);
}

// --- The signature ---

TEST_F(VerifierTest, TamperedBodyHeaderOrQuery) {
  ExpectError(VerifyAssumeRole({}, "Action=AssumeRole&Version=2011-06-15&RoleArn=x"),
              "SignatureDoesNotMatch", 403, kSignatureMismatchMessage);
  ExpectError(VerifyAssumeRole([](auto& h) { SetHeader(h, "Host", "127.0.0.1:4568"); }),
              "SignatureDoesNotMatch", 403, kSignatureMismatchMessage);
  EXPECT_EQ(VerifyAssumeRole([](auto& h) { SetHeader(h, "Host", "x"); }).error().reason,
            AuthFailure::kSignatureMismatch);
  std::string query(fixtures::kPresignedQuery);
  query.replace(query.find("GetCallerIdentity"), 17, "GetSessionToken");
  ExpectError(VerifyPresigned(query), "SignatureDoesNotMatch", 403, kSignatureMismatchMessage);
}

TEST_F(VerifierTest, UnsignedHeadersMayChange) {
  EXPECT_TRUE(VerifyAssumeRole([](auto& h) { SetHeader(h, "User-Agent", "other"); }).ok());
}

TEST_F(VerifierTest, UpperCaseOrShortSignatureDoesNotMatch) {
  ExpectError(VerifyAssumeRole([](auto& h) {
                SetHeader(h, "Authorization",
                          "AWS4-HMAC-SHA256 Credential=ASIAQEXAMPLEKEY12345/20260101/us-east-1/"
                          "sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-"
                          "security-token, Signature=911D38ECE41382DBF6A1FE711455AD3D7CC4CF32EBB1"
                          "0CE1ECCBEC77F1A4DF5A");
              }),
              "SignatureDoesNotMatch", 403, kSignatureMismatchMessage);
  ExpectError(VerifyAssumeRole([](auto& h) {
                SetHeader(h, "Authorization",
                          "AWS4-HMAC-SHA256 Credential=ASIAQEXAMPLEKEY12345/20260101/us-east-1/"
                          "sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-"
                          "security-token, Signature=911d");
              }),
              "SignatureDoesNotMatch", 403, kSignatureMismatchMessage);
}

// A client that signs "UNSIGNED-PAYLOAD" (or any hash but the body's) fails: the verifier always
// hashes the body it received.
TEST_F(VerifierTest, UnsignedPayloadIsNotAccepted) {
  const std::string body = "Action=GetCallerIdentity&Version=2011-06-15";
  std::vector<Header> headers = {{"Host", "127.0.0.1:4567"},
                                 {"X-Amz-Date", "20260101T000000Z"},
                                 {"X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"}};
  const auto sign = [&](std::string_view payload_hash) {
    const std::string canonical =
        CanonicalRequest({.method = "POST",
                          .canonical_uri = "/",
                          .canonical_query = "",
                          .signed_headers = "host;x-amz-content-sha256;x-amz-date",
                          .headers = headers,
                          .payload_hash = payload_hash});
    const std::string string_to_sign =
        StringToSign("20260101T000000Z", "20260101/us-east-1/sts/aws4_request", canonical);
    return "AWS4-HMAC-SHA256 Credential=AKIAQEXAMPLEKEY12345/20260101/us-east-1/sts/"
           "aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" +
           SignatureHex(DeriveSigningKey(fixtures::kBotoSecret, "20260101", "us-east-1", "sts"),
                        string_to_sign);
  };
  std::string authorization = sign("UNSIGNED-PAYLOAD");
  headers.push_back({"Authorization", authorization});
  ExpectError(Verify("POST", "/", "", headers, body), "SignatureDoesNotMatch", 403,
              kSignatureMismatchMessage);

  // The same request signed over the body's real hash passes, header and all.
  const std::string body_hash = crypto::HexEncode(crypto::Sha256(body));
  headers[2].value = body_hash;
  headers.pop_back();
  authorization = sign(body_hash);
  headers.push_back({"Authorization", authorization});
  EXPECT_TRUE(Verify("POST", "/", "", headers, body).ok());
}

// --- Helpers ---

TEST(AmzDateTest, ParsesAndFormatsTheBasicFormat) {
  const auto t = ParseAmzDate("20240229T235959Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatAmzDate(*t), "20240229T235959Z");
  EXPECT_EQ(FormatAmzDate(WallTime{}), "19700101T000000Z");
  for (const char* bad :
       {"20230229T000000Z", "20241301T000000Z", "20240101T240000Z", "20240101T000060Z",
        "20240101 000000Z", "20240101T000000", "2024010T1000000Z", "x0240101T000000Z", ""}) {
    EXPECT_FALSE(ParseAmzDate(bad).has_value()) << bad;
  }
}

TEST(AuthErrorTest, CodesAndStatusesFollowTheReason) {
  EXPECT_EQ(AuthError::Make(AuthFailure::kMalformedDate, "m").code, "IncompleteSignature");
  EXPECT_EQ(AuthError::Make(AuthFailure::kMalformedDate, "m").http_status, 400);
  EXPECT_EQ(AuthError::Make(AuthFailure::kMissingAuthentication, "m").http_status, 403);
  EXPECT_EQ(AuthError::Make(AuthFailure::kMissingSessionToken, "m").code, "InvalidClientTokenId");
  EXPECT_EQ(AuthError::Make(AuthFailure::kRequestExpired, "m").code, "SignatureDoesNotMatch");
  EXPECT_STREQ(AuthFailureName(AuthFailure::kSignatureMismatch), "signature_mismatch");
}

}  // namespace
}  // namespace imdsd::sigv4
