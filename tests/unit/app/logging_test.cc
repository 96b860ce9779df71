#include "app/logging.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "testing/status_matchers.h"

namespace imdsd::app {
namespace {

using ::imdsd::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

http::AccessEntry Entry(std::string_view path) {
  return http::AccessEntry{"web-1", *net::IpAddress::Parse("fd00::5"), "GET", path, 404, 57};
}

// Each test gets its own log file; Logging replaces spdlog's default logger while it lives.
class LoggingTest : public ::testing::Test {
 protected:
  LoggingTest() {
    log_file_ =
        std::filesystem::path(::testing::TempDir()) /
        ("imdsd_logging_test_" +
         std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".log");
    std::filesystem::remove_all(log_file_);
  }
  ~LoggingTest() override { std::filesystem::remove_all(log_file_); }

  std::vector<std::string> LogLines() const {
    std::ifstream in(log_file_);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  config::LoggingOptions Options(config::LogFormat format, bool access_log) const {
    config::LoggingOptions options;
    options.level = "info";
    options.format = format;
    options.access_log = access_log;
    options.file = log_file_.string();
    return options;
  }

  std::filesystem::path log_file_;
};

TEST_F(LoggingTest, JsonLineHasTimeLevelAndMessage) {
  EXPECT_EQ(JsonLogLine("2026-01-01T00:00:00.000Z", "info", "started"),
            "{\"time\":\"2026-01-01T00:00:00.000Z\",\"level\":\"info\",\"msg\":\"started\"}\n");
}

TEST_F(LoggingTest, JsonLineEscapesEverythingJsonRequires) {
  const std::string line = JsonLogLine("t", "warning", "a \"quote\" \\ back\nnew\tline \x01");
  EXPECT_THAT(line, HasSubstr(R"("msg":"a \"quote\" \\ back\nnew\tline \u0001")"));
  // Exactly one line, so log shippers see one record.
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

TEST_F(LoggingTest, JsonLineReplacesInvalidUtf8) {
  const std::string line = JsonLogLine("t", "info", "caf\xc3\xa9 \xff");
  const auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["msg"], "caf\xc3\xa9 \xef\xbf\xbd");
}

TEST_F(LoggingTest, JsonLineAppendsMembers) {
  const auto parsed =
      nlohmann::json::parse(JsonLogLine("t", "info", "access", "\"status\":200,\"x\":\"y\""));
  EXPECT_EQ(parsed["msg"], "access");
  EXPECT_EQ(parsed["status"], 200);
  EXPECT_EQ(parsed["x"], "y");
}

TEST_F(LoggingTest, TextAccessPayloadEscapesThePath) {
  EXPECT_EQ(AccessPayload(Entry("/a\"b\nc"), config::LogFormat::kText),
            "access tenant=web-1 source=fd00::5 method=GET path=\"/a\\x22b\\x0ac\" status=404 "
            "duration_us=57");
}

TEST_F(LoggingTest, TextAccessPayloadMarksAMissingTenant) {
  http::AccessEntry entry = Entry("/");
  entry.tenant = "";
  EXPECT_THAT(AccessPayload(entry, config::LogFormat::kText), HasSubstr("tenant=- "));
}

TEST_F(LoggingTest, JsonAccessPayloadIsValidMembers) {
  const auto parsed = nlohmann::json::parse(JsonLogLine(
      "t", "info", "access", AccessPayload(Entry("/a\"b\nc"), config::LogFormat::kJson)));
  EXPECT_EQ(parsed["tenant"], "web-1");
  EXPECT_EQ(parsed["source"], "fd00::5");
  EXPECT_EQ(parsed["method"], "GET");
  EXPECT_EQ(parsed["path"], "/a\"b\nc");
  EXPECT_EQ(parsed["status"], 404);
  EXPECT_EQ(parsed["duration_us"], 57);
}

TEST_F(LoggingTest, LogTimeIsUtcWithMilliseconds) {
  const auto time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1767225600007));
  EXPECT_EQ(FormatLogTime(time), "2026-01-01T00:00:00.007Z");
}

TEST_F(LoggingTest, UnknownLevelIsRefused) {
  config::LoggingOptions options = Options(config::LogFormat::kText, false);
  options.level = "loud";
  EXPECT_THAT(Logging::Start(options), StatusIs(ErrorCode::kInvalidArgument));
}

TEST_F(LoggingTest, UnwritableFileIsAnIoError) {
  config::LoggingOptions options = Options(config::LogFormat::kText, false);
  std::ofstream(log_file_) << "a regular file, so no directory can be created under it";
  options.file = (log_file_ / "x.log").string();
  EXPECT_THAT(Logging::Start(options), StatusIs(ErrorCode::kIoError));
}

TEST_F(LoggingTest, JsonFileGetsOneObjectPerLineFromBothLoggers) {
  {
    auto logging = Logging::Start(Options(config::LogFormat::kJson, true));
    ASSERT_OK(logging);
    spdlog::info("hello \"world\"");
    spdlog::debug("below the level");
    (*logging)->access_log()->Record(Entry("/latest/meta-data/"));
  }  // destruction drains the access log's queue
  const auto lines = LogLines();
  ASSERT_EQ(lines.size(), 2u);
  const auto main = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(main["level"], "info");
  EXPECT_EQ(main["msg"], "hello \"world\"");
  EXPECT_EQ(std::string(main["time"]).size(), 24u);
  const auto access = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(access["msg"], "access");
  EXPECT_EQ(access["path"], "/latest/meta-data/");
  EXPECT_EQ(access["status"], 404);
}

TEST_F(LoggingTest, TextFileAndAccessLogSwitchedByApply) {
  {
    auto logging = Logging::Start(Options(config::LogFormat::kText, false));
    ASSERT_OK(logging);
    (*logging)->access_log()->Record(Entry("/dropped"));
    EXPECT_TRUE((*logging)->Apply(Options(config::LogFormat::kText, true)).empty());
    (*logging)->access_log()->Record(Entry("/kept"));
    config::LoggingOptions warn_only = Options(config::LogFormat::kText, true);
    warn_only.level = "warn";
    EXPECT_TRUE((*logging)->Apply(warn_only).empty());
    spdlog::info("hidden by the new level");
  }
  const auto lines = LogLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("[info] access tenant=web-1"));
  EXPECT_THAT(lines[0], HasSubstr("path=\"/kept\""));
}

TEST_F(LoggingTest, AccessLogQueueIsCreatedWhenFirstTurnedOn) {
  auto logging = Logging::Start(Options(config::LogFormat::kText, false));
  ASSERT_OK(logging);
  EXPECT_FALSE((*logging)->access_log_started());
  (*logging)->Apply(Options(config::LogFormat::kText, false));
  EXPECT_FALSE((*logging)->access_log_started());
  (*logging)->Apply(Options(config::LogFormat::kText, true));
  EXPECT_TRUE((*logging)->access_log_started());
  (*logging)->Apply(Options(config::LogFormat::kText, false));
  EXPECT_TRUE((*logging)->access_log_started());  // kept, so turning it on again is cheap

  auto on_from_start = Logging::Start(Options(config::LogFormat::kText, true));
  ASSERT_OK(on_from_start);
  EXPECT_TRUE((*on_from_start)->access_log_started());
}

TEST_F(LoggingTest, ApplyReportsWhatNeedsARestart) {
  auto logging = Logging::Start(Options(config::LogFormat::kText, false));
  ASSERT_OK(logging);
  config::LoggingOptions changed = Options(config::LogFormat::kJson, false);
  changed.file = "";
  EXPECT_THAT((*logging)->Apply(changed),
              ::testing::UnorderedElementsAre("logging.file", "logging.format"));
}

}  // namespace
}  // namespace imdsd::app
