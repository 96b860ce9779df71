#include "sigv4/canonical.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "botocore_fixtures.h"
#include "crypto/digest.h"
#include "sigv4/signing_key.h"
#include "suite_vectors.h"

namespace imdsd::sigv4 {
namespace {

using fixtures::SuiteCase;

std::string SuiteStringToSign(std::string_view canonical_sha256) {
  return "AWS4-HMAC-SHA256\n" + std::string(fixtures::kSuiteDate) + "\n" +
         std::string(fixtures::kSuiteScope) + "\n" + std::string(canonical_sha256);
}

class SuiteVectorTest : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(SuiteVectorTest, CanonicalRequestStringToSignAndSignatureAreAwss) {
  const SuiteCase& c = GetParam();
  const std::string uri = CanonicalUri(c.path);
  const std::string query = CanonicalQuery(c.query, /*drop_signature=*/false);
  const std::string payload = crypto::HexEncode(crypto::Sha256(c.body));
  const std::string canonical = CanonicalRequest({.method = c.method,
                                                  .canonical_uri = uri,
                                                  .canonical_query = query,
                                                  .signed_headers = c.signed_headers,
                                                  .headers = c.headers,
                                                  .payload_hash = payload});
  EXPECT_EQ(canonical, c.canonical_request);
  EXPECT_EQ(crypto::HexEncode(crypto::Sha256(canonical)), c.canonical_request_sha256);

  const std::string string_to_sign =
      StringToSign(fixtures::kSuiteDate, fixtures::kSuiteScope, canonical);
  EXPECT_EQ(string_to_sign, SuiteStringToSign(c.canonical_request_sha256));
  const auto key = DeriveSigningKey(fixtures::kSuiteSecret, "20150830", "us-east-1", "service");
  EXPECT_EQ(SignatureHex(key, string_to_sign), c.signature);
}

INSTANTIATE_TEST_SUITE_P(AwsSigV4TestSuite, SuiteVectorTest,
                         ::testing::ValuesIn(fixtures::SuiteCases()),
                         [](const ::testing::TestParamInfo<SuiteCase>& param_info) {
                           std::string name;
                           for (char c : param_info.param.name) {
                             name.push_back((c == '-' || c == '/') ? '_' : c);
                           }
                           return name;
                         });

TEST(CanonicalUriTest, EncodesTheWirePathOnceMoreForNonS3Services) {
  // botocore quotes the already-encoded path again: AWS's "URI-encode each segment twice".
  EXPECT_EQ(CanonicalUri("/a%20b"), "/a%2520b");
  EXPECT_EQ(CanonicalUri("/a%2Fb/c"), "/a%252Fb/c");
  EXPECT_EQ(CanonicalUri("/caf\xC3\xA9"), "/caf%C3%A9");
  EXPECT_EQ(CanonicalUri("/a+b=c"), "/a%2Bb%3Dc");
}

TEST(CanonicalUriTest, RemovesDotAndEmptySegments) {
  EXPECT_EQ(CanonicalUri(""), "/");
  EXPECT_EQ(CanonicalUri("/"), "/");
  EXPECT_EQ(CanonicalUri("/.."), "/");
  EXPECT_EQ(CanonicalUri("/a/b/../c/./d/"), "/a/c/d/");
  EXPECT_EQ(CanonicalUri("/a/..b/.c"), "/a/..b/.c");
}

TEST(CanonicalQueryTest, DecodesThenEncodesStrictlyAndSorts) {
  EXPECT_EQ(CanonicalQuery("", false), "");
  EXPECT_EQ(CanonicalQuery("b&a=1", false), "a=1&b=");
  EXPECT_EQ(CanonicalQuery("q=a+b", false), "q=a%2Bb");  // '+' is a plus, not a space
  EXPECT_EQ(CanonicalQuery("q=a%20b&q=a%2fb", false), "q=a%20b&q=a%2Fb");
  EXPECT_EQ(CanonicalQuery("a=1=2", false), "a=1%3D2");
  EXPECT_EQ(CanonicalQuery("a=10&a=9", false), "a=10&a=9");  // bytewise, not numeric
  EXPECT_EQ(CanonicalQuery("x=%zz&y=%4", false), "x=%25zz&y=%254");
  EXPECT_EQ(CanonicalQuery("a=1&&b=2&", false), "a=1&b=2");
  EXPECT_EQ(CanonicalQuery("Z=1&a=1", false), "Z=1&a=1");  // upper case sorts first
}

TEST(CanonicalQueryTest, PresignedFormDropsOnlyTheSignature) {
  EXPECT_EQ(CanonicalQuery(fixtures::kPresignedQuery, /*drop_signature=*/true),
            "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAQEXAMPLEKEY12345%2F20260101%2Fus-east-1%2Fsts%2Faws4_request"
            "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host");
  EXPECT_THAT(CanonicalQuery(fixtures::kPresignedQuery, /*drop_signature=*/false),
              ::testing::HasSubstr("X-Amz-Signature=7acbc447"));
}

TEST(CanonicalHeaderValueTest, TrimsCollapsesAndJoinsRepeats) {
  const std::vector<Header> headers = {{"X-A", "  one   two  "},
                                       {"x-b", "b1"},
                                       {"X-A", "\tthree\t"},
                                       {"X-C", ""},
                                       {"X-D", "first\r\n second"}};
  std::string out;
  ASSERT_TRUE(CanonicalHeaderValue(headers, "x-a", out));
  EXPECT_EQ(out, "one two,three");
  out.clear();
  ASSERT_TRUE(CanonicalHeaderValue(headers, "x-c", out));
  EXPECT_EQ(out, "");
  out.clear();
  ASSERT_TRUE(CanonicalHeaderValue(headers, "x-d", out));
  EXPECT_EQ(out, "first,second");
  EXPECT_FALSE(CanonicalHeaderValue(headers, "x-missing", out));
}

TEST(CanonicalRequestTest, BotocoreAssumeRoleRequest) {
  const std::string uri = CanonicalUri("/");
  const std::string query = CanonicalQuery("", false);
  const std::string payload = crypto::HexEncode(crypto::Sha256(fixtures::kAssumeRoleBody));
  const std::string canonical =
      CanonicalRequest({.method = "POST",
                        .canonical_uri = uri,
                        .canonical_query = query,
                        .signed_headers = "content-type;host;x-amz-date;x-amz-security-token",
                        .headers = fixtures::AssumeRoleHeaders(),
                        .payload_hash = payload});
  EXPECT_EQ(canonical, fixtures::kAssumeRoleCanonicalRequest);
  EXPECT_EQ(StringToSign("20260101T000000Z", "20260101/us-east-1/sts/aws4_request", canonical),
            fixtures::kAssumeRoleStringToSign);
  const auto key = DeriveSigningKey(fixtures::kBotoSecret, "20260101", "us-east-1", "sts");
  EXPECT_EQ(SignatureHex(key, fixtures::kAssumeRoleStringToSign),
            "911d38ece41382dbf6a1fe711455ad3d7cc4cf32ebb10ce1eccbec77f1a4df5a");
}

TEST(CanonicalRequestTest, BotocorePresignedRequest) {
  const std::string uri = CanonicalUri("/");
  const std::string query = CanonicalQuery(fixtures::kPresignedQuery, true);
  const std::string payload = crypto::HexEncode(crypto::Sha256(""));
  const std::string canonical = CanonicalRequest({.method = "GET",
                                                  .canonical_uri = uri,
                                                  .canonical_query = query,
                                                  .signed_headers = "host",
                                                  .headers = fixtures::PresignedHeaders(),
                                                  .payload_hash = payload});
  EXPECT_EQ(canonical, fixtures::kPresignedCanonicalRequest);
  EXPECT_EQ(StringToSign("20260101T000000Z", "20260101/us-east-1/sts/aws4_request", canonical),
            fixtures::kPresignedStringToSign);
}

TEST(CanonicalRequestTest, SignedHeaderMissingFromTheRequestAddsNoLine) {
  const std::vector<Header> headers = {{"Host", "h"}};
  EXPECT_EQ(CanonicalRequest({.method = "GET",
                              .canonical_uri = "/",
                              .canonical_query = "",
                              .signed_headers = "host;x-absent",
                              .headers = headers,
                              .payload_hash = "p"}),
            "GET\n/\n\nhost:h\n\nhost;x-absent\np");
}

}  // namespace
}  // namespace imdsd::sigv4
