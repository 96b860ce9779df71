#pragma once
// IamTest: the one fixture of the iam component's tests. Holds a FakeClock, a seeded random
// source, a session-token codec with a fixed key, an issuer, a CredentialStore, the
// InstanceCredentials under test, a temporary directory (removed afterwards), and a Config built
// in code:
//   roles:             app-role (path /), ops-role (path /ops/)
//   instance_profiles: app-profile -> app-role, ops-profile -> ops-role (6 h / 5 h)
//   instances:         web (i-0aaaaaaaaaaaaaaaa, app-profile), db (i-0bbbbbbbbbbbbbbbb,
//                      ops-profile), bare (i-0cccccccccccccccc, no profile)

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

#include "common/status.h"
#include "config/config.h"
#include "crypto/aead.h"
#include "fakes/fake_clock.h"
#include "iam/instance_credentials.h"
#include "imds/dynamic_subtree.h"
#include "sts/credential_issuer.h"
#include "sts/identifiers.h"
#include "sts/rotation.h"
#include "sts/session_token.h"
#include "testing/status_matchers.h"
#include "unit/sts/sts_fixture.h"

namespace imdsd::iam {

inline constexpr char kWebId[] = "i-0aaaaaaaaaaaaaaaa";
inline constexpr char kDbId[] = "i-0bbbbbbbbbbbbbbbb";
inline constexpr char kBareId[] = "i-0cccccccccccccccc";
inline constexpr char kAccount[] = "123456789012";

class IamTest : public ::testing::Test {
 protected:
  IamTest() {
    std::string pattern = (std::filesystem::temp_directory_path() / "iam_test.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    dir_ = pattern;
    config_.source_file = "imdsd.yaml";
    config_.roles = {MakeRole("app-role", "/"), MakeRole("ops-role", "/ops/")};
    config_.instance_profiles = {MakeProfile("app-profile", "app-role"),
                                 MakeProfile("ops-profile", "ops-role")};
    config_.instances = {MakeInstance("web", kWebId, "app-profile"),
                         MakeInstance("db", kDbId, "ops-profile"),
                         MakeInstance("bare", kBareId, "")};
  }
  ~IamTest() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  static sts::AccountId Account() { return sts::AccountId::Parse(kAccount).value(); }

  static config::Role MakeRole(std::string name, std::string path) {
    config::Role role;
    role.name = std::move(name);
    role.path = std::move(path);
    role.account_id = kAccount;
    role.role_id = sts::MakeUniqueId(sts::kRoleIdPrefix, Account(), role.name);
    return role;
  }

  static config::InstanceProfile MakeProfile(std::string name, std::string role) {
    config::InstanceProfile profile;
    profile.name = std::move(name);
    profile.account_id = kAccount;
    profile.instance_profile_id =
        sts::MakeUniqueId(sts::kInstanceProfileIdPrefix, Account(), profile.name);
    profile.role = std::move(role);
    return profile;
  }

  static config::Instance MakeInstance(std::string name, std::string id, std::string profile) {
    config::Instance instance;
    instance.name = std::move(name);
    instance.instance_id = std::move(id);
    instance.account_id = kAccount;
    instance.region = "us-east-1";
    instance.instance_profile = std::move(profile);
    instance.source_line = 10;
    return instance;
  }

  config::Instance& InstanceNamed(std::string_view name) {
    for (auto& instance : config_.instances) {
      if (instance.name == name) return instance;
    }
    ADD_FAILURE() << "no instance " << name;
    return config_.instances.front();
  }

  const config::Instance* FindInstance(std::string_view instance_id) const {
    for (const auto& instance : config_.instances) {
      if (instance.instance_id == instance_id) return &instance;
    }
    return nullptr;
  }

  // The iam/ subtree's answer for `path` (segments below iam/, joined by '/'; "" for iam/ itself)
  // asked by the instance with `instance_id`.
  imds::LookupResult Get(std::string_view instance_id, std::string_view path) const {
    config::Instance fallback;
    fallback.instance_id = std::string(instance_id);
    const config::Instance* instance = FindInstance(instance_id);
    std::vector<std::string_view> segments;
    while (!path.empty()) {
      const std::size_t slash = path.find('/');
      const std::string_view segment = path.substr(0, slash);
      if (!segment.empty()) segments.push_back(segment);
      path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    }
    const imds::DynamicRequest request{instance != nullptr ? *instance : fallback, true};
    return credentials_.Lookup(request, segments);
  }

  // The body of a kValue or kListing answer; fails the test on kNotFound.
  std::string Body(std::string_view instance_id, std::string_view path) const {
    imds::LookupResult found = Get(instance_id, path);
    EXPECT_NE(found.kind, imds::LookupResult::Kind::kNotFound) << path;
    return found.body;
  }

  bool NotFound(std::string_view instance_id, std::string_view path) const {
    return Get(instance_id, path).kind == imds::LookupResult::Kind::kNotFound;
  }

  testing::FakeClock clock_;
  sts::SeededRandom random_{20260101};
  sts::SessionTokenCodec codec_{[] {
                                  crypto::AeadKey key{};
                                  key.fill(0x3C);
                                  return key;
                                }(),
                                random_};
  sts::CredentialIssuer issuer_{clock_, random_, codec_};
  sts::CredentialStore store_{clock_, issuer_};
  InstanceCredentials credentials_{clock_, store_};
  std::filesystem::path dir_;
  config::Config config_;
};

}  // namespace imdsd::iam
