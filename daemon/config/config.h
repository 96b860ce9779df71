#pragma once
// Config: the daemon's whole configuration as immutable values.
//
// Built once by config::LoadConfigFile() (config/loader.h), validated there, then shared
// read-only as std::shared_ptr<const Config>. A SIGHUP builds a new Config and swaps the
// pointer; requests keep the snapshot they started with. Every default has been applied by
// the loader, so consumers never re-derive one. Thread-safe because it is never mutated after
// loading.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/net.h"

namespace imdsd::config {

enum class HttpTokens { kOptional, kRequired };
enum class LogFormat { kText, kJson };

// EC2's InstanceMetadataOptions, per instance.
struct MetadataOptions {
  bool http_endpoint_enabled = true;
  HttpTokens http_tokens = HttpTokens::kOptional;
  int http_put_response_hop_limit = 1;  // 1..64, EC2's default is 1
  bool http_protocol_ipv6 = false;
  bool instance_metadata_tags = false;
};

struct SecurityGroup {
  std::string name;
  std::string id;  // sg-...
};

struct BlockDevice {
  std::string name;    // "ami", "root", "ebs1", "ephemeral0"...
  std::string device;  // "xvda", "/dev/xvda"
};

// One simulated EC2 instance (a tenant). All derived fields are filled in by the loader.
struct Instance {
  std::string name;  // required, unique; the tenant label used in logs
  std::vector<net::Cidr> match;
  int source_line = 0;  // where it is declared, for log messages

  std::string instance_id;  // i- + 17 hex
  std::string account_id;   // 12 digits
  std::string ami_id;
  std::string ami_launch_index = "0";
  std::string ami_manifest_path = "(unknown)";
  std::string instance_type;
  std::string architecture;  // x86_64 | arm64 | i386
  std::string instance_life_cycle = "on-demand";
  std::string instance_action = "none";
  std::string profile = "default-hvm";
  std::string kernel_id;   // empty: absent (null in identity doc)
  std::string ramdisk_id;  // empty: absent
  std::string reservation_id;
  std::string pending_time;  // ISO-8601

  std::string region;
  std::string availability_zone;
  std::string availability_zone_id;
  std::string partition = "aws";
  std::string domain = "amazonaws.com";

  // Primary network interface.
  std::string mac;
  std::string interface_id;
  std::string private_ip;
  std::string local_hostname;  // ip-172-31-1-2.ec2.internal
  std::string hostname;        // same as local_hostname unless set
  std::string public_ip;       // empty: no public IPv4
  std::string public_hostname;
  std::vector<std::string> ipv6_addresses;
  std::string vpc_id;
  std::string vpc_cidr;
  std::vector<std::string> vpc_ipv6_cidrs;
  std::string subnet_id;
  std::string subnet_cidr;
  std::vector<std::string> subnet_ipv6_cidrs;
  std::vector<SecurityGroup> security_groups;

  std::vector<BlockDevice> block_devices;
  // key name -> OpenSSH public key; served as public-keys/<index>=<name>/openssh-key.
  std::vector<std::pair<std::string, std::string>> public_keys;
  std::map<std::string, std::string> tags;
  std::optional<std::string> user_data;  // raw bytes; nullopt: no user data (404)

  std::string instance_profile;  // name of an instance profile (issue 3); empty: no iam/

  MetadataOptions metadata_options;
};

struct ServerOptions {
  std::vector<net::Endpoint> listen;
  int threads = 0;                      // 0: one per CPU
  int max_connections = 1024;           // across all listeners
  int max_connections_per_ip = 0;       // 0: unlimited
  int max_request_bytes = 16384;        // header + body memory per connection
  int connection_timeout_seconds = 10;  // idle keep-alive connections are closed after this
};

struct LoggingOptions {
  std::string level = "info";  // trace debug info warn error critical off
  LogFormat format = LogFormat::kText;
  bool access_log = false;
  std::string file;  // empty: stderr
};

struct Config {
  std::filesystem::path source_file;
  ServerOptions server;
  LoggingOptions logging;
  std::filesystem::path state_dir = "/var/lib/imdsd";
  std::vector<Instance> instances;
  // Index into `instances` answering sources that match no instance; nullopt: refuse with 403.
  std::optional<std::size_t> default_instance;
};

}  // namespace imdsd::config
