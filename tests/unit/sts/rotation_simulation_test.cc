// Long-running and concurrent behaviour of CredentialStore, on simulated time.

#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sts/rotation.h"
#include "testing/status_matchers.h"
#include "unit/sts/sts_fixture.h"

namespace imdsd::sts {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

class RotationSimulationTest : public StsTest {
 protected:
  static std::string InstanceId(int i) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "i-%017x", i);
    return buf;
  }

  CredentialStore store_{clock_, issuer_};
};

// What the test last saw served to one tenant.
struct Observed {
  std::shared_ptr<const Credential> snapshot;
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  WallTime issued_at{};
  WallTime due{};  // expires_at - refresh_lead
  int rotations = 0;
};

TEST_F(RotationSimulationTest, SeventyTwoHoursAcrossFiveHundredTenants) {
  constexpr int kTenants = 500;
  constexpr seconds kTick(60);
  const RotationPolicy policy;  // 6 h lifetime, 5 h lead: hourly rotation
  std::vector<std::string> tenants;
  // Five accounts, so the uniqueness check compares keys that share their account bits.
  for (int i = 0; i < kTenants; ++i) {
    tenants.push_back(InstanceId(i));
    const AccountId account = AccountId::FromNumber(100000000000 + i % 5).value();
    ASSERT_OK(store_.Assign(tenants.back(),
                            SessionFor(tenants.back(), "role-" + std::to_string(i % 3), account),
                            policy));
    clock_.Advance(seconds(7));  // spread due times over the hour, as launches would be
  }

  std::vector<Observed> observed(kTenants);
  std::unordered_set<std::string> all_keys;
  int failures = 0;
  // Checks one served credential against everything seen before; false on the first violation.
  auto observe = [&](int i) -> bool {
    const WallTime now = clock_.Now();
    const auto credential = store_.Current(tenants[i]);
    if (credential == nullptr) return false;
    EXPECT_GE(credential->expires_at - now, policy.refresh_lead) << tenants[i];
    Observed& seen = observed[i];
    // The same snapshot again: a const Credential cannot have changed.
    if (credential == seen.snapshot) return true;
    if (credential->access_key_id == seen.access_key_id) {
      // Same key: nothing else may have changed, LastUpdated included.
      EXPECT_EQ(credential->issued_at, seen.issued_at) << tenants[i];
      EXPECT_EQ(credential->secret_access_key, seen.secret_access_key) << tenants[i];
      EXPECT_EQ(credential->session_token, seen.session_token) << tenants[i];
      return credential->issued_at == seen.issued_at;
    }
    if (!seen.access_key_id.empty()) {
      // A rotation: never before it was due, and at most one tick after.
      EXPECT_GE(credential->issued_at, seen.due) << tenants[i];
      EXPECT_LE(credential->issued_at, seen.due + kTick) << tenants[i];
      EXPECT_NE(credential->issued_at, seen.issued_at) << tenants[i];
      EXPECT_NE(credential->secret_access_key, seen.secret_access_key) << tenants[i];
      ++seen.rotations;
    }
    const bool unique = all_keys.insert(credential->access_key_id).second;
    EXPECT_TRUE(unique) << credential->access_key_id << " served twice";
    seen = Observed{credential,
                    credential->access_key_id,
                    credential->secret_access_key,
                    credential->session_token,
                    credential->issued_at,
                    credential->expires_at - policy.refresh_lead,
                    seen.rotations};
    return unique;
  };

  for (int i = 0; i < kTenants; ++i) ASSERT_TRUE(observe(i));
  std::mt19937 pick(42);
  const auto end = clock_.MonotonicNow() + hours(72);
  for (int tick = 1; clock_.MonotonicNow() < end; ++tick) {
    // Readers between ticks; this is where a late Tick would show.
    clock_.Advance(kTick / 2);
    for (int s = 0; s < 10; ++s) {
      if (!observe(static_cast<int>(pick() % kTenants))) ++failures;
    }
    clock_.Advance(kTick / 2);
    store_.Tick();
    for (int s = 0; s < 10; ++s) {
      if (!observe(static_cast<int>(pick() % kTenants))) ++failures;
    }
    // Every tenant every ten minutes: rotations are an hour apart, so none goes unseen, and
    // issued_at tells when each happened.
    if (tick % 10 == 0) {
      for (int i = 0; i < kTenants; ++i) {
        if (!observe(i)) ++failures;
      }
    }
    ASSERT_GT(store_.NextDue().value(), clock_.Now());
    ASSERT_EQ(failures, 0) << "stopping at the first failing tick";
  }
  for (int i = 0; i < kTenants; ++i) {
    // 72 h plus the hour of staggered assignment, one rotation an hour (up to a tick late).
    EXPECT_GE(observed[i].rotations, 70) << tenants[i];
    EXPECT_LE(observed[i].rotations, 73) << tenants[i];
  }
  EXPECT_GE(all_keys.size(), static_cast<std::size_t>(kTenants * 71));
}

TEST_F(RotationSimulationTest, ConcurrentReadersSeeWholeCredentials) {
  constexpr int kTenants = 6;
  constexpr int kReaders = 4;
  RotationPolicy policy;
  policy.lifetime = minutes(20);
  policy.refresh_lead = minutes(10);
  std::vector<std::string> tenants;
  std::vector<AccountId> accounts;
  for (int i = 0; i < kTenants; ++i) {
    tenants.push_back(InstanceId(i));
    accounts.push_back(AccountId::FromNumber(200000000000 + i).value());
    ASSERT_OK(store_.Assign(tenants.back(), SessionFor(tenants.back(), "web-role", accounts.back()),
                            policy));
    clock_.Advance(seconds(37));
  }

  std::atomic<bool> stop{false};
  std::atomic<int> inconsistent{0};
  std::atomic<long> reads{0};
  auto reader = [&](int id) {
    for (int n = id; !stop.load(); ++n) {
      const int i = n % kTenants;
      const WallTime before = clock_.Now();
      const auto credential = store_.Current(tenants[i]);
      bool ok = credential != nullptr;
      if (ok) {
        const Result<AccountId> account = AccountFromAccessKeyId(credential->access_key_id);
        const Result<SessionClaims> claims = codec_.Verify(credential->session_token);
        ok = account.ok() && *account == accounts[i] && credential->account_id == accounts[i] &&
             claims.ok() && claims->access_key_id == credential->access_key_id &&
             claims->secret_access_key == credential->secret_access_key &&
             claims->role_arn == credential->role_arn &&
             WallTime(claims->issued_at) == credential->issued_at &&
             WallTime(claims->expires_at) == credential->expires_at &&
             claims->role_session_name == tenants[i] &&
             credential->expires_at - before >= policy.refresh_lead;
      }
      if (!ok) inconsistent.fetch_add(1);
      reads.fetch_add(1);
    }
  };
  std::vector<std::thread> threads;
  for (int r = 0; r < kReaders; ++r) threads.emplace_back(reader, r);

  // Ten simulated hours: each tenant rotates about 60 times while the readers read.
  std::size_t rotated = 0;
  for (int step = 0; step < 600; ++step) {
    // Interleave for real: wait until the readers have read since the last step, so a slow
    // thread start cannot leave the whole rotation run without concurrent readers.
    const long seen = reads.load();
    while (reads.load() == seen) std::this_thread::yield();
    clock_.Advance(seconds(60));
    rotated += store_.Tick();
    // Re-assigning the unchanged configuration mid-rotation must be harmless too.
    if (step % 100 == 0) {
      ASSERT_OK(store_.Assign(tenants[0], SessionFor(tenants[0], "web-role", accounts[0]), policy));
    }
  }
  stop = true;
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_GT(reads.load(), 0);
  // Readers may rotate a tenant themselves when they get there between Advance and Tick.
  EXPECT_GT(rotated, 0u);
  for (int i = 0; i < kTenants; ++i) {
    EXPECT_GE(store_.Current(tenants[i])->expires_at - clock_.Now(), policy.refresh_lead);
  }
}

}  // namespace
}  // namespace imdsd::sts
