#include "crypto/totp.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace imdsd::crypto {
namespace {

using ::imdsd::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
std::string ToString(const Bytes& b) { return std::string(b.begin(), b.end()); }
WallTime At(std::int64_t unix_seconds) { return WallTime(std::chrono::seconds(unix_seconds)); }

// RFC 4648 §10.
TEST(Base32Test, Rfc4648VectorsRoundTrip) {
  const std::pair<std::string_view, std::string_view> kVectors[] = {
      {"", ""},
      {"f", "MY======"},
      {"fo", "MZXQ===="},
      {"foo", "MZXW6==="},
      {"foob", "MZXW6YQ="},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI======"},
  };
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(Base32Encode(ToBytes(plain)), encoded) << plain;
    const Result<Bytes> decoded = Base32Decode(encoded);
    ASSERT_OK(decoded) << encoded;
    EXPECT_EQ(ToString(*decoded), plain) << encoded;
  }
}

TEST(Base32Test, DecodesWithoutPaddingInEitherCaseAndIgnoresSpaces) {
  for (const std::string_view text :
       {"MZXW6YTBOI", "mzxw6ytboi", "MzXw 6YtB oI", " MZXW 6YTB OI== ==== ", "mzxw6ytboi======"}) {
    const Result<Bytes> decoded = Base32Decode(text);
    ASSERT_OK(decoded) << text;
    EXPECT_EQ(ToString(*decoded), "foobar") << text;
  }
}

TEST(Base32Test, RoundTripsEveryByteValueAndLength) {
  Bytes data;
  for (int i = 0; i < 256; ++i) {
    data.push_back(static_cast<std::uint8_t>(i));
    const Result<Bytes> decoded = Base32Decode(Base32Encode(data));
    ASSERT_OK(decoded) << i;
    ASSERT_EQ(*decoded, data) << i;
  }
}

TEST(Base32Test, RefusesMalformedText) {
  for (const std::string_view text : {
           "MZXW6YT1",          // '1' is not in the alphabet ('I' and 'L' look alike)
           "MZXW-6YTB",         // hyphen
           "MZXW6YTB\n",        // only spaces are ignored
           "MY=A====",          // data after padding
           "M",                 // 1, 3 or 6 characters encode no whole byte count
           "MZX",               //
           "MZXW6Y",            //
           "MY=====",           // padding that does not complete the group
           "MZXW6YTB========",  // padding after a full group
           "MZ======",          // 'Z' leaves non-zero bits after the only byte
       }) {
    EXPECT_THAT(Base32Decode(text), StatusIs(ErrorCode::kInvalidArgument)) << text;
  }
}

TEST(Base32Test, ErrorsNameThePositionNotTheText) {
  const Result<Bytes> decoded = Base32Decode("SECRETSEED1");
  ASSERT_THAT(decoded, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(decoded.status().message(), HasSubstr("position 10"));
  EXPECT_THAT(decoded.status().message(), Not(HasSubstr("SECRET")));
}

// RFC 6238 Appendix B, SHA-1 rows: ASCII seed "12345678901234567890", 30-second steps, 8 digits.
class TotpTest : public ::testing::Test {
 protected:
  const Bytes seed_ = ToBytes("12345678901234567890");
  static constexpr TotpParams kEightDigits{.digits = 8};
};

TEST_F(TotpTest, Rfc6238AppendixBSha1) {
  const std::pair<std::int64_t, std::string_view> kVectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"},
  };
  for (const auto& [unix_seconds, code] : kVectors) {
    const Result<std::string> got = TotpCode(seed_, At(unix_seconds), kEightDigits);
    ASSERT_OK(got) << unix_seconds;
    EXPECT_EQ(*got, code) << unix_seconds;
  }
}

TEST_F(TotpTest, Rfc6238Year2603VectorThroughTheCounter) {
  // 20000000000 s is past what a nanosecond system_clock can hold, hence the counter form.
  const Result<std::string> got = HotpCode(seed_, 20000000000 / 30, 8);
  ASSERT_OK(got);
  EXPECT_EQ(*got, "65353130");
}

// RFC 4226 Appendix D: the same seed, counters 0..9, six digits.
TEST_F(TotpTest, Rfc4226AppendixDHotpValues) {
  const std::string_view kCodes[] = {"755224", "287082", "359152", "969429", "338314",
                                     "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < 10; ++counter) {
    const Result<std::string> got = HotpCode(seed_, counter);
    ASSERT_OK(got);
    EXPECT_EQ(*got, kCodes[counter]) << counter;
  }
}

TEST_F(TotpTest, StepBoundaries) {
  EXPECT_EQ(*TotpStepAt(At(0)), 0u);
  EXPECT_EQ(*TotpStepAt(At(29)), 0u);
  EXPECT_EQ(*TotpStepAt(At(30)), 1u);
  EXPECT_EQ(*TotpStepAt(At(59) + std::chrono::milliseconds(999)), 1u);
  EXPECT_EQ(*TotpStepAt(At(60), std::chrono::seconds(60)), 1u);
  EXPECT_THAT(TotpStepAt(At(-1)), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(TotpStepAt(At(100), std::chrono::seconds(0)), StatusIs(ErrorCode::kInvalidArgument));
}

TEST_F(TotpTest, RefusesUnusableParameters) {
  EXPECT_THAT(HotpCode(seed_, 1, 5), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(HotpCode(seed_, 1, 9), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(HotpCode(Bytes{}, 1), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(VerifyTotp(Bytes{}, "123456", At(1000)), StatusIs(ErrorCode::kInvalidArgument));
}

TEST_F(TotpTest, DefaultsAreSixDigitsAndThirtySeconds) {
  EXPECT_EQ(*TotpCode(seed_, At(59)), "287082");  // the low six digits of 94287082
}

class VerifyTotpTest : public TotpTest {
 protected:
  // 1111111110 is 37037037 * 30: the first second of step 37037037.
  static constexpr std::int64_t kStepStart = 1111111110;
  static constexpr std::uint64_t kStep = 37037037;

  std::string CodeFor(std::uint64_t step) const { return *HotpCode(seed_, step); }
};

TEST_F(VerifyTotpTest, AcceptsTheCurrentStepAndOneEitherSide) {
  for (const int drift : {-1, 0, 1}) {
    const std::uint64_t step = kStep + static_cast<std::uint64_t>(static_cast<std::int64_t>(drift));
    // At both ends of the current step.
    for (const std::int64_t now : {kStepStart, kStepStart + 29}) {
      const Result<TotpMatch> match = VerifyTotp(seed_, CodeFor(step), At(now));
      ASSERT_OK(match) << drift << " at " << now;
      EXPECT_EQ(match->step, step);
      EXPECT_EQ(match->drift, drift);
    }
  }
}

TEST_F(VerifyTotpTest, RefusesTwoStepsAway) {
  for (const std::int64_t now : {kStepStart, kStepStart + 29}) {
    EXPECT_THAT(VerifyTotp(seed_, CodeFor(kStep - 2), At(now)),
                StatusIs(ErrorCode::kUnauthenticated));
    EXPECT_THAT(VerifyTotp(seed_, CodeFor(kStep + 2), At(now)),
                StatusIs(ErrorCode::kUnauthenticated));
  }
}

TEST_F(VerifyTotpTest, WindowMovesAtTheStepBoundary) {
  const std::string previous = CodeFor(kStep - 1);
  EXPECT_OK(VerifyTotp(seed_, previous, At(kStepStart + 29)));
  // One second later the current step is kStep + 1, so kStep - 1 is two steps back.
  EXPECT_THAT(VerifyTotp(seed_, previous, At(kStepStart + 30)),
              StatusIs(ErrorCode::kUnauthenticated));
  const std::string next = CodeFor(kStep + 1);
  EXPECT_THAT(VerifyTotp(seed_, next, At(kStepStart - 1)), StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_OK(VerifyTotp(seed_, next, At(kStepStart)));
}

TEST_F(VerifyTotpTest, RefusesAReusedCodeAndOlderCodes) {
  const Result<TotpMatch> first = VerifyTotp(seed_, CodeFor(kStep), At(kStepStart));
  ASSERT_OK(first);
  // Same code again, even a step later when it is still inside the window: a replay.
  EXPECT_THAT(VerifyTotp(seed_, CodeFor(kStep), At(kStepStart + 5), first->step),
              StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(VerifyTotp(seed_, CodeFor(kStep), At(kStepStart + 30), first->step),
              StatusIs(ErrorCode::kFailedPrecondition));
  // The previous step's code was never used, but it is older than one that was.
  EXPECT_THAT(VerifyTotp(seed_, CodeFor(kStep - 1), At(kStepStart), first->step),
              StatusIs(ErrorCode::kFailedPrecondition));
  // The next code is fine.
  const Result<TotpMatch> second =
      VerifyTotp(seed_, CodeFor(kStep + 1), At(kStepStart + 30), first->step);
  ASSERT_OK(second);
  EXPECT_EQ(second->step, kStep + 1);
  EXPECT_EQ(second->drift, 0);
}

TEST_F(VerifyTotpTest, WrongCodeIsUnauthenticatedAndTheMessageHidesIt) {
  std::string wrong = CodeFor(kStep);
  wrong[5] = wrong[5] == '0' ? '1' : '0';
  const Result<TotpMatch> result = VerifyTotp(seed_, wrong, At(kStepStart));
  ASSERT_THAT(result, StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(result.status().message(), Not(HasSubstr(wrong)));
}

TEST_F(VerifyTotpTest, RefusesCodesOfTheWrongShape) {
  const std::string good = CodeFor(kStep);
  for (const std::string& code : {good.substr(0, 5), good + "0", std::string("12a456"),
                                  std::string(" 12345"), std::string("")}) {
    EXPECT_THAT(VerifyTotp(seed_, code, At(kStepStart)), StatusIs(ErrorCode::kInvalidArgument))
        << code;
  }
}

TEST_F(VerifyTotpTest, EightDigitCodes) {
  EXPECT_OK(VerifyTotp(seed_, "07081804", At(1111111109), {}, kEightDigits));
  EXPECT_THAT(VerifyTotp(seed_, "081804", At(1111111109), {}, kEightDigits),
              StatusIs(ErrorCode::kInvalidArgument));
}

TEST_F(VerifyTotpTest, NoEarlierStepAtTheEpoch) {
  const Result<TotpMatch> match = VerifyTotp(seed_, *HotpCode(seed_, 0), At(0));
  ASSERT_OK(match);
  EXPECT_EQ(match->step, 0u);
  EXPECT_THAT(VerifyTotp(seed_, *HotpCode(seed_, 2), At(0)), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(VerifyTotpTest, SeedFromBase32AsAwsShowsIt) {
  // The RFC seed, as a virtual MFA device's Base32StringSeed would carry it.
  const std::string base32 = Base32Encode(seed_);
  EXPECT_EQ(base32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  const Result<Bytes> seed = Base32Decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq");
  ASSERT_OK(seed);
  EXPECT_OK(VerifyTotp(*seed, CodeFor(kStep), At(kStepStart)));
}

}  // namespace
}  // namespace imdsd::crypto
