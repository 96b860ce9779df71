#include "app/options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace imdsd::app {
namespace {

using ::imdsd::testing::StatusIs;
using ::testing::HasSubstr;

Result<Options> Parse(std::vector<std::string_view> args) { return ParseOptions(args); }

TEST(OptionsTest, ConfigAloneRuns) {
  auto options = Parse({"--config", "/etc/imdsd/imdsd.yaml"});
  ASSERT_OK(options);
  EXPECT_EQ(options->command, Command::kRun);
  EXPECT_EQ(options->config_file, "/etc/imdsd/imdsd.yaml");
  EXPECT_TRUE(options->listen.empty());
  EXPECT_EQ(options->state_dir, std::nullopt);
  EXPECT_EQ(options->log_level, std::nullopt);
  EXPECT_EQ(options->ready_file, std::nullopt);
}

TEST(OptionsTest, EveryRunFlag) {
  auto options = Parse({"--config", "c.yaml", "--listen", "127.0.0.1:0", "--state-dir", "/tmp/s",
                        "--log-level", "debug", "--ready-file", "/tmp/ready"});
  ASSERT_OK(options);
  ASSERT_EQ(options->listen.size(), 1u);
  EXPECT_EQ(options->listen[0].ToString(), "127.0.0.1:0");
  EXPECT_EQ(options->state_dir, "/tmp/s");
  EXPECT_EQ(options->log_level, "debug");
  EXPECT_EQ(options->ready_file, "/tmp/ready");
}

TEST(OptionsTest, ListenRepeatsInOrder) {
  auto options = Parse({"--listen", "169.254.169.254:80", "--config", "c.yaml", "--listen",
                        "[fd00:ec2::254]:80", "--listen=127.0.0.1:8169"});
  ASSERT_OK(options);
  ASSERT_EQ(options->listen.size(), 3u);
  EXPECT_EQ(options->listen[0].ToString(), "169.254.169.254:80");
  EXPECT_EQ(options->listen[1].ToString(), "[fd00:ec2::254]:80");
  EXPECT_EQ(options->listen[2].ToString(), "127.0.0.1:8169");
}

TEST(OptionsTest, ValuesMayFollowAnEqualsSign) {
  auto options = Parse({"--config=c.yaml", "--log-level=warn"});
  ASSERT_OK(options);
  EXPECT_EQ(options->config_file, "c.yaml");
  EXPECT_EQ(options->log_level, "warn");
}

TEST(OptionsTest, CheckConfig) {
  auto options = Parse({"--check-config", "c.yaml"});
  ASSERT_OK(options);
  EXPECT_EQ(options->command, Command::kCheckConfig);
  EXPECT_EQ(options->config_file, "c.yaml");
}

TEST(OptionsTest, VersionAndHelpNeedNothingElse) {
  auto version = Parse({"--version"});
  ASSERT_OK(version);
  EXPECT_EQ(version->command, Command::kVersion);
  auto help = Parse({"-h"});
  ASSERT_OK(help);
  EXPECT_EQ(help->command, Command::kHelp);
  auto both = Parse({"--config", "c.yaml", "--version", "--help"});
  ASSERT_OK(both);
  EXPECT_EQ(both->command, Command::kHelp);
}

TEST(OptionsTest, Errors) {
  struct Case {
    std::vector<std::string_view> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{}, "--config FILE is required"},
      {{"--listen", "127.0.0.1:1"}, "--config FILE is required"},
      {{"--config", "c", "--bogus"}, "unknown option '--bogus'"},
      {{"--config", "c", "extra"}, "unexpected argument 'extra'"},
      {{"--config"}, "option '--config' needs a value"},
      {{"--config", "--listen", "127.0.0.1:1"}, "option '--config' needs a value"},
      {{"--config="}, "option '--config' needs a value"},
      {{"--config", "a", "--config", "b"}, "--config given twice"},
      {{"--config", "c", "--listen", "localhost:80"}, "--listen: 'localhost:80' is not"},
      {{"--config", "c", "--listen", "::1:80"}, "--listen: '::1:80' is not"},
      {{"--config", "c", "--log-level", "verbose"}, "--log-level: 'verbose' is not one of"},
      {{"--config", "c", "--check-config", "c"}, "--config and --check-config exclude"},
      {{"--version=1"}, "option '--version' takes no value"},
      {{"--help", "--bogus"}, "unknown option '--bogus'"},
  };
  for (const Case& c : cases) {
    auto options = Parse(c.args);
    EXPECT_THAT(options, StatusIs(ErrorCode::kInvalidArgument)) << c.message;
    EXPECT_THAT(options.status().message(), HasSubstr(c.message));
  }
}

TEST(OptionsTest, StsListenIsRepeatableAndSeparateFromListen) {
  auto options = Parse({"--config", "c.yaml", "--sts-listen", "127.0.0.1:0", "--listen",
                        "127.0.0.1:8169", "--sts-listen=[::1]:8170"});
  ASSERT_OK(options);
  ASSERT_EQ(options->sts_listen.size(), 2u);
  EXPECT_EQ(options->sts_listen[0].ToString(), "127.0.0.1:0");
  EXPECT_EQ(options->sts_listen[1].ToString(), "[::1]:8170");
  ASSERT_EQ(options->listen.size(), 1u);
}

TEST(OptionsTest, StsListenNeedsAnEndpoint) {
  auto options = Parse({"--config", "c.yaml", "--sts-listen", "localhost:8170"});
  EXPECT_THAT(options, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(options.status().message(), HasSubstr("--sts-listen: 'localhost:8170' is not"));
}

TEST(OptionsTest, ArgvSkipsTheProgramName) {
  const char* argv[] = {"imdsd", "--check-config", "c.yaml"};
  auto options = ParseOptions(3, argv);
  ASSERT_OK(options);
  EXPECT_EQ(options->command, Command::kCheckConfig);
}

TEST(OptionsTest, UsageMentionsEveryFlag) {
  const std::string usage = UsageText();
  for (const char* flag : {"--config", "--listen", "--sts-listen", "--state-dir", "--log-level",
                           "--ready-file", "--check-config", "--version", "--help"}) {
    EXPECT_THAT(usage, HasSubstr(flag));
  }
}

}  // namespace
}  // namespace imdsd::app
