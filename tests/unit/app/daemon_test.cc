#include "app/daemon.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace imdsd::app {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

net::Endpoint Endpoint(std::string_view text) { return *net::Endpoint::Parse(text); }

// A loaded configuration to override and reload against.
class DaemonTest : public ::testing::Test {
 protected:
  DaemonTest() {
    loaded_.server.listen = {Endpoint("127.0.0.1:8169")};
    loaded_.state_dir = "/var/lib/imdsd";
    loaded_.logging.level = "info";
    loaded_.instances.resize(1);
    options_.config_file = "imdsd.yaml";
  }

  config::Config loaded_;
  Options options_;
};

TEST_F(DaemonTest, NoOverridesKeepsTheFile) {
  auto config = ApplyOverrides(loaded_, options_);
  ASSERT_EQ(config->server.listen.size(), 1u);
  EXPECT_EQ(config->server.listen[0].ToString(), "127.0.0.1:8169");
  EXPECT_EQ(config->state_dir, "/var/lib/imdsd");
  EXPECT_EQ(config->logging.level, "info");
  EXPECT_EQ(config->instances.size(), 1u);
}

TEST_F(DaemonTest, OverridesReplaceTheFilesValues) {
  options_.listen = {Endpoint("127.0.0.1:0"), Endpoint("[::1]:0")};
  options_.state_dir = "/tmp/state";
  options_.log_level = "debug";
  auto config = ApplyOverrides(loaded_, options_);
  ASSERT_EQ(config->server.listen.size(), 2u);
  EXPECT_EQ(config->server.listen[1].ToString(), "[::1]:0");
  EXPECT_EQ(config->state_dir, "/tmp/state");
  EXPECT_EQ(config->logging.level, "debug");
}

TEST_F(DaemonTest, ReloadKeepsListenersServerOptionsAndStateDir) {
  config::Config reloaded = loaded_;
  reloaded.server.listen = {Endpoint("127.0.0.1:9000")};
  reloaded.server.threads = 7;
  reloaded.state_dir = "/elsewhere";
  reloaded.logging.level = "debug";
  reloaded.instances.resize(3);
  std::vector<std::string> ignored;
  auto next = KeepStartOnlySettings(loaded_, reloaded, &ignored);
  EXPECT_EQ(next->server.listen[0].ToString(), "127.0.0.1:8169");
  EXPECT_EQ(next->server.threads, loaded_.server.threads);
  EXPECT_EQ(next->state_dir, "/var/lib/imdsd");
  EXPECT_EQ(next->logging.level, "debug");
  EXPECT_EQ(next->instances.size(), 3u);
  ASSERT_EQ(ignored.size(), 3u);
  EXPECT_THAT(ignored[0], HasSubstr("server.listen (127.0.0.1:8169 -> 127.0.0.1:9000)"));
  EXPECT_THAT(ignored[1], HasSubstr("server options"));
  EXPECT_THAT(ignored[2], HasSubstr("state_dir (/var/lib/imdsd -> /elsewhere)"));
}

TEST_F(DaemonTest, StsListenOverrideTurnsTheEndpointOn) {
  options_.sts_listen = {Endpoint("127.0.0.1:0")};
  auto config = ApplyOverrides(loaded_, options_);
  EXPECT_TRUE(config->sts.enabled);
  ASSERT_EQ(config->sts.listen.size(), 1u);
  EXPECT_EQ(config->sts.listen[0].ToString(), "127.0.0.1:0");
}

TEST_F(DaemonTest, WithoutStsListenOverrideTheFileDecides) {
  loaded_.sts.listen = {Endpoint("127.0.0.1:8170")};
  auto config = ApplyOverrides(loaded_, options_);
  EXPECT_FALSE(config->sts.enabled);
  EXPECT_EQ(config->sts.listen[0].ToString(), "127.0.0.1:8170");
}

TEST_F(DaemonTest, ReloadKeepsTheStsListenerAuditLogAndSkew) {
  loaded_.sts.enabled = true;
  loaded_.sts.listen = {Endpoint("127.0.0.1:8170")};
  config::Config reloaded = loaded_;
  reloaded.sts.listen = {Endpoint("127.0.0.1:9170")};
  reloaded.sts.audit_log = "/tmp/elsewhere.jsonl";
  reloaded.sts.max_clock_skew = std::chrono::minutes(5);
  std::vector<std::string> ignored;
  auto next = KeepStartOnlySettings(loaded_, reloaded, &ignored);
  EXPECT_TRUE(next->sts.enabled);
  EXPECT_EQ(next->sts.listen[0].ToString(), "127.0.0.1:8170");
  EXPECT_EQ(config::AuditLogPath(*next), config::AuditLogPath(loaded_));
  EXPECT_EQ(next->sts.max_clock_skew, loaded_.sts.max_clock_skew);
  EXPECT_THAT(ignored, ElementsAre(HasSubstr("sts.listen (127.0.0.1:8170 -> 127.0.0.1:9170)"),
                                   HasSubstr("sts.audit_log"), HasSubstr("sts.max_clock_skew")));
}

TEST_F(DaemonTest, ReloadCannotSwitchTheStsEndpointOnOrOff) {
  config::Config reloaded = loaded_;
  reloaded.sts.enabled = true;
  std::vector<std::string> ignored;
  auto next = KeepStartOnlySettings(loaded_, reloaded, &ignored);
  EXPECT_FALSE(next->sts.enabled);
  EXPECT_THAT(ignored, ElementsAre(HasSubstr("sts.enabled (false -> true)")));
}

TEST_F(DaemonTest, UnchangedReloadIgnoresNothing) {
  std::vector<std::string> ignored;
  KeepStartOnlySettings(loaded_, loaded_, &ignored);
  EXPECT_THAT(ignored, IsEmpty());
}

TEST_F(DaemonTest, ReadyFileListsEndpointsOneALine) {
  EXPECT_EQ(ReadyFileContents({Endpoint("127.0.0.1:34567"), Endpoint("[::1]:45678")}),
            "127.0.0.1:34567\n[::1]:45678\n");
  EXPECT_EQ(ReadyFileContents({}), "");
}

TEST_F(DaemonTest, VersionAndHelpExitZero) {
  options_.command = Command::kVersion;
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(app::Run(options_), 0);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), std::string("imdsd ") + IMDSD_VERSION + "\n");
  options_.command = Command::kHelp;
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(app::Run(options_), 0);
  EXPECT_THAT(::testing::internal::GetCapturedStdout(), HasSubstr("Usage:"));
}

TEST_F(DaemonTest, CheckConfigPrintsFileLineErrorsAndFails) {
  options_.command = Command::kCheckConfig;
  options_.config_file = "/nonexistent/imdsd.yaml";
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(app::Run(options_), 1);
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("/nonexistent/imdsd.yaml"));
}

}  // namespace
}  // namespace imdsd::app
