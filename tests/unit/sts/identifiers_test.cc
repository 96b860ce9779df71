#include "sts/identifiers.h"

#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes/fake_random.h"
#include "testing/status_matchers.h"
#include "unit/sts/sts_fixture.h"

namespace imdsd::sts {
namespace {

using ::imdsd::testing::StatusIs;
using ::testing::MatchesRegex;

using IdentifiersTest = StsTest;

crypto::Bytes ToBytes(std::string_view s) { return crypto::Bytes(s.begin(), s.end()); }

TEST_F(IdentifiersTest, Base32MatchesRfc4648Vectors) {
  // RFC 4648 §10, without the padding.
  EXPECT_EQ(Base32Encode(ToBytes("")), "");
  EXPECT_EQ(Base32Encode(ToBytes("f")), "MY");
  EXPECT_EQ(Base32Encode(ToBytes("fo")), "MZXQ");
  EXPECT_EQ(Base32Encode(ToBytes("foo")), "MZXW6");
  EXPECT_EQ(Base32Encode(ToBytes("foob")), "MZXW6YQ");
  EXPECT_EQ(Base32Encode(ToBytes("fooba")), "MZXW6YTB");
  EXPECT_EQ(Base32Encode(ToBytes("foobar")), "MZXW6YTBOI");
  for (std::string_view s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    const std::optional<crypto::Bytes> decoded = Base32Decode(Base32Encode(ToBytes(s)));
    ASSERT_TRUE(decoded.has_value()) << s;
    EXPECT_EQ(*decoded, ToBytes(s));
  }
}

TEST_F(IdentifiersTest, Base32DecodeRefusesNonCanonicalText) {
  EXPECT_FALSE(Base32Decode("my").has_value());        // lower case
  EXPECT_FALSE(Base32Decode("MY======").has_value());  // padding
  EXPECT_FALSE(Base32Decode("M1").has_value());        // '1' is not in the alphabet
  EXPECT_FALSE(Base32Decode("M").has_value());         // 5 bits: no byte
  EXPECT_FALSE(Base32Decode("MZX").has_value());       // 15 bits: a superfluous character
  EXPECT_FALSE(Base32Decode("MZ").has_value());        // unused trailing bits set ("f" is "MY")
}

TEST_F(IdentifiersTest, AccountIdParsesExactlyTwelveDigits) {
  ASSERT_OK(AccountId::Parse("000000000001"));
  EXPECT_EQ(AccountId::Parse("000000000001")->number(), 1u);
  EXPECT_EQ(AccountId::Parse("000000000001")->ToString(), "000000000001");
  EXPECT_EQ(AccountId::Parse("999999999999")->number(), AccountId::kMax);
  EXPECT_THAT(AccountId::Parse("12345678901"), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(AccountId::Parse("1234567890123"), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(AccountId::Parse("12345678901a"), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(AccountId::Parse("-12345678901"), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(AccountId::FromNumber(AccountId::kMax + 1), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_EQ(AccountId().ToString(), "000000000000");
}

TEST_F(IdentifiersTest, DecodesTheWorkedExampleOfTheReference) {
  const Result<AccountId> account = AccountFromAccessKeyId("ASIA6GG7PSQGQ7TEPAVL");
  ASSERT_OK(account);
  EXPECT_EQ(account->ToString(), "975426262029");
  // Other keys of the same account.
  EXPECT_EQ(AccountFromAccessKeyId("ASIA6GG7PSQGXC644RFS")->ToString(), "975426262029");
  EXPECT_EQ(AccountFromAccessKeyId("ASIA6GG7PSQG56KDQRMA")->ToString(), "975426262029");
}

TEST_F(IdentifiersTest, MakeAccessKeyIdMatchesTheGoldenExample) {
  // sts.md §8.3: account 123456789012, r7 = 0x2a, tail deadbeef.
  ScriptedRandom script({0x2a, 0xde, 0xad, 0xbe, 0xef});
  EXPECT_EQ(MakeAccessKeyId(kTemporaryAccessKeyPrefix, Account("123456789012"), script),
            "ASIARZPUZDIKFLPK3PXP");
}

TEST_F(IdentifiersTest, AccessKeyIdsRoundTripTheAccount) {
  for (std::string_view digits :
       {"000000000000", "000000000001", "123456789012", "975426262029", "999999999999"}) {
    for (std::string_view prefix : {kTemporaryAccessKeyPrefix, kLongTermAccessKeyPrefix}) {
      const std::string id = MakeAccessKeyId(prefix, Account(digits), random_);
      EXPECT_THAT(id, MatchesRegex(std::string(prefix) + "[A-Z2-7]{16}"));
      const Result<AccountId> account = AccountFromAccessKeyId(id);
      ASSERT_OK(account) << id;
      EXPECT_EQ(account->ToString(), digits) << id;
    }
  }
  // Random accounts across the whole range.
  std::mt19937_64 accounts(7);
  for (int i = 0; i < 1000; ++i) {
    const AccountId account = AccountId::FromNumber(accounts() % (AccountId::kMax + 1)).value();
    const std::string id = MakeAccessKeyId(kTemporaryAccessKeyPrefix, account, random_);
    ASSERT_EQ(AccountFromAccessKeyId(id).value(), account) << id;
  }
}

TEST_F(IdentifiersTest, AccessKeyIdsDifferForTheSameAccount) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    ids.insert(MakeAccessKeyId(kTemporaryAccessKeyPrefix, Account("123456789012"), random_));
  }
  EXPECT_EQ(ids.size(), 1000u);
}

TEST_F(IdentifiersTest, AccountFromAccessKeyIdRefusesOtherShapes) {
  // AWS's documentation key predates the account encoding (bit 47 clear).
  EXPECT_THAT(AccountFromAccessKeyId("AKIAIOSFODNN7EXAMPLE"),
              StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(AccountFromAccessKeyId("ASIA6GG7PSQGQ7TEPAV"), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(AccountFromAccessKeyId("ASIA6GG7PSQGQ7TEPAVLX"),
              StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(AccountFromAccessKeyId("ASIA6gg7PSQGQ7TEPAVL"),
              StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(AccountFromAccessKeyId("ASIA6GG7PSQGQ7TEPAV1"),
              StatusIs(ErrorCode::kInvalidArgument));
  // Bit 47 set but 40 account bits beyond 12 digits: not one of ours.
  EXPECT_THAT(AccountFromAccessKeyId("ASIA7777777777777777"),
              StatusIs(ErrorCode::kInvalidArgument));
}

TEST_F(IdentifiersTest, UniqueIdsAreDeterministicAndDistinct) {
  const AccountId account = Account("123456789012");
  const std::string role = MakeUniqueId(kRoleIdPrefix, account, "web-role");
  EXPECT_THAT(role, MatchesRegex("AROA[A-Z2-7]{17}"));
  EXPECT_EQ(role.size(), kUniqueIdLength);
  EXPECT_EQ(MakeUniqueId(kRoleIdPrefix, account, "web-role"), role);  // stable
  // Golden (Python: base32(sha256(b"AROA|123456789012|web-role")[:11])[:17]), so a change of the
  // derivation, which would change every configured ID, is noticed.
  EXPECT_EQ(role, "AROADPA75INLMSU63GX3E");
  EXPECT_NE(MakeUniqueId(kRoleIdPrefix, account, "web-role2"), role);
  EXPECT_NE(MakeUniqueId(kRoleIdPrefix, Account("123456789013"), "web-role"), role);
  const std::string profile = MakeUniqueId(kInstanceProfileIdPrefix, account, "web-role");
  EXPECT_THAT(profile, MatchesRegex("AIPA[A-Z2-7]{17}"));
  EXPECT_NE(profile.substr(4), role.substr(4));
  EXPECT_THAT(MakeUniqueId(kUserIdPrefix, account, "alice"), MatchesRegex("AIDA[A-Z2-7]{17}"));
}

TEST_F(IdentifiersTest, SecretAccessKeysUseTheAwsAlphabetUniformly) {
  std::array<int, 128> counts{};
  std::set<std::string> secrets;
  constexpr int kSecrets = 2000;
  for (int i = 0; i < kSecrets; ++i) {
    const std::string secret = MakeSecretAccessKey(random_);
    ASSERT_THAT(secret, MatchesRegex("[A-Za-z0-9+/]{40}"));
    secrets.insert(secret);
    for (char c : secret) ++counts[static_cast<unsigned char>(c)];
  }
  EXPECT_EQ(secrets.size(), static_cast<std::size_t>(kSecrets));
  // 80000 draws over 64 symbols: 1250 expected each, standard deviation about 35. A biased
  // mapping (e.g. modulo 62) would push some symbols far outside ±6 sigma.
  int used = 0;
  for (int count : counts) {
    if (count == 0) continue;
    ++used;
    EXPECT_NEAR(count, 1250, 210);
  }
  EXPECT_EQ(used, 64);
}

TEST_F(IdentifiersTest, SecretsComeFromTheRandomSource) {
  testing::FakeRandom a(1);
  testing::FakeRandom b(1);
  testing::FakeRandom c(2);
  const std::string from_a = MakeSecretAccessKey(a);
  EXPECT_EQ(MakeSecretAccessKey(b), from_a);
  EXPECT_NE(MakeSecretAccessKey(c), from_a);
  // FakeRandom yields 1, 2, 3...: byte n maps to alphabet[n % 64].
  EXPECT_EQ(from_a.substr(0, 4), "BCDE");
}

TEST_F(IdentifiersTest, BuildsArns) {
  const AccountId account = Account("111122223333");
  EXPECT_EQ(MakeRoleArn("aws", account, "/", "web"), "arn:aws:iam::111122223333:role/web");
  EXPECT_EQ(MakeRoleArn("aws", account, "", "web"), "arn:aws:iam::111122223333:role/web");
  EXPECT_EQ(MakeRoleArn("aws-cn", account, "/app/prod/", "web"),
            "arn:aws-cn:iam::111122223333:role/app/prod/web");
  EXPECT_EQ(MakeInstanceProfileArn("aws", account, "/", "web-profile"),
            "arn:aws:iam::111122223333:instance-profile/web-profile");
  EXPECT_EQ(MakeInstanceProfileArn("aws-us-gov", account, "/team/", "p"),
            "arn:aws-us-gov:iam::111122223333:instance-profile/team/p");
  EXPECT_EQ(MakeAssumedRoleArn("aws", account, "web", "i-0123456789abcdef0"),
            "arn:aws:sts::111122223333:assumed-role/web/i-0123456789abcdef0");
  EXPECT_EQ(MakeAssumedRoleId("AROADBQP57FF2AEXAMPLE", "role-session-name"),
            "AROADBQP57FF2AEXAMPLE:role-session-name");
}

TEST_F(IdentifiersTest, ValidatesNamesAndPaths) {
  EXPECT_OK(ValidateIamPath("/"));
  EXPECT_OK(ValidateIamPath(""));
  EXPECT_OK(ValidateIamPath("/a/b-c/"));
  EXPECT_THAT(ValidateIamPath("a/"), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ValidateIamPath("/a"), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ValidateIamPath("/a b/"), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ValidateIamPath("/" + std::string(511, 'a') + "/"),
              StatusIs(ErrorCode::kInvalidArgument));

  EXPECT_OK(ValidateIamName("w"));
  EXPECT_OK(ValidateIamName("Web_Role+=,.@-1"));
  EXPECT_OK(ValidateIamName(std::string(64, 'r')));
  EXPECT_THAT(ValidateIamName(""), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ValidateIamName(std::string(65, 'r')), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ValidateIamName("web/role"), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ValidateIamName("web role"), StatusIs(ErrorCode::kInvalidArgument));

  EXPECT_OK(ValidateRoleSessionName("i-0123456789abcdef0"));
  EXPECT_THAT(ValidateRoleSessionName("i"), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ValidateRoleSessionName("a:b"), StatusIs(ErrorCode::kInvalidArgument));

  EXPECT_OK(ValidatePartition("aws-us-gov"));
  EXPECT_THAT(ValidatePartition(""), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ValidatePartition("AWS"), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ValidatePartition("aws:cn"), StatusIs(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace imdsd::sts
