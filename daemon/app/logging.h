#pragma once
// Logging: the daemon's spdlog setup, built from config::LoggingOptions.
//
// Start() installs the main logger as spdlog's default (stderr, or `file`; format text or JSON).
// The access log is an asynchronous spdlog logger with its own thread and a bounded queue that
// overwrites its oldest entry when full, so the request path never waits on the disk. The queue
// is allocated up front (about 3 MB), so the logger and its thread are created only when the
// access log is first turned on (by Start() or Apply()) and kept from then on. Both loggers write
// through the same sinks so their lines never interleave mid-line.
//
// Logging owns the loggers and the access log's thread; destroying it flushes everything and puts
// back a plain stderr default logger. access_log() is thread-safe; Start/Apply/destruction are
// called from the main thread only.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "http/access_log.h"

namespace spdlog {
class logger;
class async_logger;
namespace details {
class thread_pool;
}
}  // namespace spdlog

namespace imdsd::app {

// The access log, on top of the asynchronous logger. Record() never blocks on I/O. Records
// nothing until it has a logger and is enabled.
class AccessLogger final : public http::AccessLog {
 public:
  explicit AccessLogger(config::LogFormat format);
  void Record(const http::AccessEntry& entry) override;
  // Sets the logger once, before the first set_enabled(true); later calls change nothing.
  void Attach(std::shared_ptr<spdlog::async_logger> logger);
  bool attached() const { return logger_ != nullptr; }
  // Ignored while no logger is attached.
  void set_enabled(bool enabled) { enabled_.store(enabled && logger_ != nullptr); }

 private:
  // Written once by Attach() before enabled_ is first set (seq_cst store), read by Record() only
  // after it saw enabled_ set, so readers never race with the write.
  std::shared_ptr<spdlog::async_logger> logger_;
  const config::LogFormat format_;
  std::atomic<bool> enabled_{false};
};

class Logging {
 public:
  // kInvalidArgument for an unknown level; kIoError when the log file cannot be opened.
  static Result<std::unique_ptr<Logging>> Start(const config::LoggingOptions& options);
  ~Logging();
  Logging(const Logging&) = delete;
  Logging& operator=(const Logging&) = delete;

  // Applies `options` of a reloaded configuration: level and access_log take effect; a changed
  // file or format needs a restart and is reported in the returned list (empty when all applied).
  std::vector<std::string> Apply(const config::LoggingOptions& options);

  // Never null; it drops entries while access_log is off.
  http::AccessLog* access_log() { return access_log_.get(); }
  // Whether the access log's queue and thread exist: not before access_log was first on.
  bool access_log_started() const { return access_log_->attached(); }

 private:
  // Lets Start() use make_unique while nobody else can construct.
  struct PassKey {
    explicit PassKey() = default;
  };

 public:
  explicit Logging(PassKey /*key*/) {}

 private:
  // Creates the access logger and its thread on first use, then enables or disables it.
  void SetAccessLog(bool enabled);

  config::LoggingOptions options_;
  std::shared_ptr<spdlog::logger> main_;
  std::shared_ptr<spdlog::details::thread_pool> pool_;  // the access logger's thread
  std::unique_ptr<AccessLogger> access_log_;
};

// Exposed for tests:

// One JSON log line, with the final "\n":
// {"time":"2026-01-01T00:00:00.000Z","level":"info","msg":"..."}. `members`, when not empty, is
// a list of further JSON members ("\"status\":200,...") placed after "msg". Strings are escaped
// as JSON requires; invalid UTF-8 becomes U+FFFD.
std::string JsonLogLine(std::string_view time, std::string_view level, std::string_view message,
                        std::string_view members = {});
// What an access logger line carries after the time and level: "access tenant=... source=...
// method=... path=\"...\" status=200 duration_us=57" in text format, or the JSON members
// "\"tenant\":...,\"duration_us\":57" in JSON format (the line's msg is then "access").
std::string AccessPayload(const http::AccessEntry& entry, config::LogFormat format);
// "2026-01-01T00:00:00.123Z" (UTC, milliseconds).
std::string FormatLogTime(std::chrono::system_clock::time_point time);

}  // namespace imdsd::app
