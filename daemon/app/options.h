#pragma once
// Options: imdsd's command line as a plain value.
//
//   imdsd --config FILE [--listen ADDR:PORT]... [--sts-listen ADDR:PORT]... [--state-dir DIR]
//         [--log-level LEVEL] [--ready-file FILE]
//   imdsd --check-config FILE | --version | --help
//
// Parsing has no side effects (nothing is opened or printed), so every flag is unit-tested; main.cc
// prints the error and the usage and exits 2. Pure functions, thread-safe.

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/net.h"
#include "common/status.h"

namespace imdsd::app {

enum class Command { kRun, kCheckConfig, kVersion, kHelp };

struct Options {
  Command command = Command::kRun;
  // --config FILE (kRun) or --check-config FILE (kCheckConfig).
  std::filesystem::path config_file;
  // --listen, repeatable: replaces server.listen of the file when not empty.
  std::vector<net::Endpoint> listen;
  // --sts-listen, repeatable: replaces sts.listen when not empty, and turns the STS endpoint on
  // even when the file leaves it off (asking for its address is asking for it).
  std::vector<net::Endpoint> sts_listen;
  std::optional<std::filesystem::path> state_dir;  // replaces state_dir
  std::optional<std::string> log_level;            // replaces logging.level
  // Where to write the bound endpoints (one "ADDR:PORT" per line) once serving.
  std::optional<std::filesystem::path> ready_file;
};

// Parses the arguments after the program name. Values may follow as the next argument or after
// "=" (--listen=127.0.0.1:0). kInvalidArgument, with a one-line reason naming the argument, for
// an unknown option, a missing or malformed value, an option given twice (except --listen), a
// positional argument, --config together with --check-config, or a run without --config.
// --help and --version need nothing else and win over the other options (not over errors).
Result<Options> ParseOptions(std::span<const std::string_view> args);
Result<Options> ParseOptions(int argc, const char* const* argv);

// The --help text.
std::string UsageText();

}  // namespace imdsd::app
