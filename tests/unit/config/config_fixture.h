#pragma once
// ConfigTest: the config component's fixture. Each test gets a fresh temporary directory that
// holds the config file (so relative paths resolve into it) and any files the test writes.

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdlib.h>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.h"

namespace imdsd::config {

namespace fs = std::filesystem;

// A config that loads cleanly; tests append to it or write their own.
constexpr char kMinimal[] = R"(instances:
  - name: a
    match: 127.0.0.1
)";

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "imdsd-config-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path ConfigPath() const { return dir_ / "imdsd.yaml"; }

  LoadOutcome Load(const std::string& text) { return LoadConfigText(text, ConfigPath()); }

  // Loads a config that must be valid.
  std::shared_ptr<const Config> LoadOk(const std::string& text) {
    LoadOutcome outcome = Load(text);
    for (const auto& e : outcome.errors) ADD_FAILURE() << e.ToString();
    return outcome.config;
  }

  const Instance& OnlyInstance(const std::shared_ptr<const Config>& config) {
    EXPECT_EQ(config->instances.size(), 1u);
    return config->instances.at(0);
  }

  void WriteFile(const std::string& name, const std::string& bytes) {
    std::ofstream out(dir_ / name, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

  // Writes a file with exactly `mode` (the umask does not apply), e.g. a 0600 secret file.
  void WriteFileWithMode(const std::string& name, const std::string& bytes, fs::perms mode) {
    WriteFile(name, bytes);
    fs::permissions(dir_ / name, mode, fs::perm_options::replace);
  }

  fs::path dir_;
};

inline std::vector<std::pair<int, std::string>> LinesAndReasons(const LoadOutcome& outcome) {
  std::vector<std::pair<int, std::string>> out;
  for (const auto& e : outcome.errors) out.emplace_back(e.line, e.reason);
  return out;
}

inline std::vector<std::pair<int, std::string>> WarningLines(const LoadOutcome& outcome) {
  std::vector<std::pair<int, std::string>> out;
  for (const auto& w : outcome.warnings) out.emplace_back(w.line, w.reason);
  return out;
}

// A config with exactly one mistake, and the one error it must give.
struct ErrorCase {
  const char* what;
  std::string yaml;
  int line;
  std::string reason;  // a part of the expected reason
};

MATCHER_P2(ErrorAt, line, text, "error at line " + std::to_string(line) + " mentioning " + text) {
  return arg.first == line && arg.second.find(text) != std::string::npos;
}

}  // namespace imdsd::config
