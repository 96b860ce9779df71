#pragma once
// StsTest: the one fixture of the sts component's tests. Owns a FakeClock, a deterministic
// random source, a session-token codec with a fixed key, an issuer over them, and a temporary
// directory (removed afterwards).

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/random.h"
#include "crypto/aead.h"
#include "fakes/fake_clock.h"
#include "sts/credential_issuer.h"
#include "sts/identifiers.h"
#include "sts/session_token.h"

namespace imdsd::sts {

// A seeded PRNG stream: deterministic like FakeRandom, but without FakeRandom's 256-byte period,
// so keys and nonces do not repeat over thousands of rotations. Thread-safe.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  void Fill(std::span<std::uint8_t> out) override {
    std::scoped_lock lock(mutex_);
    for (auto& b : out) b = static_cast<std::uint8_t>(engine_() >> 56);
  }

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;  // guarded by mutex_
};

// Hands out a fixed byte script, then zeros; for golden outputs. Thread-safe.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::vector<std::uint8_t> script) : script_(std::move(script)) {}
  void Fill(std::span<std::uint8_t> out) override {
    std::scoped_lock lock(mutex_);
    for (auto& b : out) b = next_ < script_.size() ? script_[next_++] : 0;
  }

 private:
  std::mutex mutex_;
  const std::vector<std::uint8_t> script_;
  std::size_t next_ = 0;  // guarded by mutex_
};

class StsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/imdsd-sts-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }

  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  static crypto::AeadKey KeyFilledWith(std::uint8_t b) {
    crypto::AeadKey key{};
    key.fill(b);
    return key;
  }

  static AccountId Account(std::string_view digits) { return AccountId::Parse(digits).value(); }

  static RoleSession SessionFor(std::string instance_id, std::string role_name = "web-role",
                                AccountId account = Account("123456789012")) {
    RoleSession s;
    s.account_id = account;
    s.role_name = std::move(role_name);
    s.role_id = MakeUniqueId(kRoleIdPrefix, account, s.role_name);
    s.session_name = std::move(instance_id);
    return s;
  }

  testing::FakeClock clock_;
  SeededRandom random_{20260101};
  SessionTokenCodec codec_{KeyFilledWith(0x5A), random_};
  CredentialIssuer issuer_{clock_, random_, codec_};
  std::filesystem::path dir_;
};

}  // namespace imdsd::sts
