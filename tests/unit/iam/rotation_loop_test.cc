#include "iam/rotation_loop.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "crypto/key_file.h"
#include "iam/documents.h"
#include "unit/iam/iam_fixture.h"

namespace imdsd::iam {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

class RotationLoopTest : public IamTest {
 protected:
  RotationLoopTest() { state_file_ = dir_ / sts::CredentialStore::kStateFile; }

  RotationLoop::Options LoopOptions() {
    RotationLoop::Options options;
    options.state_file = state_file_;
    options.on_pass = [this](std::size_t replaced) {
      {
        std::scoped_lock lock(passes_mutex_);
        ++passes_;
        replaced_ += replaced;
      }
      passes_changed_.notify_all();
    };
    return options;
  }

  // Waits (for the loop's thread, not for time) until it has completed `count` passes.
  void WaitForPasses(int count) {
    std::unique_lock lock(passes_mutex_);
    passes_changed_.wait(lock, [&] { return passes_ >= count; });
  }
  int passes() {
    std::scoped_lock lock(passes_mutex_);
    return passes_;
  }
  std::size_t replaced() {
    std::scoped_lock lock(passes_mutex_);
    return replaced_;
  }

  // A fresh store over the same issuer restores what the state file holds.
  std::shared_ptr<const sts::Credential> SavedCredential(const std::string& tenant) {
    sts::CredentialStore restored(clock_, issuer_);
    InstanceCredentials(clock_, restored).Commit(*PlanInstanceCredentials(config_));
    auto loaded = restored.LoadFrom(state_file_);
    if (!loaded.ok()) return nullptr;
    return restored.Current(tenant);
  }

  std::filesystem::path state_file_;
  std::mutex passes_mutex_;
  std::condition_variable passes_changed_;
  int passes_ = 0;            // guarded by passes_mutex_
  std::size_t replaced_ = 0;  // guarded by passes_mutex_
};

TEST_F(RotationLoopTest, AnEmptyStoreWaitsTheMaximum) {
  RotationLoop loop(clock_, store_, LoopOptions());
  EXPECT_EQ(loop.RunOnce(), RotationLoop::kDefaultMaxWait);
  EXPECT_FALSE(std::filesystem::exists(state_file_));
}

TEST_F(RotationLoopTest, RunOnceWaitsUntilDueAndSavesWhatItReplaced) {
  ASSERT_OK(credentials_.Apply(config_));
  RotationLoop::Options options = LoopOptions();
  options.max_wait = hours(2);
  RotationLoop loop(clock_, store_, options);
  const auto first = store_.Current(kWebId);

  EXPECT_EQ(loop.RunOnce(), hours(1));  // due when 5 of the 6 hours are left
  EXPECT_FALSE(std::filesystem::exists(state_file_));
  clock_.Advance(minutes(59) + seconds(59) + milliseconds(500));
  EXPECT_EQ(loop.RunOnce(), milliseconds(500));
  EXPECT_EQ(store_.Current(kWebId), first);

  clock_.Advance(milliseconds(500));
  EXPECT_EQ(loop.RunOnce(), hours(1));
  EXPECT_EQ(replaced(), 2u);
  const auto second = store_.Current(kWebId);
  EXPECT_NE(second, first);
  EXPECT_EQ(second->issued_at, clock_.Now());
  // Saved at once, so a restart now serves the same credential.
  const auto saved = SavedCredential(kWebId);
  ASSERT_NE(saved, nullptr);
  EXPECT_EQ(*saved, *second);
}

TEST_F(RotationLoopTest, TheDefaultWaitIsAtMostAMinute) {
  ASSERT_OK(credentials_.Apply(config_));
  RotationLoop loop(clock_, store_, LoopOptions());
  EXPECT_EQ(loop.RunOnce(), minutes(1));
}

TEST_F(RotationLoopTest, RestoreKeepsTheCredentialsOfTheLastRun) {
  ASSERT_OK(credentials_.Apply(config_));
  RotationLoop loop(clock_, store_, LoopOptions());
  EXPECT_EQ(loop.Restore(), 0u);  // no file yet: written now
  ASSERT_TRUE(std::filesystem::exists(state_file_));
  EXPECT_EQ(std::filesystem::status(state_file_).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto before = store_.Current(kWebId);

  // "Restart": a new store and component over the same key, 20 minutes later.
  clock_.Advance(minutes(20));
  sts::CredentialStore store(clock_, issuer_);
  InstanceCredentials credentials(clock_, store);
  ASSERT_OK(credentials.Apply(config_));
  EXPECT_NE(*store.Current(kWebId), *before);  // Apply minted...
  RotationLoop restarted(clock_, store, LoopOptions());
  EXPECT_EQ(restarted.Restore(), 2u);
  EXPECT_EQ(*store.Current(kWebId), *before);  // ...and Restore put the old one back
}

TEST_F(RotationLoopTest, ACorruptOrExposedStateFileIsReplaced) {
  ASSERT_OK(credentials_.Apply(config_));
  const auto current = store_.Current(kWebId);
  RotationLoop loop(clock_, store_, LoopOptions());

  ASSERT_OK(crypto::WriteFileAtomically(state_file_, "garbage\n", 0600));
  EXPECT_EQ(loop.Restore(), 0u);
  EXPECT_EQ(store_.Current(kWebId), current);
  ASSERT_NE(SavedCredential(kWebId), nullptr);
  EXPECT_EQ(*SavedCredential(kWebId), *current);

  ASSERT_EQ(::chmod(state_file_.c_str(), 0644), 0);  // readable by others: not trusted
  EXPECT_EQ(loop.Restore(), 0u);
  EXPECT_EQ(
      std::filesystem::status(state_file_).permissions() & std::filesystem::perms::others_read,
      std::filesystem::perms::none);
  EXPECT_EQ(*SavedCredential(kWebId), *current);
}

TEST_F(RotationLoopTest, AnUnwritableStateFileIsNotFatal) {
  ASSERT_OK(credentials_.Apply(config_));
  RotationLoop::Options options = LoopOptions();
  options.state_file = dir_ / "missing-dir" / "credentials.state";
  RotationLoop loop(clock_, store_, options);
  EXPECT_EQ(loop.Restore(), 0u);
  clock_.Advance(hours(1));
  loop.RunOnce();
  EXPECT_EQ(replaced(), 2u);
  EXPECT_FALSE(loop.Save().ok());
}

TEST_F(RotationLoopTest, TheThreadRotatesWhenWokenAfterTheClockMoved) {
  ASSERT_OK(credentials_.Apply(config_));
  RotationLoop loop(clock_, store_, LoopOptions());
  const auto first = store_.Current(kWebId);
  loop.Start();
  WaitForPasses(1);  // the first pass runs at once; nothing is due
  EXPECT_EQ(replaced(), 0u);

  for (int rotation = 1; rotation <= 5; ++rotation) {
    clock_.Advance(hours(1));
    const int before = passes();
    loop.Wake();
    WaitForPasses(before + 1);
  }
  EXPECT_EQ(replaced(), 10u);  // two tenants, five times
  const auto current = store_.Current(kWebId);
  EXPECT_NE(current, first);
  EXPECT_EQ(current->issued_at, clock_.Now());

  loop.Stop();
  ASSERT_NE(SavedCredential(kWebId), nullptr);
  EXPECT_EQ(*SavedCredential(kWebId), *current);
}

TEST_F(RotationLoopTest, StopWakesTheThreadAtOnce) {
  ASSERT_OK(credentials_.Apply(config_));
  RotationLoop::Options options = LoopOptions();
  options.max_wait = hours(24);  // a Stop() that had to wait for this would hang the test
  RotationLoop loop(clock_, store_, options);
  loop.Start();
  WaitForPasses(1);
  loop.Stop();
  loop.Stop();  // idempotent
  EXPECT_TRUE(std::filesystem::exists(state_file_));
}

// Readers on several threads while the loop rotates both tenants many times: every answer is a
// whole credential of the asking tenant, never one with less than the lead left.
TEST_F(RotationLoopTest, ConcurrentReadersDuringRotation) {
  ASSERT_OK(credentials_.Apply(config_));
  RotationLoop loop(clock_, store_, LoopOptions());
  loop.Start();
  WaitForPasses(1);

  std::atomic<bool> done = false;
  std::atomic<int> reads = 0;
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&, r] {
      const std::string instance = r % 2 == 0 ? kWebId : kDbId;
      const std::string role = r % 2 == 0 ? "app-role" : "ops-role";
      while (!done.load()) {
        const WallTime before = clock_.Now();
        const imds::LookupResult found = Get(instance, "security-credentials/" + role);
        ASSERT_EQ(found.kind, imds::LookupResult::Kind::kValue);
        const nlohmann::json json = nlohmann::json::parse(found.body);
        const WallTime expiration = *ParseIso8601(json.at("Expiration").get<std::string>());
        EXPECT_GE(expiration - before, hours(5));
        auto restored = issuer_.Restore(json.at("Token").get<std::string>());
        ASSERT_TRUE(restored.ok());
        EXPECT_EQ(restored->claims.role_session_name, instance);
        EXPECT_EQ(restored->claims.access_key_id, json.at("AccessKeyId"));
        EXPECT_EQ(restored->claims.secret_access_key, json.at("SecretAccessKey"));
        EXPECT_EQ(*ParseIso8601(json.at("LastUpdated").get<std::string>()),
                  restored->claims.issued_at);
        ++reads;
      }
    });
  }
  for (int rotation = 0; rotation < 50; ++rotation) {
    clock_.Advance(hours(1));
    const int before = passes();
    loop.Wake();
    WaitForPasses(before + 1);
    // A SIGHUP with an unchanged configuration in the middle of it all.
    if (rotation % 10 == 5) {
      ASSERT_OK(credentials_.Apply(config_));
    }
  }
  done = true;
  for (auto& reader : readers) reader.join();
  loop.Stop();
  EXPECT_GE(replaced(), 100u);
  EXPECT_GT(reads.load(), 0);
}

}  // namespace
}  // namespace imdsd::iam
