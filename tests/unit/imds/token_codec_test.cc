#include "imds/token_codec.h"

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/digest.h"
#include "imds_fixture.h"

namespace imdsd::imds {
namespace {

using ::imdsd::testing::IsOk;
using ::imdsd::testing::StatusIs;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::string_view kTenant = "i-0123456789abcdef0";

std::array<std::uint8_t, TokenCodec::kKeySize> FilledKey(std::uint8_t b) {
  std::array<std::uint8_t, TokenCodec::kKeySize> key{};
  key.fill(b);
  return key;
}

class TokenCodecTest : public ImdsFixture {
 protected:
  TokenCodec codec_{FilledKey(0x11), clock_, random_};
};

TEST_F(TokenCodecTest, RoundTripHasEc2Shape) {
  const std::string token = codec_.Issue(kTenant, 60);
  EXPECT_EQ(token.size(), 56u);
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="),
      std::string::npos);
  EXPECT_EQ(token.substr(54), "==");
  const auto remaining = codec_.Verify(token, kTenant);
  ASSERT_OK(remaining);
  EXPECT_EQ(*remaining, 60);
}

// Expiry 1767225600 + 60 = 0x6955B93C; nonce = FakeRandom's 0x00..0x0a; MAC checked against
// Python: hmac.new(b'\x11'*32, b'imdsd-token-v1' + tenant + token[:16], sha256).digest()[:24].
TEST_F(TokenCodecTest, GoldenToken) {
  EXPECT_EQ(codec_.Issue(kTenant, 60), "AWlVuTwAAQIDBAUGBwgJCv_l2gxqrK5RpiYA8jJkA3AmRxQj9t5EMA==");
}

TEST_F(TokenCodecTest, ExpiresExactlyAtTtl) {
  const std::string token = codec_.Issue(kTenant, 60);
  clock_.Advance(seconds(59));
  EXPECT_EQ(*codec_.Verify(token, kTenant), 1);
  clock_.Advance(milliseconds(999));
  EXPECT_EQ(*codec_.Verify(token, kTenant), 1);  // rounded up: still valid
  clock_.Advance(milliseconds(1));
  EXPECT_THAT(codec_.Verify(token, kTenant), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(TokenCodecTest, IssuedMidSecondNeverOutlivesTtl) {
  clock_.Advance(milliseconds(700));
  const std::string token = codec_.Issue(kTenant, 10);
  EXPECT_EQ(*codec_.Verify(token, kTenant), 10);  // 9.3 s left, rounded up
  clock_.Advance(milliseconds(9300));
  EXPECT_THAT(codec_.Verify(token, kTenant), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(TokenCodecTest, EveryChangedCharacterIsRefused) {
  const std::string token = codec_.Issue(kTenant, 60);
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (const char replacement : {'A', 'B', 'f', '-', '_', '='}) {
      if (token[i] == replacement) continue;
      std::string forged = token;
      forged[i] = replacement;
      EXPECT_THAT(codec_.Verify(forged, kTenant), StatusIs(ErrorCode::kUnauthenticated))
          << "position " << i << " -> " << replacement;
    }
  }
}

TEST_F(TokenCodecTest, EveryFlippedBitIsRefused) {
  const auto bytes = crypto::Base64UrlDecode(codec_.Issue(kTenant, 60));
  ASSERT_TRUE(bytes);
  for (std::size_t i = 0; i < bytes->size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      crypto::Bytes forged = *bytes;
      forged[i] ^= static_cast<std::uint8_t>(1 << bit);
      EXPECT_THAT(codec_.Verify(crypto::Base64UrlEncode(forged), kTenant),
                  StatusIs(ErrorCode::kUnauthenticated))
          << "byte " << i << " bit " << bit;
    }
  }
}

TEST_F(TokenCodecTest, ExtendingTheExpiryIsRefused) {
  auto bytes = *crypto::Base64UrlDecode(codec_.Issue(kTenant, 1));
  bytes[1] = 0xff;  // year 2106
  EXPECT_THAT(codec_.Verify(crypto::Base64UrlEncode(bytes), kTenant),
              StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(TokenCodecTest, OtherTenantIsRefused) {
  const std::string token = codec_.Issue(kTenant, 60);
  EXPECT_THAT(codec_.Verify(token, "i-0fedcba9876543210"), StatusIs(ErrorCode::kUnauthenticated));
  // A tenant key that is a prefix must not collide either.
  EXPECT_THAT(codec_.Verify(token, kTenant.substr(0, 5)), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(TokenCodecTest, OtherKeyIsRefusedSameKeyAccepted) {
  const std::string token = codec_.Issue(kTenant, 60);
  const TokenCodec other(FilledKey(0x22), clock_, random_);
  EXPECT_THAT(other.Verify(token, kTenant), StatusIs(ErrorCode::kUnauthenticated));
  // A restarted daemon with the same persisted key accepts it.
  const TokenCodec restarted(FilledKey(0x11), clock_, random_);
  EXPECT_THAT(restarted.Verify(token, kTenant), IsOk());
}

TEST_F(TokenCodecTest, MalformedTokensAreRefused) {
  const std::string token = codec_.Issue(kTenant, 60);
  for (const std::string& bad : {std::string(), std::string("x"), token.substr(0, 55), token + "A",
                                 token + token, std::string(56, '!'), std::string(56, 'A')}) {
    EXPECT_THAT(codec_.Verify(bad, kTenant), StatusIs(ErrorCode::kUnauthenticated)) << bad;
  }
}

TEST_F(TokenCodecTest, NoncesMakeTokensDistinct) {
  EXPECT_NE(codec_.Issue(kTenant, 60), codec_.Issue(kTenant, 60));
}

// Verification remembers recently valid tokens per thread; these check that remembering never
// accepts what a full verification would refuse.

TEST_F(TokenCodecTest, RememberedTokenIsRefusedForAnotherTenant) {
  const std::string token = codec_.Issue(kTenant, 60);
  ASSERT_OK(codec_.Verify(token, kTenant));
  EXPECT_THAT(codec_.Verify(token, "i-0fedcba9876543210"), StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(codec_.Verify(token, kTenant.substr(0, 5)), StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_EQ(*codec_.Verify(token, kTenant), 60);
}

TEST_F(TokenCodecTest, RememberedTokenIsRefusedByAnotherKey) {
  const std::string token = codec_.Issue(kTenant, 60);
  ASSERT_OK(codec_.Verify(token, kTenant));
  const TokenCodec other(FilledKey(0x22), clock_, random_);
  EXPECT_THAT(other.Verify(token, kTenant), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(TokenCodecTest, CodecReplacedInPlaceDoesNotInheritRememberedTokens) {
  // A reload may build the new codec where the old one was; what the old one verified must not
  // count for the new one.
  std::optional<TokenCodec> codec;
  codec.emplace(FilledKey(0x11), clock_, random_);
  const std::string token = codec->Issue(kTenant, 60);
  ASSERT_OK(codec->Verify(token, kTenant));
  codec.emplace(FilledKey(0x22), clock_, random_);
  EXPECT_THAT(codec->Verify(token, kTenant), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(TokenCodecTest, ForgeriesOfARememberedTokenAreRefused) {
  const std::string token = codec_.Issue(kTenant, 60);
  ASSERT_OK(codec_.Verify(token, kTenant));
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string forged = token;
    forged[i] = token[i] == 'A' ? 'B' : 'A';
    EXPECT_THAT(codec_.Verify(forged, kTenant), StatusIs(ErrorCode::kUnauthenticated)) << i;
    ASSERT_OK(codec_.Verify(token, kTenant));
  }
}

TEST_F(TokenCodecTest, RememberedTokenExpiresOnTime) {
  const std::string token = codec_.Issue(kTenant, 5);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(*codec_.Verify(token, kTenant), 5 - i);
    clock_.Advance(seconds(1));
  }
  EXPECT_EQ(*codec_.Verify(token, kTenant), 1);
  clock_.Advance(seconds(1));
  EXPECT_THAT(codec_.Verify(token, kTenant), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(TokenCodecTest, ManyTokensOnManyThreads) {
  // More tokens per thread than it remembers, interleaved, each verified several times.
  constexpr int kThreads = 4;
  constexpr int kTokens = 10;
  std::vector<std::string> tokens;
  for (int i = 0; i < kTokens; ++i) tokens.push_back(codec_.Issue(kTenant, 60 + i));
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, &tokens, &failures, t] {
      for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < kTokens; ++i) {
          const auto remaining = codec_.Verify(tokens[i], kTenant);
          if (!remaining.ok() || *remaining != 60 + i) ++failures[t];
          if (codec_.Verify(tokens[i], "i-other").ok()) ++failures[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

TEST_F(TokenCodecTest, RefusalMessageNeverContainsTheToken) {
  std::string token = codec_.Issue(kTenant, 60);
  token[20] = token[20] == 'A' ? 'B' : 'A';
  const auto result = codec_.Verify(token, kTenant);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message().find(token.substr(0, 10)), std::string::npos);
}

}  // namespace
}  // namespace imdsd::imds
