#include "app/sts_endpoint.h"

#include <utility>

#include <spdlog/spdlog.h>

#include "http/server.h"
#include "http/sts_routes.h"
#include "stsapi/audit.h"
#include "stsapi/frontend.h"
#include "stsservice/authenticator.h"
#include "stsservice/lab_actions.h"

namespace imdsd::app {

// Declared in the order they are built; destroyed bottom-up, so the server stops before anything
// its handler uses goes away, and the audit file is written out last.
struct StsEndpoint::Parts {
  std::unique_ptr<stsapi::AuditFile> audit_file;
  stsapi::AuditRing audit_ring{kAuditRingCapacity};
  std::unique_ptr<stsapi::AuditFanout> audit;
  std::unique_ptr<stsservice::SigV4Authenticator> authenticator;
  std::unique_ptr<stsservice::LabActions> actions;
  std::unique_ptr<stsapi::StsFrontend> frontend;
  std::unique_ptr<http::StsRoutes> routes;
  std::unique_ptr<http::Server> server;
};

Result<std::unique_ptr<StsEndpoint>> StsEndpoint::Start(
    std::shared_ptr<const config::Config> config, Borrowed borrowed) {
  IMDSD_ASSIGN_OR_RETURN(std::shared_ptr<const stsservice::Directory> directory,
                         stsservice::Directory::Build(config));
  auto parts = std::make_unique<Parts>();
  const auto audit_path = config::AuditLogPath(*config);
  IMDSD_ASSIGN_OR_RETURN(parts->audit_file, stsapi::AuditFile::Open(audit_path));
  parts->audit = std::make_unique<stsapi::AuditFanout>(
      std::vector<stsapi::AuditSink*>{parts->audit_file.get(), &parts->audit_ring});
  parts->authenticator = std::make_unique<stsservice::SigV4Authenticator>(
      borrowed.clock, borrowed.session_codec, directory, stsservice::VerifierOptionsFor(*config));
  parts->actions = std::make_unique<stsservice::LabActions>(borrowed.clock, borrowed.random,
                                                            borrowed.session_codec, directory);
  parts->frontend = std::make_unique<stsapi::StsFrontend>(
      stsapi::StsFrontendOptions{.region = config->sts.region}, borrowed.clock, borrowed.random,
      *parts->authenticator, *parts->actions, parts->audit.get());
  parts->routes = std::make_unique<http::StsRoutes>(*parts->frontend, &parts->audit_ring);
  IMDSD_ASSIGN_OR_RETURN(parts->server, http::Server::Start(config->server, config->sts.listen,
                                                            http::MakeStsHandler(*parts->routes)));
  spdlog::info("STS endpoint: audit log {}", audit_path.string());
  return std::make_unique<StsEndpoint>(PassKey(), std::move(parts));
}

StsEndpoint::StsEndpoint(PassKey, std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

StsEndpoint::~StsEndpoint() { Stop(); }

const std::vector<net::Endpoint>& StsEndpoint::BoundEndpoints() const {
  return parts_->server->BoundEndpoints();
}

Result<std::shared_ptr<const stsservice::Directory>> StsEndpoint::PrepareReload(
    std::shared_ptr<const config::Config> next) const {
  return stsservice::Directory::Build(std::move(next));
}

void StsEndpoint::CommitReload(std::shared_ptr<const stsservice::Directory> directory) {
  parts_->authenticator->SetDirectory(directory);
  parts_->actions->SetDirectory(std::move(directory));
}

void StsEndpoint::Stop() {
  parts_->server->Stop();
  // Records of the last requests must reach the file before the process exits.
  parts_->audit_file->Flush();
}

}  // namespace imdsd::app
