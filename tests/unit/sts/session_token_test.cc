#include "sts/session_token.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crypto/key_file.h"
#include "testing/status_matchers.h"
#include "unit/sts/sts_fixture.h"

namespace imdsd::sts {
namespace {

using ::imdsd::testing::StatusIs;
using std::chrono::sys_seconds;
using ::testing::MatchesRegex;

class SessionTokenTest : public StsTest {
 protected:
  // An instance-profile session as the issuer makes them.
  SessionClaims TypicalClaims() {
    SessionClaims c;
    c.access_key_id = MakeAccessKeyId(kTemporaryAccessKeyPrefix, Account("123456789012"), random_);
    c.secret_access_key = MakeSecretAccessKey(random_);
    c.account_id = Account("123456789012");
    c.role_arn = "arn:aws:iam::123456789012:role/application/web-role";
    c.role_id = MakeUniqueId(kRoleIdPrefix, c.account_id, "web-role");
    c.role_session_name = "i-0123456789abcdef0";
    c.issued_at = sys_seconds(std::chrono::seconds(1767225600));
    c.expires_at = c.issued_at + std::chrono::hours(6);
    return c;
  }

  // Every field set, to prove each one survives.
  SessionClaims FullClaims() {
    SessionClaims c = TypicalClaims();
    c.kind = SessionKind::kAssumedRole;
    c.session_policy = R"({"Version":"2012-10-17","Statement":[]})";
    c.tags = {{"Project", "blue"}, {"CostCenter", ""}, {"k", std::string(256, 'v')}};
    c.transitive_tag_keys = {"Project", "CostCenter"};
    c.source_identity = "alice@example.com";
    c.chained_from = "arn:aws:sts::123456789012:assumed-role/web-role/i-0123456789abcdef0";
    c.mfa_authenticated = true;
    c.mfa_auth_time = c.issued_at - std::chrono::minutes(3);
    return c;
  }
};

TEST_F(SessionTokenTest, RoundTripsEveryField) {
  const SessionClaims claims = FullClaims();
  const Result<SessionClaims> verified = codec_.Verify(codec_.Mint(claims));
  ASSERT_OK(verified);
  EXPECT_EQ(*verified, claims);
  // Spot checks, so a broken operator== cannot hide a loss.
  EXPECT_EQ(verified->secret_access_key, claims.secret_access_key);
  EXPECT_EQ(verified->tags[2].value.size(), 256u);
  EXPECT_EQ(verified->mfa_auth_time, claims.mfa_auth_time);
  EXPECT_EQ(verified->kind, SessionKind::kAssumedRole);
}

TEST_F(SessionTokenTest, RoundTripsTypicalAndEmptyClaims) {
  const SessionClaims typical = TypicalClaims();
  EXPECT_EQ(codec_.Verify(codec_.Mint(typical)).value(), typical);
  EXPECT_EQ(codec_.Verify(codec_.Mint(SessionClaims{})).value(), SessionClaims{});
  // Times before the epoch survive too (zigzag encoding).
  SessionClaims old = typical;
  old.issued_at = sys_seconds(std::chrono::seconds(-5));
  EXPECT_EQ(codec_.Verify(codec_.Mint(old)).value(), old);
}

TEST_F(SessionTokenTest, TokenIsUrlSafeUnpaddedAndAFewHundredCharacters) {
  const std::string token = codec_.Mint(TypicalClaims());
  EXPECT_THAT(token, MatchesRegex("[A-Za-z0-9_-]+"));
  EXPECT_GE(token.size(), 200u);
  EXPECT_LE(token.size(), 400u);
  const std::string full = codec_.Mint(FullClaims());
  EXPECT_THAT(full, MatchesRegex("[A-Za-z0-9_-]+"));
  EXPECT_LT(full.size(), 4096u);
}

TEST_F(SessionTokenTest, TokenHidesTheSecret) {
  const SessionClaims claims = TypicalClaims();
  const std::string token = codec_.Mint(claims);
  EXPECT_EQ(token.find(claims.secret_access_key.substr(0, 8)), std::string::npos);
  // Same claims, new nonce: tokens differ, so a token says nothing about another.
  EXPECT_NE(codec_.Mint(claims), token);
}

TEST_F(SessionTokenTest, AnyChangedCharacterIsRefused) {
  const std::string token = codec_.Mint(TypicalClaims());
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (char replacement : {'A', 'z', '-'}) {
      if (token[i] == replacement) continue;
      std::string tampered = token;
      tampered[i] = replacement;
      EXPECT_THAT(codec_.Verify(tampered), StatusIs(ErrorCode::kUnauthenticated))
          << "position " << i << " -> " << replacement;
    }
  }
}

TEST_F(SessionTokenTest, TruncatedExtendedAndGarbageTokensAreRefused) {
  const std::string token = codec_.Mint(TypicalClaims());
  EXPECT_THAT(codec_.Verify(token.substr(0, token.size() - 1)),
              StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(codec_.Verify(token.substr(1)), StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(codec_.Verify(token + "A"), StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(codec_.Verify(token + "AAAA"), StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(codec_.Verify(token + "="), StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(codec_.Verify(""), StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(codec_.Verify("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH"),
              StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(codec_.Verify(std::string(300, 'A')), StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(codec_.Verify("not a token at all"), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(SessionTokenTest, AnotherKeyIsRefused) {
  SessionTokenCodec other(KeyFilledWith(0xA5), random_);
  const std::string token = codec_.Mint(TypicalClaims());
  EXPECT_THAT(other.Verify(token), StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(codec_.Verify(other.Mint(TypicalClaims())), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(SessionTokenTest, ExpiryIsLeftToTheCaller) {
  const SessionClaims claims = TypicalClaims();
  const std::string token = codec_.Mint(claims);
  const WallTime after = claims.expires_at + std::chrono::hours(24);
  // Still authentic after expiry, so STS can say ExpiredToken rather than InvalidClientTokenId.
  const Result<SessionClaims> verified = codec_.Verify(token);
  ASSERT_OK(verified);
  EXPECT_TRUE(verified->ExpiredAt(after));
  EXPECT_TRUE(verified->ExpiredAt(claims.expires_at));
  EXPECT_FALSE(verified->ExpiredAt(claims.expires_at - std::chrono::seconds(1)));
}

TEST_F(SessionTokenTest, LoadOrCreatePersistsTheKey) {
  const std::filesystem::path state = dir_ / "state";
  Result<std::unique_ptr<SessionTokenCodec>> first =
      SessionTokenCodec::LoadOrCreate(state, random_);
  ASSERT_OK(first);
  EXPECT_EQ(std::filesystem::file_size(state / SessionTokenCodec::kKeyFile), crypto::kAeadKeySize);
  EXPECT_EQ(std::filesystem::status(state / SessionTokenCodec::kKeyFile).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const std::string token = (*first)->Mint(TypicalClaims());

  // A restart reads the same key: old tokens still verify.
  Result<std::unique_ptr<SessionTokenCodec>> second =
      SessionTokenCodec::LoadOrCreate(state, random_);
  ASSERT_OK(second);
  EXPECT_OK((*second)->Verify(token));
  // Our test codec has a different key.
  EXPECT_THAT(codec_.Verify(token), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(SessionTokenTest, LoadOrCreateRefusesAKeyOfTheWrongSize) {
  std::filesystem::create_directory(dir_ / "state");
  const std::filesystem::path key = dir_ / "state" / SessionTokenCodec::kKeyFile;
  ASSERT_OK(crypto::WriteFileAtomically(key, "short"));
  EXPECT_THAT(SessionTokenCodec::LoadOrCreate(dir_ / "state", random_),
              StatusIs(ErrorCode::kDataCorrupt));
}

}  // namespace
}  // namespace imdsd::sts
