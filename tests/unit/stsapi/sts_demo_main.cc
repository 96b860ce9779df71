// stsapi_demo: a test-only STS listener for trying real clients against the protocol layer
// before the daemon wires it up. Every signature is accepted (the caller is always the fake
// user alice) and every action answers with canned values from tests/fakes/fake_sts.h.
//
//   stsapi_demo [PORT]   then   aws sts get-caller-identity --endpoint-url http://127.0.0.1:PORT
//
// Prints the bound address, serves until stdin is closed, then prints the audit ring.

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "crypto/random.h"
#include "fakes/fake_sts.h"
#include "http/server.h"
#include "http/sts_routes.h"

int main(int argc, char** argv) {
  using namespace imdsd;
  SystemClock clock;
  crypto::OpenSslRandom random;
  testing::FakeAuthenticator authenticator;
  testing::FakeStsActions actions;
  actions.assume_role_response.credentials = {
      "ASIARZPUZDIKFLPK3PXP", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLE",
      clock.Now() + std::chrono::hours(1)};
  actions.assume_role_response.assumed_role_user = {
      "AROA3XFRBF535PLBIFPI4:demo", "arn:aws:sts::123456789012:assumed-role/demo/demo"};
  stsapi::AuditRing ring(100);
  stsapi::StsFrontend frontend({}, clock, random, authenticator, actions, &ring);
  http::StsRoutes routes(frontend, &ring);

  config::ServerOptions options;
  options.threads = 1;
  net::Endpoint endpoint{*net::IpAddress::Parse("127.0.0.1"),
                         static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 0)};
  auto server = http::Server::Start(options, {endpoint}, http::MakeStsHandler(routes));
  if (!server.ok()) {
    std::cerr << server.status().ToString() << "\n";
    return 1;
  }
  std::cout << "listening on 127.0.0.1:" << (*server)->BoundEndpoints()[0].port << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  (*server)->Stop();
  std::cout << ring.ToJsonArray();
  return 0;
}
