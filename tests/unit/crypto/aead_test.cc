#include "crypto/aead.h"

#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"
#include "unit/crypto/crypto_fixture.h"

namespace imdsd::crypto {
namespace {

using ::imdsd::testing::StatusIs;
using ::testing::ElementsAreArray;

class AeadTest : public CryptoTest {
 protected:
  static AeadKey KeyFilledWith(std::uint8_t b) {
    AeadKey key{};
    key.fill(b);
    return key;
  }

  static Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

  const AeadKey key_ = KeyFilledWith(0x42);
  const Bytes plaintext_ = ToBytes("AKIA secret that must stay secret");
};

TEST_F(AeadTest, RoundTrip) {
  const Bytes sealed = Seal(key_, plaintext_, "purpose", random_);
  ASSERT_EQ(sealed.size(), plaintext_.size() + kAeadOverhead);
  const Result<Bytes> opened = Open(key_, sealed, "purpose");
  ASSERT_OK(opened);
  EXPECT_THAT(*opened, ElementsAreArray(plaintext_));
}

TEST_F(AeadTest, EmptyPlaintextAndEmptyAadRoundTrip) {
  const Bytes sealed = Seal(key_, {}, "", random_);
  ASSERT_EQ(sealed.size(), kAeadOverhead);
  const Result<Bytes> opened = Open(key_, sealed, "");
  ASSERT_OK(opened);
  EXPECT_TRUE(opened->empty());
  // The tag still covers the (empty) message and the aad.
  EXPECT_THAT(Open(key_, sealed, "x"), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(AeadTest, CiphertextDoesNotContainThePlaintext) {
  const Bytes sealed = Seal(key_, plaintext_, "purpose", random_);
  const std::string text(sealed.begin(), sealed.end());
  EXPECT_EQ(text.find("secret"), std::string::npos);
}

TEST_F(AeadTest, EachSealUsesAFreshNonce) {
  const Bytes a = Seal(key_, plaintext_, "purpose", random_);
  const Bytes b = Seal(key_, plaintext_, "purpose", random_);
  EXPECT_NE(a, b);
  EXPECT_NE(Bytes(a.begin(), a.begin() + kAeadNonceSize),
            Bytes(b.begin(), b.begin() + kAeadNonceSize));
}

TEST_F(AeadTest, FlippedBitAnywhereIsRefused) {
  const Bytes sealed = Seal(key_, plaintext_, "purpose", random_);
  // Every position: nonce, ciphertext and tag.
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    for (std::uint8_t mask : {0x01, 0x80}) {
      Bytes tampered = sealed;
      tampered[i] ^= mask;
      EXPECT_THAT(Open(key_, tampered, "purpose"), StatusIs(ErrorCode::kUnauthenticated))
          << "byte " << i << " mask " << int{mask};
    }
  }
}

TEST_F(AeadTest, TruncatedOrExtendedIsRefused) {
  const Bytes sealed = Seal(key_, plaintext_, "purpose", random_);
  for (std::size_t n = 0; n < sealed.size(); ++n) {
    EXPECT_THAT(Open(key_, Bytes(sealed.begin(), sealed.begin() + n), "purpose"),
                StatusIs(ErrorCode::kUnauthenticated))
        << "length " << n;
  }
  Bytes extended = sealed;
  extended.push_back(0);
  EXPECT_THAT(Open(key_, extended, "purpose"), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(AeadTest, WrongKeyIsRefused) {
  const Bytes sealed = Seal(key_, plaintext_, "purpose", random_);
  AeadKey other = key_;
  other[31] ^= 1;
  EXPECT_THAT(Open(other, sealed, "purpose"), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(AeadTest, WrongAadIsRefused) {
  const Bytes sealed = Seal(key_, plaintext_, "purpose", random_);
  EXPECT_THAT(Open(key_, sealed, "purposE"), StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(Open(key_, sealed, "purpose "), StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(Open(key_, sealed, ""), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(AeadTest, MakeAeadKeyChecksTheSize) {
  const Bytes ok(kAeadKeySize, 7);
  const Result<AeadKey> key = MakeAeadKey(ok);
  ASSERT_OK(key);
  EXPECT_THAT(*key, ElementsAreArray(ok));
  EXPECT_THAT(MakeAeadKey(Bytes(kAeadKeySize - 1, 7)), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(MakeAeadKey(Bytes(kAeadKeySize + 1, 7)), StatusIs(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace imdsd::crypto
