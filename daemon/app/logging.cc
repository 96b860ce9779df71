#include "app/logging.h"

#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>
#include <spdlog/async_logger.h>
#include <spdlog/details/thread_pool.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace imdsd::app {
namespace {

constexpr std::string_view kAccessLoggerName = "access";
constexpr char kTextPattern[] = "%Y-%m-%dT%H:%M:%S.%e%z [%l] %v";
// Queued access lines; beyond this the oldest are overwritten rather than making requests wait.
constexpr std::size_t kAccessQueueSize = 8192;

std::string JsonString(std::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// JSON lines for both loggers; the access logger's payload is pre-rendered JSON members.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string time = FormatLogTime(msg.time);
    const std::string line =
        logger == kAccessLoggerName
            ? JsonLogLine(time, std::string_view(level.data(), level.size()), "access", payload)
            : JsonLogLine(time, std::string_view(level.data(), level.size()), payload);
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

bool IsKnownLevel(const std::string& name) {
  const auto level = spdlog::level::from_str(name);
  return level != spdlog::level::off || name == "off";
}

Result<spdlog::sink_ptr> MakeSink(const config::LoggingOptions& options) {
  spdlog::sink_ptr sink;
  if (options.file.empty()) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    try {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file, /*truncate=*/false);
    } catch (const spdlog::spdlog_ex& e) {
      return IoError("cannot open log file " + options.file + ": " + e.what());
    }
  }
  if (options.format == config::LogFormat::kJson) {
    sink->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(kTextPattern));
  }
  return sink;
}

}  // namespace

std::string FormatLogTime(std::chrono::system_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  const std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis.count()));
  return buffer;
}

std::string JsonLogLine(std::string_view time, std::string_view level, std::string_view message,
                        std::string_view members) {
  std::string line = "{\"time\":" + JsonString(time) + ",\"level\":" + JsonString(level) +
                     ",\"msg\":" + JsonString(message);
  if (!members.empty()) {
    line += ',';
    line += members;
  }
  line += "}\n";
  return line;
}

std::string AccessPayload(const http::AccessEntry& entry, config::LogFormat format) {
  const std::string source = entry.source.ToString();
  if (format == config::LogFormat::kJson) {
    return "\"tenant\":" + JsonString(entry.tenant) + ",\"source\":" + JsonString(source) +
           ",\"method\":" + JsonString(entry.method) + ",\"path\":" + JsonString(entry.path) +
           ",\"status\":" + std::to_string(entry.status) +
           ",\"duration_us\":" + std::to_string(entry.duration_us);
  }
  return "access tenant=" + (entry.tenant.empty() ? std::string("-") : std::string(entry.tenant)) +
         " source=" + source + " method=" + http::PrintableForLog(entry.method, 16) + " path=\"" +
         http::PrintableForLog(entry.path) + "\" status=" + std::to_string(entry.status) +
         " duration_us=" + std::to_string(entry.duration_us);
}

AccessLogger::AccessLogger(config::LogFormat format) : format_(format) {}

void AccessLogger::Attach(std::shared_ptr<spdlog::async_logger> logger) {
  if (logger_ == nullptr) logger_ = std::move(logger);
}

void AccessLogger::Record(const http::AccessEntry& entry) {
  if (!enabled_.load()) return;
  logger_->log(spdlog::level::info, AccessPayload(entry, format_));
}

Result<std::unique_ptr<Logging>> Logging::Start(const config::LoggingOptions& options) {
  if (!IsKnownLevel(options.level)) {
    return InvalidArgument("unknown log level '" + options.level + "'");
  }
  IMDSD_ASSIGN_OR_RETURN(spdlog::sink_ptr sink, MakeSink(options));
  auto logging = std::make_unique<Logging>(PassKey());
  logging->options_ = options;

  logging->main_ = std::make_shared<spdlog::logger>("imdsd", sink);
  logging->main_->set_level(spdlog::level::from_str(options.level));
  // The main log is low-volume and read live; flushing each line costs little.
  logging->main_->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logging->main_);

  logging->access_log_ = std::make_unique<AccessLogger>(options.format);
  logging->SetAccessLog(options.access_log);
  return logging;
}

void Logging::SetAccessLog(bool enabled) {
  if (enabled && !access_log_->attached()) {
    pool_ = std::make_shared<spdlog::details::thread_pool>(kAccessQueueSize, 1);
    auto access = std::make_shared<spdlog::async_logger>(
        std::string(kAccessLoggerName), main_->sinks().front(), pool_,
        spdlog::async_overflow_policy::overrun_oldest);
    access->set_level(spdlog::level::info);
    access->flush_on(spdlog::level::info);  // on the logger's own thread, off the request path
    access_log_->Attach(std::move(access));
  }
  access_log_->set_enabled(enabled);
}

Logging::~Logging() {
  // The pool's destructor drains the queue, then joins its thread.
  access_log_.reset();
  pool_.reset();
  main_->flush();
  spdlog::set_default_logger(
      std::make_shared<spdlog::logger>("", std::make_shared<spdlog::sinks::stderr_sink_mt>()));
}

std::vector<std::string> Logging::Apply(const config::LoggingOptions& options) {
  std::vector<std::string> not_applied;
  if (IsKnownLevel(options.level)) {
    main_->set_level(spdlog::level::from_str(options.level));
    options_.level = options.level;
  }
  SetAccessLog(options.access_log);
  options_.access_log = options.access_log;
  if (options.file != options_.file) not_applied.emplace_back("logging.file");
  if (options.format != options_.format) not_applied.emplace_back("logging.format");
  return not_applied;
}

}  // namespace imdsd::app
