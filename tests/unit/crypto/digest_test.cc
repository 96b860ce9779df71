#include "crypto/digest.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace imdsd::crypto {
namespace {

using ::testing::ElementsAreArray;
using ::testing::Eq;
using ::testing::Optional;

Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(DigestTest, Sha256KnownAnswers) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256(ToBytes("abc")), Sha256("abc"));
}

TEST(DigestTest, HmacSha256Rfc4231TestCase2) {
  EXPECT_EQ(HexEncode(HmacSha256(ToBytes("Jefe"), "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(DigestTest, HmacSha256Rfc4231TestCase6KeyLongerThanBlock) {
  const Bytes key(131, 0xaa);
  EXPECT_EQ(HexEncode(HmacSha256(key, ToBytes("Test Using Larger Than Block-Size Key - Hash Key "
                                              "First"))),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(DigestTest, HmacSha256AcceptsEmptyKey) {
  // Matches `printf '' | openssl dgst -sha256 -hmac ''`.
  EXPECT_EQ(HexEncode(HmacSha256(Bytes{}, "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(DigestTest, ConstantTimeEqualsComparesContentAndSize) {
  const Bytes a = ToBytes("secret-token");
  Bytes b = a;
  EXPECT_TRUE(ConstantTimeEquals(a, b));
  b.back() ^= 1;
  EXPECT_FALSE(ConstantTimeEquals(a, b));
  EXPECT_FALSE(ConstantTimeEquals(a, ToBytes("secret-toke")));
  EXPECT_TRUE(ConstantTimeEquals(Bytes{}, Bytes{}));
}

TEST(DigestTest, HexEncodeIsLowerCase) {
  EXPECT_EQ(HexEncode(Bytes{0x00, 0x0f, 0xab, 0xff}), "000fabff");
  EXPECT_EQ(HexEncode(Bytes{}), "");
}

TEST(DigestTest, Base64Rfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(ToBytes(plain)), encoded) << plain;
    EXPECT_THAT(Base64Decode(encoded), Optional(ElementsAreArray(ToBytes(plain)))) << encoded;
  }
}

TEST(DigestTest, Base64RoundTripsEveryByteValueAndLength) {
  Bytes data;
  for (int i = 0; i < 256; ++i) {
    data.push_back(static_cast<std::uint8_t>(i));
    EXPECT_THAT(Base64Decode(Base64Encode(data)), Optional(Eq(data)));
    EXPECT_THAT(Base64UrlDecode(Base64UrlEncode(data)), Optional(Eq(data)));
  }
}

TEST(DigestTest, Base64WrapsWithoutTrailingNewline) {
  const Bytes data(100, 0x5a);  // 136 base64 characters
  const std::string wrapped = Base64Encode(data, 76);
  ASSERT_EQ(wrapped.size(), 137u);
  EXPECT_EQ(wrapped.find('\n'), 76u);
  EXPECT_EQ(wrapped.rfind('\n'), 76u);
  EXPECT_NE(wrapped.back(), '\n');
  std::string unwrapped = wrapped;
  unwrapped.erase(76, 1);
  EXPECT_EQ(unwrapped, Base64Encode(data));

  // Exactly one line: no newline at all.
  EXPECT_EQ(Base64Encode(Bytes(57, 1), 76).find('\n'), std::string::npos);
}

TEST(DigestTest, Base64DecodeRejectsNonCanonicalText) {
  for (std::string_view bad : {"Zg=", "Zg", "Z===", "=Zg=", "Zg=a", "Zh==", "Zm9v\n", " Zm9v",
                               "Zm9vYg==\n", "Zm 9", "Zm9*", "-_8="}) {
    EXPECT_EQ(Base64Decode(bad), std::nullopt) << "'" << bad << "'";
  }
  // Wrapped output is for display only; the decoder takes one line.
  EXPECT_EQ(Base64Decode(Base64Encode(Bytes(100, 1), 76)), std::nullopt);
}

TEST(DigestTest, Base64UrlUsesUrlSafeAlphabet) {
  const Bytes data = {0xfb, 0xff};
  EXPECT_EQ(Base64Encode(data), "+/8=");
  EXPECT_EQ(Base64UrlEncode(data), "-_8=");
  EXPECT_THAT(Base64UrlDecode("-_8="), Optional(Eq(data)));
  EXPECT_EQ(Base64UrlDecode("+/8="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("-_8"), std::nullopt);
}

// Base64UrlDecodeTo must accept exactly what Base64UrlDecode accepts for that size.
std::optional<Bytes> DecodeToSize(std::string_view text, std::size_t size) {
  Bytes out(size, 0xee);
  if (!Base64UrlDecodeTo(text, out)) return std::nullopt;
  return out;
}

TEST(DigestTest, Base64UrlDecodeToRoundTripsEveryLength) {
  for (std::size_t size = 0; size <= 64; ++size) {
    Bytes data(size);
    for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<std::uint8_t>(i * 37 + size);
    const std::string text = Base64UrlEncode(data);
    EXPECT_THAT(DecodeToSize(text, size), Optional(Eq(data))) << text;
    // The right text for another size is refused.
    if (size > 0) {
      EXPECT_EQ(DecodeToSize(text, size - 1), std::nullopt) << text;
    }
    EXPECT_EQ(DecodeToSize(text, size + 1), std::nullopt) << text;
  }
}

TEST(DigestTest, Base64UrlDecodeToRejectsWhatBase64UrlDecodeRejects) {
  for (std::string_view bad :
       {"Zg=", "Zg", "Z===", "=Zg=", "Zg=a", "Zh==", "Zm9v\n", " Zm9v", "Zm 9", "Zm9*",
        "+/8=", "-_8", "-_9=", "Zm9=", "Zg==Zg==", "Zm\x80v"}) {
    for (std::size_t size = 0; size <= 6; ++size) {
      EXPECT_EQ(DecodeToSize(bad, size), std::nullopt) << "'" << bad << "' size " << size;
    }
  }
  EXPECT_THAT(DecodeToSize("", 0), Optional(Eq(Bytes{})));
}

TEST(DigestTest, Base64UrlDecodeToAgreesWithBase64UrlDecodeOnEverySingleCharacterChange) {
  // Every one-character change of a token-sized text, with every byte value: both decoders
  // accept the same texts and produce the same bytes.
  Bytes data(40);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 101 + 7);
  const std::string text = Base64UrlEncode(data);
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    for (int c = 0; c < 256; ++c) {
      std::string changed = text;
      changed[pos] = static_cast<char>(c);
      const auto expected = Base64UrlDecode(changed);
      const auto got = DecodeToSize(changed, data.size());
      if (expected && expected->size() == data.size()) {
        EXPECT_THAT(got, Optional(Eq(*expected))) << pos << " " << c;
      } else {
        EXPECT_EQ(got, std::nullopt) << pos << " " << c;
      }
    }
  }
}

}  // namespace
}  // namespace imdsd::crypto
