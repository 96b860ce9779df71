#include "app/sts_endpoint.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_random.h"
#include "testing/status_matchers.h"

namespace imdsd::app {
namespace {

using ::imdsd::testing::FakeClock;
using ::imdsd::testing::FakeRandom;
using ::imdsd::testing::StatusIs;

// One state directory per test, and a configuration with one user and one role whose STS
// endpoint listens on a loopback port the OS picks. The requests themselves are covered by
// tests/integration/test_sts.py; these tests cover start, audit file, reload and stop.
class StsEndpointTest : public ::testing::Test {
 protected:
  StsEndpointTest() {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("imdsd_sts_endpoint_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto codec = sts::SessionTokenCodec::LoadOrCreate(dir_, random_);
    EXPECT_OK(codec);
    codec_ = std::move(*codec);
  }
  ~StsEndpointTest() override { std::filesystem::remove_all(dir_); }

  std::shared_ptr<const config::Config> Load(const std::string& role_name) const {
    const std::string text = "state_dir: " + dir_.string() +
                             "\n"
                             "account_id: \"111111111111\"\n"
                             "roles:\n"
                             "  - name: " +
                             role_name +
                             "\n"
                             "    trust_policy: {Version: \"2012-10-17\", Statement: [{Effect: "
                             "Allow, Principal: {AWS: \"111111111111\"}, Action: "
                             "\"sts:AssumeRole\"}]}\n"
                             "sts:\n"
                             "  listen: [\"127.0.0.1:0\"]\n"
                             "instances:\n"
                             "  - {name: lab, match: [\"127.0.0.1\"]}\n";
    const config::LoadOutcome outcome = config::LoadConfigText(text, dir_ / "lab.yaml");
    EXPECT_TRUE(outcome.ok()) << (outcome.errors.empty() ? "" : outcome.errors[0].ToString());
    return outcome.config;
  }

  Result<std::unique_ptr<StsEndpoint>> Start(std::shared_ptr<const config::Config> config) {
    return StsEndpoint::Start(std::move(config),
                              {.clock = clock_, .random = random_, .session_codec = *codec_});
  }

  std::filesystem::path dir_;
  FakeClock clock_;
  FakeRandom random_;
  std::unique_ptr<sts::SessionTokenCodec> codec_;
};

TEST_F(StsEndpointTest, ListensOnTheChosenPortAndCreatesAPrivateAuditFile) {
  auto endpoint = Start(Load("reader"));
  ASSERT_OK(endpoint);
  ASSERT_EQ((*endpoint)->BoundEndpoints().size(), 1u);
  EXPECT_EQ((*endpoint)->BoundEndpoints()[0].address.ToString(), "127.0.0.1");
  EXPECT_NE((*endpoint)->BoundEndpoints()[0].port, 0);
  struct stat info {};
  ASSERT_EQ(::stat((dir_ / "sts-audit.jsonl").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  (*endpoint)->Stop();
  (*endpoint)->Stop();  // idempotent; the destructor stops again
}

TEST_F(StsEndpointTest, RefusesAnAuditFileOthersCanRead) {
  const auto audit = dir_ / "sts-audit.jsonl";
  std::ofstream(audit) << "";
  std::filesystem::permissions(audit, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  EXPECT_THAT(Start(Load("reader")), StatusIs(ErrorCode::kPermissionDenied));
}

TEST_F(StsEndpointTest, ReloadPreparesThenCommitsANewDirectory) {
  auto endpoint = Start(Load("reader"));
  ASSERT_OK(endpoint);
  auto prepared = (*endpoint)->PrepareReload(Load("writer"));
  ASSERT_OK(prepared);
  ASSERT_NE(*prepared, nullptr);
  EXPECT_NE((*prepared)->FindRoleByArn("arn:aws:iam::111111111111:role/writer"), nullptr);
  EXPECT_EQ((*prepared)->FindRoleByArn("arn:aws:iam::111111111111:role/reader"), nullptr);
  (*endpoint)->CommitReload(std::move(*prepared));
}

}  // namespace
}  // namespace imdsd::app
