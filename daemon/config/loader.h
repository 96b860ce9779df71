#pragma once
// Loading and validating the YAML configuration. The only includer of yaml-cpp.
//
// LoadConfigFile() never throws. On success it returns a complete Config with every default
// applied. On failure it returns every problem found (not just the first), each with the file
// and line it refers to, so `imdsd --check-config` can print them all. Thread-safe: no shared
// state.

#include <filesystem>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace imdsd::config {

struct ConfigError {
  std::string file;
  int line = 0;  // 1-based; 0 when the error is not about one line (file unreadable)
  std::string reason;

  std::string ToString() const;  // "FILE:LINE: reason"
};

struct LoadOutcome {
  std::shared_ptr<const Config> config;  // null when errors is non-empty
  std::vector<ConfigError> errors;

  bool ok() const { return config != nullptr; }
};

LoadOutcome LoadConfigFile(const std::filesystem::path& file);
// Same, from text; `file_name` is used in error messages and to resolve relative paths
// (user_data_file, state_dir) against its directory.
LoadOutcome LoadConfigText(const std::string& text, const std::filesystem::path& file_name);

}  // namespace imdsd::config
