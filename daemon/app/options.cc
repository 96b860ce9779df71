#include "app/options.h"

#include <array>

namespace imdsd::app {
namespace {

constexpr std::array<std::string_view, 7> kLogLevels = {"trace", "debug",    "info", "warn",
                                                        "error", "critical", "off"};

std::string Quote(std::string_view text) { return "'" + std::string(text) + "'"; }

bool IsLogLevel(std::string_view level) {
  for (std::string_view known : kLogLevels) {
    if (level == known) return true;
  }
  return false;
}

// Reads the options one by one; the first error stops it.
class Parser {
 public:
  explicit Parser(std::span<const std::string_view> args) : args_(args) {}

  Result<Options> Parse() {
    bool help = false;
    bool version = false;
    std::optional<std::filesystem::path> config_file;
    std::optional<std::filesystem::path> check_file;
    while (next_ < args_.size()) {
      const std::string_view arg = args_[next_++];
      const std::size_t equals = arg.find('=');
      const std::string_view name = arg.substr(0, equals);
      inline_value_ = equals == std::string_view::npos
                          ? std::nullopt
                          : std::optional<std::string_view>(arg.substr(equals + 1));
      if (name == "--help" || name == "-h") {
        IMDSD_RETURN_IF_ERROR(NoValue(name));
        help = true;
      } else if (name == "--version") {
        IMDSD_RETURN_IF_ERROR(NoValue(name));
        version = true;
      } else if (name == "--config") {
        IMDSD_RETURN_IF_ERROR(SetOnce(name, config_file));
      } else if (name == "--check-config") {
        IMDSD_RETURN_IF_ERROR(SetOnce(name, check_file));
      } else if (name == "--state-dir") {
        IMDSD_RETURN_IF_ERROR(SetOnce(name, options_.state_dir));
      } else if (name == "--ready-file") {
        IMDSD_RETURN_IF_ERROR(SetOnce(name, options_.ready_file));
      } else if (name == "--log-level") {
        IMDSD_ASSIGN_OR_RETURN(std::string_view level, Value(name));
        if (options_.log_level) return InvalidArgument("--log-level given twice");
        if (!IsLogLevel(level)) {
          return InvalidArgument("--log-level: " + Quote(level) +
                                 " is not one of trace, debug, info, warn, error, critical, off");
        }
        options_.log_level = std::string(level);
      } else if (name == "--listen") {
        IMDSD_RETURN_IF_ERROR(AddEndpoint(name, options_.listen));
      } else if (name == "--sts-listen") {
        IMDSD_RETURN_IF_ERROR(AddEndpoint(name, options_.sts_listen));
      } else if (name.starts_with("-")) {
        return InvalidArgument("unknown option " + Quote(name));
      } else {
        return InvalidArgument("unexpected argument " + Quote(arg));
      }
    }
    if (help) {
      options_.command = Command::kHelp;
    } else if (version) {
      options_.command = Command::kVersion;
    } else if (check_file) {
      if (config_file) return InvalidArgument("--config and --check-config exclude each other");
      options_.command = Command::kCheckConfig;
      options_.config_file = *check_file;
    } else if (config_file) {
      options_.command = Command::kRun;
      options_.config_file = *config_file;
    } else {
      return InvalidArgument("--config FILE is required");
    }
    return options_;
  }

 private:
  Status NoValue(std::string_view name) const {
    if (inline_value_) return InvalidArgument("option " + Quote(name) + " takes no value");
    return Status::Ok();
  }

  Result<std::string_view> Value(std::string_view name) {
    if (inline_value_) {
      if (inline_value_->empty())
        return InvalidArgument("option " + Quote(name) + " needs a value");
      return *inline_value_;
    }
    // "--config --listen x" is a forgotten value, not a file called "--listen".
    if (next_ >= args_.size() || args_[next_].starts_with("--")) {
      return InvalidArgument("option " + Quote(name) + " needs a value");
    }
    return args_[next_++];
  }

  Status AddEndpoint(std::string_view name, std::vector<net::Endpoint>& target) {
    IMDSD_ASSIGN_OR_RETURN(std::string_view text, Value(name));
    auto endpoint = net::Endpoint::Parse(text);
    if (!endpoint) {
      return InvalidArgument(std::string(name) + ": " + Quote(text) +
                             " is not ADDRESS:PORT (IPv6 addresses in brackets)");
    }
    target.push_back(*endpoint);
    return Status::Ok();
  }

  Status SetOnce(std::string_view name, std::optional<std::filesystem::path>& target) {
    IMDSD_ASSIGN_OR_RETURN(std::string_view value, Value(name));
    if (target) return InvalidArgument(std::string(name) + " given twice");
    target = std::filesystem::path(value);
    return Status::Ok();
  }

  const std::span<const std::string_view> args_;
  std::size_t next_ = 0;
  std::optional<std::string_view> inline_value_;
  Options options_;
};

}  // namespace

Result<Options> ParseOptions(std::span<const std::string_view> args) {
  return Parser(args).Parse();
}

Result<Options> ParseOptions(int argc, const char* const* argv) {
  std::vector<std::string_view> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return ParseOptions(args);
}

std::string UsageText() {
  return "Usage:\n"
         "  imdsd --config FILE [--listen ADDR:PORT]... [--sts-listen ADDR:PORT]...\n"
         "        [--state-dir DIR] [--log-level LEVEL] [--ready-file FILE]\n"
         "  imdsd --check-config FILE\n"
         "  imdsd --version | --help\n"
         "\n"
         "Serves the EC2 instance metadata service (IMDSv1/IMDSv2) described by FILE and, when "
         "FILE\n"
         "declares identities or an sts section, an STS Query API endpoint for labs.\n"
         "\n"
         "  --config FILE        YAML configuration to serve\n"
         "  --listen ADDR:PORT   listen here instead of server.listen; repeatable; IPv6 in\n"
         "                       brackets ([::1]:8169); port 0 lets the OS choose\n"
         "  --sts-listen ADDR:PORT  the STS endpoint listens here instead of sts.listen (and is\n"
         "                       on even if the file leaves it off); repeatable\n"
         "  --state-dir DIR      replaces state_dir (token key, identity signing key)\n"
         "  --log-level LEVEL    trace, debug, info, warn, error, critical or off\n"
         "  --ready-file FILE    once serving, write the bound ADDR:PORTs there, one a line\n"
         "  --check-config FILE  validate FILE, print every error as FILE:LINE: reason\n"
         "  --version            print the version\n"
         "  --help               print this help\n"
         "\n"
         "Signals: SIGHUP reloads FILE (listeners and state_dir are kept), SIGTERM/SIGINT stop.\n";
}

}  // namespace imdsd::app
