#include "sigv4/signing_key.h"

#include <gtest/gtest.h>

#include "crypto/digest.h"

namespace imdsd::sigv4 {
namespace {

TEST(DeriveSigningKeyTest, MatchesAwsDocumentedExample) {
  // The IAM User Guide's worked example (iam, us-east-1, 20150830, the example secret).
  EXPECT_EQ(crypto::HexEncode(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                               "20150830", "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

TEST(SigningKeyCacheTest, ReusesTheKeyForTheSameInputs) {
  SigningKeyCache cache;
  const auto first = cache.Get("AKID", "secret", "20260101", "us-east-1", "sts");
  const auto again = cache.Get("AKID", "secret", "20260101", "us-east-1", "sts");
  EXPECT_EQ(first.get(), again.get());
  EXPECT_EQ(cache.size(), 1u);
}

TEST(SigningKeyCacheTest, DerivesAgainWhenAnyInputChanges) {
  SigningKeyCache cache;
  const auto base = cache.Get("AKID", "secret", "20260101", "us-east-1", "sts");
  EXPECT_NE(cache.Get("AKID", "secret", "20260102", "us-east-1", "sts").get(), base.get());
  EXPECT_NE(cache.Get("AKID", "secret", "20260101", "eu-west-1", "sts").get(), base.get());
  EXPECT_NE(cache.Get("AKID2", "secret", "20260101", "us-east-1", "sts").get(), base.get());
  // A different secret for the same key id (rotation) replaces the entry.
  const auto rotated = cache.Get("AKID", "other", "20260101", "us-east-1", "sts");
  EXPECT_NE(rotated.get(), base.get());
  EXPECT_EQ(cache.Get("AKID", "other", "20260101", "us-east-1", "sts").get(), rotated.get());
}

TEST(SigningKeyCacheTest, CachedKeyComputesTheSameMacAsADerivedOne) {
  SigningKeyCache cache;
  const auto key = cache.Get("AKID", "secret", "20260101", "us-east-1", "sts");
  const auto derived = DeriveSigningKey("secret", "20260101", "us-east-1", "sts");
  EXPECT_EQ(key->Compute(crypto::AsBytes("string to sign")),
            crypto::HmacSha256(derived, "string to sign"));
}

TEST(SigningKeyCacheTest, StaysWithinItsCapacity) {
  SigningKeyCache cache(4);
  for (int i = 0; i < 10; ++i) {
    EXPECT_NE(cache.Get("AKID" + std::to_string(i), "s", "20260101", "us-east-1", "sts"), nullptr);
  }
  EXPECT_EQ(cache.size(), 4u);
}

}  // namespace
}  // namespace imdsd::sigv4
