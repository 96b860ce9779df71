#pragma once
// ImdsFixture: the one fixture of the imds component's tests. Holds the fakes (clock, random,
// signer), a temporary state directory and a two-instance Config built in code:
//   "web": 10.0.1.0/24, IMDSv2 optional, public IP, user data, SSH key, tags enabled.
//   "db":  10.0.2.0/24, IMDSv2 required, private only, no user data, no keys, tags disabled.

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/config.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_random.h"
#include "fakes/fake_signer.h"
#include "imds/dynamic_subtree.h"
#include "imds/imds_service.h"
#include "testing/status_matchers.h"

namespace imdsd::imds {

// A DynamicSubtree that answers like a credentials component would and records what it saw.
class RecordingSubtree final : public DynamicSubtree {
 public:
  LookupResult Lookup(const DynamicRequest& request,
                      std::span<const std::string_view> segments) const override {
    std::scoped_lock lock(mutex_);
    last_instance_ = request.instance.instance_id;
    last_token_verified_ = request.token_verified;
    last_segments_.assign(segments.begin(), segments.end());
    if (segments.empty()) return {LookupResult::Kind::kListing, "info\nsecurity-credentials/"};
    if (segments.size() == 1 && segments[0] == "info") {
      return {LookupResult::Kind::kValue, "info of " + request.instance.instance_profile};
    }
    return {};
  }

  std::vector<std::string> last_segments() const {
    std::scoped_lock lock(mutex_);
    return last_segments_;
  }
  std::string last_instance() const {
    std::scoped_lock lock(mutex_);
    return last_instance_;
  }
  bool last_token_verified() const {
    std::scoped_lock lock(mutex_);
    return last_token_verified_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::vector<std::string> last_segments_;  // guarded by mutex_
  mutable std::string last_instance_;               // guarded by mutex_
  mutable bool last_token_verified_ = false;        // guarded by mutex_
};

class ImdsFixture : public ::testing::Test {
 protected:
  ImdsFixture() {
    std::string pattern = (std::filesystem::temp_directory_path() / "imds_test.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    temp_dir_ = pattern;
    config_.state_dir = temp_dir_ / "state";
    config_.instances = {WebInstance(), DbInstance()};
  }
  ~ImdsFixture() override {
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir_, ignored);
  }

  static net::Cidr Cidr(std::string_view text) { return *net::Cidr::Parse(text); }
  static net::IpAddress Ip(std::string_view text) { return *net::IpAddress::Parse(text); }

  static config::Instance WebInstance() {
    config::Instance i;
    i.name = "web";
    i.match = {Cidr("10.0.1.0/24")};
    i.instance_id = "i-0123456789abcdef0";
    i.account_id = "123456789012";
    i.ami_id = "ami-0abcdef1234567890";
    i.instance_type = "t3.micro";
    i.architecture = "x86_64";
    i.reservation_id = "r-0123456789abcdef0";
    i.pending_time = "2025-12-31T23:00:00Z";
    i.region = "us-east-1";
    i.availability_zone = "us-east-1a";
    i.availability_zone_id = "use1-az4";
    i.mac = "0e:12:34:56:78:9a";
    i.interface_id = "eni-0123456789abcdef0";
    i.private_ip = "10.0.1.10";
    i.local_hostname = "ip-10-0-1-10.ec2.internal";
    i.hostname = "ip-10-0-1-10.ec2.internal";
    i.public_ip = "54.1.2.3";
    i.public_hostname = "ec2-54-1-2-3.compute-1.amazonaws.com";
    i.vpc_id = "vpc-0123456789abcdef0";
    i.vpc_cidr = "10.0.0.0/16";
    i.subnet_id = "subnet-0123456789abcdef0";
    i.subnet_cidr = "10.0.1.0/24";
    i.security_groups = {{"default", "sg-0000000000000000a"}, {"web", "sg-0000000000000000b"}};
    i.block_devices = {{"root", "/dev/xvda"}, {"ami", "/dev/xvda"}};
    i.public_keys = {{"my-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAItest web"}};
    i.tags = {{"Name", "web-1"}, {"Environment", "prod"}};
    i.user_data = "#!/bin/sh\necho hello\n";
    i.metadata_options.instance_metadata_tags = true;
    i.metadata_options.http_put_response_hop_limit = 2;
    return i;
  }

  static config::Instance DbInstance() {
    config::Instance i = WebInstance();
    i.name = "db";
    i.match = {Cidr("10.0.2.0/24")};
    i.instance_id = "i-0fedcba9876543210";
    i.mac = "0e:aa:bb:cc:dd:ee";
    i.private_ip = "10.0.2.20";
    i.local_hostname = "ip-10-0-2-20.ec2.internal";
    i.hostname = i.local_hostname;
    i.public_ip.clear();
    i.public_hostname.clear();
    i.subnet_cidr = "10.0.2.0/24";
    i.security_groups = {{"db", "sg-0000000000000000c"}};
    i.public_keys.clear();
    i.user_data.reset();
    i.metadata_options = {};
    i.metadata_options.http_tokens = config::HttpTokens::kRequired;
    return i;
  }

  // Creates service_ from config_; fails the test when that fails.
  void StartService(MetadataProviders providers = {}) {
    auto created = ImdsService::Create(std::make_shared<const config::Config>(config_), clock_,
                                       random_, signer_, providers);
    ASSERT_OK(created);
    service_ = std::move(created).value();
  }

  struct Call {
    std::string method = "GET";
    std::string path;
    std::string source = "10.0.1.5";  // web
    std::optional<std::string> token = std::nullopt;
    std::optional<std::string> ttl = std::nullopt;
    bool forwarded_for = false;
    std::string local = "169.254.169.254";
  };

  ImdsReply Send(const Call& call) const {
    ImdsRequest request;
    request.method = call.method;
    request.path = call.path;
    request.source = Ip(call.source);
    request.local = Ip(call.local);
    if (call.token) request.token = *call.token;
    if (call.ttl) request.token_ttl = *call.ttl;
    request.has_forwarded_for = call.forwarded_for;
    return service_->Handle(request);
  }

  ImdsReply Get(std::string path, std::string source = "10.0.1.5",
                std::optional<std::string> token = std::nullopt) const {
    return Send({.path = std::move(path), .source = std::move(source), .token = std::move(token)});
  }

  // A fresh token for `source`'s instance; fails the test when the PUT is refused.
  std::string TokenFor(std::string source = "10.0.1.5", int ttl = 21600) const {
    const ImdsReply reply = Send({.method = "PUT",
                                  .path = "/latest/api/token",
                                  .source = std::move(source),
                                  .ttl = std::to_string(ttl)});
    EXPECT_EQ(reply.outcome, Outcome::kToken) << reply.refusal_reason;
    return reply.body;
  }

  testing::FakeClock clock_;
  testing::FakeRandom random_;
  testing::FakeSigner signer_;
  std::filesystem::path temp_dir_;
  config::Config config_;
  std::unique_ptr<ImdsService> service_;
};

}  // namespace imdsd::imds
