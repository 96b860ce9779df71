#include "app/daemon.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <pthread.h>
#include <signal.h>
#include <system_error>

#include <spdlog/spdlog.h>

#include "app/logging.h"
#include "app/sd_notify.h"
#include "app/sts_endpoint.h"
#include "common/clock.h"
#include "config/loader.h"
#include "crypto/identity_signer.h"
#include "crypto/key_file.h"
#include "crypto/random.h"
#include "http/imds_routes.h"
#include "http/server.h"
#include "iam/instance_credentials.h"
#include "iam/rotation_loop.h"
#include "imds/imds_service.h"
#include "sts/credential_issuer.h"
#include "sts/rotation.h"
#include "sts/session_token.h"
#include "stsservice/directory.h"

namespace imdsd::app {
namespace {

std::string JoinEndpoints(const std::vector<net::Endpoint>& endpoints) {
  std::string out;
  for (const auto& endpoint : endpoints) {
    if (!out.empty()) out += ", ";
    out += endpoint.ToString();
  }
  return out;
}

bool SameServerOptions(const config::ServerOptions& a, const config::ServerOptions& b) {
  return a.threads == b.threads && a.max_connections == b.max_connections &&
         a.max_connections_per_ip == b.max_connections_per_ip &&
         a.max_request_bytes == b.max_request_bytes &&
         a.connection_timeout_seconds == b.connection_timeout_seconds;
}

// The STS listener, like IMDS's, is bound once; its audit file is opened once, and its
// authenticator takes the signing region and skew window at construction.
void KeepStartOnlyStsSettings(const config::Config& running, const config::Config& reloaded,
                              config::Config& next, std::vector<std::string>* ignored) {
  const config::StsOptions& was = running.sts;
  const config::StsOptions& asked = reloaded.sts;
  if (was.enabled != asked.enabled) {
    ignored->push_back(std::string("sts.enabled (") + (was.enabled ? "true" : "false") + " -> " +
                       (asked.enabled ? "true" : "false") + ")");
  } else if (was.enabled) {
    const std::string was_listen = JoinEndpoints(was.listen);
    const std::string asked_listen = JoinEndpoints(asked.listen);
    if (was_listen != asked_listen) {
      ignored->push_back("sts.listen (" + was_listen + " -> " + asked_listen + ")");
    }
    const auto was_audit = config::AuditLogPath(running);
    const auto asked_audit = config::AuditLogPath(reloaded);
    if (was_audit != asked_audit) {
      ignored->push_back("sts.audit_log (" + was_audit.string() + " -> " + asked_audit.string() +
                         ")");
    }
    if (was.max_clock_skew != asked.max_clock_skew) ignored->push_back("sts.max_clock_skew");
    if (was.region != asked.region) {
      ignored->push_back("sts.region (" + was.region + " -> " + asked.region + ")");
    }
  }
  next.sts.enabled = was.enabled;
  next.sts.listen = was.listen;
  next.sts.audit_log = was.audit_log;
  next.sts.max_clock_skew = was.max_clock_skew;
  next.sts.region = was.region;
}

void PrintConfigErrors(const std::vector<config::ConfigError>& errors) {
  for (const auto& error : errors) std::fprintf(stderr, "%s\n", error.ToString().c_str());
}

void LogConfigWarnings(const std::vector<config::ConfigError>& warnings) {
  for (const auto& warning : warnings) spdlog::warn("{}", warning.ToString());
}

// The signals the main thread waits for. Blocked before any thread starts so that every thread
// inherits the mask and only sigwaitinfo() ever sees them.
sigset_t BlockStopAndReloadSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A client that disconnects mid-response must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  return set;
}

// Owns everything the running daemon is made of, in dependency order (members are destroyed
// bottom-up: the server stops before what its handler uses goes away).
class Daemon {
 public:
  Daemon(const Options& options, Logging& logging)
      : options_(options), logging_(logging), notifier_(SystemdNotifier::FromEnvironment()) {}
  ~Daemon() {
    if (server_ != nullptr) server_->Stop();
    if (sts_ != nullptr) sts_->Stop();
  }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // kIoError/kPermissionDenied/kDataCorrupt from the state directory and keys, kInvalidArgument
  // for content the ImdsService or the STS endpoint cannot serve, kIoError when a listener
  // cannot bind, kPermissionDenied/kIoError from the STS audit file.
  Status Start(std::shared_ptr<const config::Config> config);
  // Serves until SIGTERM or SIGINT; returns the exit status.
  int ServeUntilStopped(const sigset_t& signals);

 private:
  // The session-token key, issuer, store and iam/ subtree for `config_`; restores what the
  // state file holds. Errors from the key file (kPermissionDenied, kDataCorrupt, kIoError) and
  // kInvalidArgument for instance profiles that cannot be served.
  Status StartCredentials();
  Status Announce();
  void Reload();
  // `next` replaces the running configuration everywhere, or (on error) nowhere.
  Status ApplyReload(const std::shared_ptr<const config::Config>& next);
  void Stop(int signal);

  const Options& options_;
  Logging& logging_;
  const SystemdNotifier notifier_;
  SystemClock clock_;
  crypto::OpenSslRandom random_;
  std::shared_ptr<const config::Config> config_;  // the running configuration; main thread only
  std::unique_ptr<crypto::IdentitySigner> signer_;
  std::unique_ptr<sts::SessionTokenCodec> session_codec_;
  std::unique_ptr<sts::CredentialIssuer> issuer_;
  std::unique_ptr<sts::CredentialStore> credential_store_;
  std::unique_ptr<iam::InstanceCredentials> instance_credentials_;
  std::unique_ptr<iam::RotationLoop> rotation_;
  std::unique_ptr<imds::ImdsService> service_;
  std::unique_ptr<http::ImdsRoutes> routes_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<StsEndpoint> sts_;  // null unless the configuration enables STS
};

Status Daemon::Start(std::shared_ptr<const config::Config> config) {
  config_ = std::move(config);
  spdlog::info("imdsd {} starting: {} instance(s) from {}", IMDSD_VERSION,
               config_->instances.size(), options_.config_file.string());
  IMDSD_RETURN_IF_ERROR(crypto::EnsureStateDir(config_->state_dir));
  IMDSD_ASSIGN_OR_RETURN(signer_, crypto::IdentitySigner::LoadOrCreate(config_->state_dir, clock_));
  IMDSD_RETURN_IF_ERROR(StartCredentials());
  IMDSD_ASSIGN_OR_RETURN(service_, imds::ImdsService::Create(config_, clock_, random_, *signer_,
                                                             {.iam = instance_credentials_.get()}));
  const imds::ImdsService* service = service_.get();
  routes_ = std::make_unique<http::ImdsRoutes>(
      [service](const imds::ImdsRequest& request) { return service->Handle(request); }, clock_,
      logging_.access_log());
  IMDSD_ASSIGN_OR_RETURN(server_, http::Server::Start(config_->server, config_->server.listen,
                                                      http::MakeImdsHandler(*routes_)));
  if (config_->sts.enabled) {
    // Same clock, random source and session-token key as IMDS's credentials: the endpoint
    // accepts instance-profile credentials, and IMDS-style restarts keep its sessions valid.
    IMDSD_ASSIGN_OR_RETURN(
        sts_, StsEndpoint::Start(
                  config_, {.clock = clock_, .random = random_, .session_codec = *session_codec_}));
  }
  IMDSD_RETURN_IF_ERROR(Announce());
  notifier_.Notify("READY=1");
  return Status::Ok();
}

Status Daemon::StartCredentials() {
  IMDSD_ASSIGN_OR_RETURN(session_codec_,
                         sts::SessionTokenCodec::LoadOrCreate(config_->state_dir, random_));
  issuer_ = std::make_unique<sts::CredentialIssuer>(clock_, random_, *session_codec_);
  credential_store_ = std::make_unique<sts::CredentialStore>(clock_, *issuer_);
  instance_credentials_ = std::make_unique<iam::InstanceCredentials>(clock_, *credential_store_);
  IMDSD_RETURN_IF_ERROR(instance_credentials_->Apply(*config_));
  iam::RotationLoop::Options rotation;
  rotation.state_file = config_->state_dir / sts::CredentialStore::kStateFile;
  rotation_ = std::make_unique<iam::RotationLoop>(clock_, *credential_store_, std::move(rotation));
  rotation_->Restore();
  rotation_->Start();
  return Status::Ok();
}

Status Daemon::Announce() {
  for (const auto& endpoint : server_->BoundEndpoints()) {
    std::printf("imdsd listening on http://%s\n", endpoint.ToString().c_str());
    spdlog::info("listening on http://{}", endpoint.ToString());
  }
  if (sts_ != nullptr) {
    for (const auto& endpoint : sts_->BoundEndpoints()) {
      std::printf("imdsd STS endpoint on http://%s\n", endpoint.ToString().c_str());
      spdlog::info("STS endpoint on http://{}", endpoint.ToString());
    }
  }
  std::fflush(stdout);
  if (options_.ready_file) {
    IMDSD_RETURN_IF_ERROR(crypto::WriteFileAtomically(
        *options_.ready_file, ReadyFileContents(server_->BoundEndpoints()), 0644));
  }
  return Status::Ok();
}

int Daemon::ServeUntilStopped(const sigset_t& signals) {
  for (;;) {
    siginfo_t info{};
    const int signal = sigwaitinfo(&signals, &info);
    if (signal < 0) {
      if (errno == EINTR) continue;
      spdlog::critical("sigwaitinfo: {}", std::generic_category().message(errno));
      Stop(SIGTERM);
      return 1;
    }
    if (signal != SIGHUP) {
      Stop(signal);
      return 0;
    }
    Reload();
  }
}

void Daemon::Reload() {
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
      clock_.MonotonicNow().time_since_epoch());
  notifier_.Notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(now.count()));
  const std::string file = options_.config_file.string();
  spdlog::info("SIGHUP: reloading configuration from {}", file);
  config::LoadOutcome outcome = config::LoadConfigFile(options_.config_file);
  LogConfigWarnings(outcome.warnings);
  if (!outcome.ok()) {
    for (const auto& error : outcome.errors) spdlog::error("{}", error.ToString());
    spdlog::error("keeping the running configuration");
  } else {
    std::vector<std::string> ignored;
    auto next =
        KeepStartOnlySettings(*config_, *ApplyOverrides(*outcome.config, options_), &ignored);
    const Status reloaded = ApplyReload(next);
    if (!reloaded.ok()) {
      spdlog::error("{}: {}", file, reloaded.ToString());
      spdlog::error("keeping the running configuration");
    } else {
      for (const auto& setting : logging_.Apply(next->logging)) ignored.push_back(setting);
      for (const auto& setting : ignored) {
        spdlog::warn("{} changed: not applied until imdsd restarts", setting);
      }
      config_ = std::move(next);
      spdlog::info("reloaded configuration from {}: {} instance(s)", file,
                   config_->instances.size());
    }
  }
  notifier_.Notify("READY=1");
}

Status Daemon::ApplyReload(const std::shared_ptr<const config::Config>& next) {
  // Validate the credentials first and commit them only once the service took the new state, so
  // either half failing leaves both running as they were. Commit() cannot fail.
  IMDSD_ASSIGN_OR_RETURN(iam::CredentialPlan plan, iam::PlanInstanceCredentials(*next));
  std::shared_ptr<const stsservice::Directory> directory;
  if (sts_ != nullptr) {
    IMDSD_ASSIGN_OR_RETURN(directory, sts_->PrepareReload(next));
  }
  IMDSD_RETURN_IF_ERROR(service_->Reload(next));
  instance_credentials_->Commit(std::move(plan));
  if (sts_ != nullptr) sts_->CommitReload(std::move(directory));
  (void)rotation_->Save();  // logged there
  rotation_->Wake();        // new tenants or policies may move the next rotation earlier
  return Status::Ok();
}

void Daemon::Stop(int signal) {
  notifier_.Notify("STOPPING=1");
  const char* name = sigabbrev_np(signal);
  spdlog::info("SIG{}: stopping", name != nullptr ? name : "?");
  if (server_ != nullptr) server_->Stop();
  if (sts_ != nullptr) sts_->Stop();            // also writes out the audit records still queued
  if (rotation_ != nullptr) rotation_->Stop();  // joins, then saves the current credentials
  if (options_.ready_file) {
    std::error_code ignored;
    std::filesystem::remove(*options_.ready_file, ignored);
  }
  spdlog::info("stopped");
}

int CheckConfig(const Options& options) {
  const config::LoadOutcome outcome = config::LoadConfigFile(options.config_file);
  for (const auto& warning : outcome.warnings) {
    std::fprintf(stderr, "warning: %s\n", warning.ToString().c_str());
  }
  if (!outcome.ok()) {
    PrintConfigErrors(outcome.errors);
    return 1;
  }
  // What the loader cannot see: whether the daemon can issue every instance its credentials.
  const Result<iam::CredentialPlan> credentials = iam::PlanInstanceCredentials(*outcome.config);
  if (!credentials.ok()) {
    std::fprintf(stderr, "%s\n", credentials.status().message().c_str());
    return 1;
  }
  // And whether the STS endpoint can index the identities (policies, OIDC keys).
  if (outcome.config->sts.enabled) {
    const auto directory = stsservice::Directory::Build(outcome.config);
    if (!directory.ok()) {
      std::fprintf(stderr, "%s\n", directory.status().message().c_str());
      return 1;
    }
  }
  std::printf("%s: OK\n", options.config_file.c_str());
  return 0;
}

int Serve(const Options& options) {
  const sigset_t signals = BlockStopAndReloadSignals();
  const config::LoadOutcome outcome = config::LoadConfigFile(options.config_file);
  if (!outcome.ok()) {
    PrintConfigErrors(outcome.errors);
    return 1;
  }
  const auto config = ApplyOverrides(*outcome.config, options);
  auto logging = Logging::Start(config->logging);
  if (!logging.ok()) {
    std::fprintf(stderr, "imdsd: %s\n", logging.status().message().c_str());
    return 1;
  }
  LogConfigWarnings(outcome.warnings);
  Daemon daemon(options, **logging);
  const Status started = daemon.Start(config);
  if (!started.ok()) {
    spdlog::critical("cannot start: {}", started.ToString());
    // The log may be a file; whoever started us should see why it failed too.
    if (!config->logging.file.empty()) {
      std::fprintf(stderr, "imdsd: cannot start: %s\n", started.ToString().c_str());
    }
    return 1;
  }
  return daemon.ServeUntilStopped(signals);
}

}  // namespace

int Run(const Options& options) {
  switch (options.command) {
    case Command::kHelp:
      std::fputs(UsageText().c_str(), stdout);
      return 0;
    case Command::kVersion:
      std::printf("imdsd %s\n", IMDSD_VERSION);
      return 0;
    case Command::kCheckConfig:
      return CheckConfig(options);
    case Command::kRun:
      return Serve(options);
  }
  return 2;
}

std::shared_ptr<const config::Config> ApplyOverrides(const config::Config& loaded,
                                                     const Options& options) {
  auto config = std::make_shared<config::Config>(loaded);
  if (!options.listen.empty()) config->server.listen = options.listen;
  if (options.state_dir) config->state_dir = *options.state_dir;
  if (options.log_level) config->logging.level = *options.log_level;
  if (!options.sts_listen.empty()) {
    config->sts.listen = options.sts_listen;
    config->sts.enabled = true;
  }
  return config;
}

std::shared_ptr<const config::Config> KeepStartOnlySettings(const config::Config& running,
                                                            const config::Config& reloaded,
                                                            std::vector<std::string>* ignored) {
  auto config = std::make_shared<config::Config>(reloaded);
  const std::string running_listen = JoinEndpoints(running.server.listen);
  const std::string reloaded_listen = JoinEndpoints(reloaded.server.listen);
  if (running_listen != reloaded_listen) {
    ignored->push_back("server.listen (" + running_listen + " -> " + reloaded_listen + ")");
  }
  if (!SameServerOptions(running.server, reloaded.server)) {
    ignored->push_back("server options (threads, connection limits, timeouts)");
  }
  config->server = running.server;
  KeepStartOnlyStsSettings(running, reloaded, *config, ignored);
  if (running.state_dir != reloaded.state_dir) {
    ignored->push_back("state_dir (" + running.state_dir.string() + " -> " +
                       reloaded.state_dir.string() + ")");
    config->state_dir = running.state_dir;
  }
  return config;
}

std::string ReadyFileContents(const std::vector<net::Endpoint>& endpoints) {
  std::string out;
  for (const auto& endpoint : endpoints) out += endpoint.ToString() + "\n";
  return out;
}

}  // namespace imdsd::app
