#include "sts/rotation.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crypto/key_file.h"
#include "testing/status_matchers.h"
#include "unit/sts/sts_fixture.h"

namespace imdsd::sts {
namespace {

using ::imdsd::testing::StatusIs;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CredentialStoreTest : public StsTest {
 protected:
  static std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // Assigns `tenant` the default web-role session named after it.
  void AssignDefault(const std::string& tenant) {
    ASSERT_OK(store_.Assign(tenant, SessionFor(tenant), policy_));
  }

  const RotationPolicy policy_;  // 6 h lifetime, refreshed when 5 h are left
  CredentialStore store_{clock_, issuer_};
};

TEST_F(CredentialStoreTest, AssignIssuesAtOnce) {
  EXPECT_EQ(store_.Current("i-00000000000000001"), nullptr);
  AssignDefault("i-00000000000000001");
  const auto credential = store_.Current("i-00000000000000001");
  ASSERT_NE(credential, nullptr);
  EXPECT_EQ(credential->issued_at, clock_.Now());
  EXPECT_EQ(credential->expires_at, clock_.Now() + hours(6));
  EXPECT_EQ(credential->role_arn, "arn:aws:iam::123456789012:role/web-role");
  // Stable between calls: readers share one snapshot.
  EXPECT_EQ(store_.Current("i-00000000000000001"), credential);
  EXPECT_EQ(store_.Current("i-00000000000000002"), nullptr);
  EXPECT_THAT(store_.Tenants(), ElementsAre("i-00000000000000001"));
}

TEST_F(CredentialStoreTest, AssignTakesTheLifetimeFromThePolicy) {
  RoleSession session = SessionFor("i-00000000000000001");
  session.lifetime = hours(1);
  ASSERT_OK(store_.Assign("i-00000000000000001", session, policy_));
  EXPECT_EQ(store_.Current("i-00000000000000001")->expires_at, clock_.Now() + hours(6));
}

TEST_F(CredentialStoreTest, ReassigningTheSameRoleKeepsTheCredential) {
  AssignDefault("i-00000000000000001");
  const auto before = store_.Current("i-00000000000000001");
  clock_.Advance(minutes(10));
  AssignDefault("i-00000000000000001");
  EXPECT_EQ(store_.Current("i-00000000000000001"), before);
  RoleSession empty_path = SessionFor("i-00000000000000001");
  empty_path.role_path = "";  // another spelling of "/"
  ASSERT_OK(store_.Assign("i-00000000000000001", empty_path, policy_));
  EXPECT_EQ(store_.Current("i-00000000000000001"), before);

  // A policy change alone keeps it too, but moves its schedule.
  RotationPolicy hurried = policy_;
  hurried.refresh_lead = hours(5) + minutes(40);
  ASSERT_OK(store_.Assign("i-00000000000000001", SessionFor("i-00000000000000001"), hurried));
  EXPECT_EQ(store_.NextDue(), before->expires_at - hurried.refresh_lead);
  EXPECT_EQ(store_.Current("i-00000000000000001"), before);
}

TEST_F(CredentialStoreTest, AShorterLifetimeReissuesAtOnce) {
  AssignDefault("i-00000000000000001");
  const auto before = store_.Current("i-00000000000000001");
  clock_.Advance(minutes(10));
  // 5 h 50 min left: a 6 h lifetime keeps it, a 1 h lifetime does not.
  RotationPolicy longer = policy_;
  longer.lifetime = hours(7);
  ASSERT_OK(store_.Assign("i-00000000000000001", SessionFor("i-00000000000000001"), longer));
  EXPECT_EQ(store_.Current("i-00000000000000001"), before);
  const RotationPolicy shorter{hours(1), minutes(45), false};
  ASSERT_OK(store_.Assign("i-00000000000000001", SessionFor("i-00000000000000001"), shorter));
  const auto after = store_.Current("i-00000000000000001");
  ASSERT_NE(after, before);
  EXPECT_EQ(after->expires_at, clock_.Now() + hours(1));
  // Re-assigning the same shorter policy keeps the new one.
  clock_.Advance(minutes(1));
  ASSERT_OK(store_.Assign("i-00000000000000001", SessionFor("i-00000000000000001"), shorter));
  EXPECT_EQ(store_.Current("i-00000000000000001"), after);
}

TEST_F(CredentialStoreTest, RoleChangeIssuesImmediatelyAndLeavesOthersAlone) {
  AssignDefault("i-00000000000000001");
  AssignDefault("i-00000000000000002");
  const auto first = store_.Current("i-00000000000000001");
  const auto second = store_.Current("i-00000000000000002");
  clock_.Advance(minutes(3));

  ASSERT_OK(
      store_.Assign("i-00000000000000001", SessionFor("i-00000000000000001", "db-role"), policy_));
  const auto changed = store_.Current("i-00000000000000001");
  ASSERT_NE(changed, first);
  EXPECT_NE(changed->access_key_id, first->access_key_id);
  EXPECT_EQ(changed->role_arn, "arn:aws:iam::123456789012:role/db-role");
  EXPECT_EQ(changed->issued_at, clock_.Now());
  EXPECT_EQ(store_.Current("i-00000000000000002"), second);

  // A new account is a role change as well.
  ASSERT_OK(store_.Assign("i-00000000000000002",
                          SessionFor("i-00000000000000002", "web-role", Account("210987654321")),
                          policy_));
  const auto moved = store_.Current("i-00000000000000002");
  EXPECT_EQ(AccountFromAccessKeyId(moved->access_key_id)->ToString(), "210987654321");
  EXPECT_EQ(store_.Current("i-00000000000000001"), changed);
}

TEST_F(CredentialStoreTest, TickRotatesWhenTheLeadIsReached) {
  AssignDefault("i-00000000000000001");
  const auto first = store_.Current("i-00000000000000001");
  EXPECT_EQ(store_.NextDue(), first->issued_at + hours(1));

  clock_.Advance(hours(1) - seconds(1));
  EXPECT_EQ(store_.Tick(), 0u);
  EXPECT_EQ(store_.Current("i-00000000000000001"), first);

  clock_.Advance(seconds(1));
  EXPECT_EQ(store_.Tick(), 1u);
  const auto second = store_.Current("i-00000000000000001");
  ASSERT_NE(second, first);
  EXPECT_NE(second->access_key_id, first->access_key_id);
  EXPECT_EQ(second->issued_at, clock_.Now());
  EXPECT_EQ(second->expires_at, clock_.Now() + hours(6));
  EXPECT_EQ(store_.NextDue(), clock_.Now() + hours(1));
  EXPECT_EQ(store_.Tick(), 0u);
  // The snapshot a client already holds is untouched.
  EXPECT_EQ(first->expires_at, second->issued_at + hours(5));
}

TEST_F(CredentialStoreTest, CurrentMintsWhenTickIsLate) {
  AssignDefault("i-00000000000000001");
  AssignDefault("i-00000000000000002");
  const auto first = store_.Current("i-00000000000000001");
  const auto other = store_.Current("i-00000000000000002");
  clock_.Advance(hours(2));  // an hour past due, no Tick
  const auto served = store_.Current("i-00000000000000001");
  ASSERT_NE(served, first);
  EXPECT_GE(served->expires_at - clock_.Now(), policy_.refresh_lead);
  EXPECT_EQ(store_.Current("i-00000000000000001"), served);
  // Only the tenant that asked was rotated; Tick does the rest.
  EXPECT_EQ(store_.Tick(), 1u);
  EXPECT_NE(store_.Current("i-00000000000000002"), other);
  EXPECT_EQ(store_.Current("i-00000000000000001"), served);
}

TEST_F(CredentialStoreTest, CurrentServesExactlyAtTheLead) {
  AssignDefault("i-00000000000000001");
  const auto first = store_.Current("i-00000000000000001");
  clock_.Advance(hours(1));  // exactly refresh_lead left: still servable
  EXPECT_EQ(store_.Current("i-00000000000000001"), first);
  clock_.Advance(std::chrono::microseconds(1));
  EXPECT_NE(store_.Current("i-00000000000000001"), first);
}

TEST_F(CredentialStoreTest, WallClockStepIsHonoured) {
  AssignDefault("i-00000000000000001");
  const auto first = store_.Current("i-00000000000000001");
  clock_.SetWall(clock_.Now() + hours(7));  // past expiry
  EXPECT_EQ(store_.Tick(), 1u);
  const auto second = store_.Current("i-00000000000000001");
  EXPECT_NE(second, first);
  EXPECT_EQ(second->issued_at, clock_.Now());
}

TEST_F(CredentialStoreTest, ReplacedCredentialsStayVerifiableUntilTheirExpiry) {
  AssignDefault("i-00000000000000001");
  const auto first = store_.Current("i-00000000000000001");
  clock_.Advance(hours(1));
  ASSERT_EQ(store_.Tick(), 1u);
  clock_.Advance(hours(4));
  ASSERT_EQ(store_.Tick(), 1u);  // rotated again; `first` has an hour left
  const Result<SessionClaims> claims = codec_.Verify(first->session_token);
  ASSERT_OK(claims);
  EXPECT_EQ(claims->access_key_id, first->access_key_id);
  EXPECT_EQ(claims->secret_access_key, first->secret_access_key);
  EXPECT_FALSE(claims->ExpiredAt(clock_.Now()));
  clock_.Advance(hours(1));
  EXPECT_TRUE(claims->ExpiredAt(clock_.Now()));
  EXPECT_OK(codec_.Verify(first->session_token));  // authentic, expired: the caller decides
}

TEST_F(CredentialStoreTest, RemoveForgetsTheTenant) {
  AssignDefault("i-00000000000000001");
  AssignDefault("i-00000000000000002");
  const auto held = store_.Current("i-00000000000000001");
  store_.Remove("i-00000000000000001");
  store_.Remove("i-unknown");
  EXPECT_EQ(store_.Current("i-00000000000000001"), nullptr);
  EXPECT_THAT(store_.Tenants(), ElementsAre("i-00000000000000002"));
  EXPECT_FALSE(held->access_key_id.empty());  // snapshots outlive removal
  store_.Remove("i-00000000000000002");
  EXPECT_EQ(store_.NextDue(), std::nullopt);
  EXPECT_EQ(store_.Tick(), 0u);
}

TEST_F(CredentialStoreTest, NextDueIsTheEarliestTenant) {
  EXPECT_EQ(store_.NextDue(), std::nullopt);
  AssignDefault("i-00000000000000001");
  const WallTime first_due = clock_.Now() + hours(1);
  clock_.Advance(minutes(20));
  AssignDefault("i-00000000000000002");
  EXPECT_EQ(store_.NextDue(), first_due);
  clock_.Advance(minutes(40));
  EXPECT_EQ(store_.Tick(), 1u);
  EXPECT_EQ(store_.NextDue(), first_due + minutes(20));
}

TEST_F(CredentialStoreTest, ValidatesPolicyAndTenant) {
  const RoleSession session = SessionFor("i-00000000000000001");
  RotationPolicy policy;
  policy.lifetime = minutes(14);
  policy.refresh_lead = minutes(5);
  EXPECT_THAT(store_.Assign("t", session, policy), StatusIs(ErrorCode::kInvalidArgument));
  policy.allow_short_lifetimes = true;
  EXPECT_OK(store_.Assign("t", session, policy));

  policy = RotationPolicy{};
  policy.refresh_lead = policy.lifetime;
  EXPECT_THAT(ValidateRotationPolicy(policy), StatusIs(ErrorCode::kInvalidArgument));
  policy.refresh_lead = seconds(0);
  EXPECT_THAT(ValidateRotationPolicy(policy), StatusIs(ErrorCode::kInvalidArgument));
  policy = RotationPolicy{};
  policy.lifetime = hours(37);
  EXPECT_THAT(ValidateRotationPolicy(policy), StatusIs(ErrorCode::kInvalidArgument));
  policy = RotationPolicy{};
  policy.lifetime = minutes(15);
  policy.refresh_lead = minutes(5);
  EXPECT_OK(ValidateRotationPolicy(policy));

  const auto held = store_.Current("t");
  EXPECT_THAT(store_.Assign("", session, policy_), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(store_.Assign("a\nb", session, policy_), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(store_.Assign(std::string(257, 't'), session, policy_),
              StatusIs(ErrorCode::kInvalidArgument));
  // A failed Assign leaves the tenant as it was.
  EXPECT_THAT(store_.Assign("t", SessionFor("x"), policy_), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_EQ(store_.Current("t"), held);
  EXPECT_THAT(store_.Tenants(), ElementsAre("t"));
}

TEST_F(CredentialStoreTest, SaveAndLoadRoundTrip) {
  for (const char* t : {"i-00000000000000001", "i-00000000000000002", "i-00000000000000003"}) {
    AssignDefault(t);
  }
  ASSERT_OK(store_.Assign("tenant with spaces", SessionFor("i-00000000000000004"), policy_));
  const std::filesystem::path path = dir_ / CredentialStore::kStateFile;
  ASSERT_OK(store_.SaveTo(path));
  EXPECT_EQ(std::filesystem::status(path).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const std::string file = ReadFile(path);
  const auto saved = store_.Current("i-00000000000000001");
  EXPECT_EQ(file.find(saved->secret_access_key), std::string::npos);  // only tokens on disk

  // A restart a few minutes later with a configuration where one tenant changed role, one is
  // gone and one is new.
  clock_.Advance(minutes(5));
  CredentialStore restarted(clock_, issuer_);
  ASSERT_OK(restarted.Assign("i-00000000000000001", SessionFor("i-00000000000000001"), policy_));
  ASSERT_OK(restarted.Assign("i-00000000000000002", SessionFor("i-00000000000000002", "db-role"),
                             policy_));
  ASSERT_OK(restarted.Assign("tenant with spaces", SessionFor("i-00000000000000004"), policy_));
  ASSERT_OK(restarted.Assign("i-00000000000000005", SessionFor("i-00000000000000005"), policy_));
  const auto changed_role = restarted.Current("i-00000000000000002");
  const auto new_tenant = restarted.Current("i-00000000000000005");

  const Result<std::size_t> restored = restarted.LoadFrom(path);
  ASSERT_OK(restored);
  EXPECT_EQ(*restored, 2u);
  EXPECT_EQ(*restarted.Current("i-00000000000000001"), *saved);
  EXPECT_EQ(*restarted.Current("tenant with spaces"), *store_.Current("tenant with spaces"));
  EXPECT_EQ(restarted.Current("i-00000000000000002"), changed_role);
  EXPECT_EQ(restarted.Current("i-00000000000000005"), new_tenant);
  EXPECT_EQ(restarted.Current("i-00000000000000003"), nullptr);
  // The restored credential keeps its schedule.
  EXPECT_EQ(restarted.NextDue(), saved->issued_at + hours(1));
}

TEST_F(CredentialStoreTest, LoadSkipsCredentialsThatAreDue) {
  AssignDefault("i-00000000000000001");
  const std::filesystem::path path = dir_ / CredentialStore::kStateFile;
  ASSERT_OK(store_.SaveTo(path));
  clock_.Advance(hours(2));
  CredentialStore restarted(clock_, issuer_);
  ASSERT_OK(restarted.Assign("i-00000000000000001", SessionFor("i-00000000000000001"), policy_));
  const auto fresh = restarted.Current("i-00000000000000001");
  EXPECT_EQ(restarted.LoadFrom(path).value(), 0u);
  EXPECT_EQ(restarted.Current("i-00000000000000001"), fresh);
}

TEST_F(CredentialStoreTest, CorruptFileIsAnErrorAndChangesNothing) {
  AssignDefault("i-00000000000000001");
  AssignDefault("i-00000000000000002");
  const std::filesystem::path path = dir_ / CredentialStore::kStateFile;
  ASSERT_OK(store_.SaveTo(path));
  const std::string good = ReadFile(path);

  CredentialStore other(clock_, issuer_);
  ASSERT_OK(other.Assign("i-00000000000000001", SessionFor("i-00000000000000001"), policy_));
  ASSERT_OK(other.Assign("i-00000000000000002", SessionFor("i-00000000000000002"), policy_));
  const auto before1 = other.Current("i-00000000000000001");
  const auto before2 = other.Current("i-00000000000000002");

  const std::size_t token_start = good.find('\n') + 1;
  std::string tampered = good;
  tampered[token_start + 40] = tampered[token_start + 40] == 'A' ? 'B' : 'A';
  std::string duplicated = good + good.substr(token_start);
  const std::string header_only = good.substr(0, token_start);
  for (const std::string& contents :
       {tampered, good.substr(0, good.size() - 1),
        "imdsd-credentials 2\n" + good.substr(token_start), std::string(), std::string("garbage"),
        duplicated, header_only + "no-space-here\n"}) {
    ASSERT_OK(crypto::WriteFileAtomically(path, contents));
    EXPECT_THAT(other.LoadFrom(path), StatusIs(ErrorCode::kDataCorrupt)) << contents;
    EXPECT_EQ(other.Current("i-00000000000000001"), before1);
    EXPECT_EQ(other.Current("i-00000000000000002"), before2);
  }
  // A bad line after good ones still refuses the whole file.
  ASSERT_OK(crypto::WriteFileAtomically(path, good + "garbage\n"));
  EXPECT_THAT(other.LoadFrom(path), StatusIs(ErrorCode::kDataCorrupt));
  EXPECT_EQ(other.Current("i-00000000000000001"), before1);

  // Tokens under another key (the session key file was replaced).
  SessionTokenCodec foreign_codec(KeyFilledWith(0x01), random_);
  CredentialIssuer foreign_issuer(clock_, random_, foreign_codec);
  CredentialStore foreign(clock_, foreign_issuer);
  ASSERT_OK(foreign.Assign("i-00000000000000001", SessionFor("i-00000000000000001"), policy_));
  ASSERT_OK(crypto::WriteFileAtomically(path, good));
  const Result<std::size_t> refused = foreign.LoadFrom(path);
  EXPECT_THAT(refused, StatusIs(ErrorCode::kDataCorrupt));
  EXPECT_THAT(refused.status().message(), HasSubstr("session key"));
}

TEST_F(CredentialStoreTest, MissingOrExposedFileIsAnError) {
  AssignDefault("i-00000000000000001");
  EXPECT_THAT(store_.LoadFrom(dir_ / "missing"), StatusIs(ErrorCode::kNotFound));
  const std::filesystem::path path = dir_ / CredentialStore::kStateFile;
  ASSERT_OK(store_.SaveTo(path));
  std::filesystem::permissions(path, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  EXPECT_THAT(store_.LoadFrom(path), StatusIs(ErrorCode::kPermissionDenied));
  EXPECT_THAT(store_.SaveTo(dir_ / "missing" / "file"), StatusIs(ErrorCode::kIoError));
}

}  // namespace
}  // namespace imdsd::sts
