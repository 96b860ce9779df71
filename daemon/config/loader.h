#pragma once
// Loading and validating the YAML configuration. The only includer of yaml-cpp.
//
// LoadConfigFile() never throws. On success it returns a complete Config with every default
// applied. On failure it returns every problem found (not just the first), each with the file
// and line it refers to, so `imdsd --check-config` can print them all. Secret files, MFA seed
// files and OIDC key files are read, and `secret_env`/`seed_env` variables looked up, during the
// load: a missing one is an error then, not at the first request. Thread-safe apart from reading
// the environment (std::getenv), which must not race with setenv().

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
  // Things that load but deserve a look (inline secrets, trust policies naming accounts the
  // config does not declare, access key ids that encode no account), in file order. Set on
  // success and on failure; the daemon logs them at start and on reload. Never hold a secret.
  std::vector<ConfigError> warnings;

  bool ok() const { return config != nullptr; }
};

LoadOutcome LoadConfigFile(const std::filesystem::path& file);
// Same, from text; `file_name` is used in error messages and to resolve relative paths
// (user_data_file, state_dir) against its directory.
LoadOutcome LoadConfigText(const std::string& text, const std::filesystem::path& file_name);

}  // namespace imdsd::config
