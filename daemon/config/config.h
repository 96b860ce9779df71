#pragma once
// Config: the daemon's whole configuration as immutable values.
//
// Built once by config::LoadConfigFile() (config/loader.h), validated there, then shared
// read-only as std::shared_ptr<const Config>. A SIGHUP builds a new Config and swaps the
// pointer; requests keep the snapshot they started with. Every default has been applied by
// the loader, so consumers never re-derive one. Thread-safe because it is never mutated after
// loading.

#include <chrono>
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

  // Name of an entry in Config::instance_profiles; empty: the instance has no iam/ category.
  std::string instance_profile;

  MetadataOptions metadata_options;
};

// How instance-profile credentials live and rotate (the `credentials:` section, globally and per
// instance profile). Defaults follow EC2: about 6 hours of validity, a new credential published
// hourly (when 5 hours or less remain), far outside the SDKs' 15/10-minute refresh windows.
struct CredentialOptions {
  std::chrono::seconds lifetime = std::chrono::hours(6);
  // A credential is replaced once this much or less of it remains; 0 < refresh_lead < lifetime.
  std::chrono::seconds refresh_lead = std::chrono::hours(5);
};

// An IAM policy document kept as compact JSON text (it may come from inline YAML, a JSON string or
// a file); the loader has already checked that it is a well-formed policy of its kind (trust or
// permission), so policy::ParsePolicy() accepts `json`. Inline YAML scalars are JSON strings.
struct PolicyDocument {
  std::string json;
  int source_line = 0;  // the line of its key (trust_policy, document, or the *_file key)
};

struct NamedPolicy {
  std::string name;
  PolicyDocument document;
};

// An IAM role. The loader has checked that every instance profile's role trusts
// ec2.amazonaws.com for sts:AssumeRole. Names are unique regardless of case, as in IAM.
struct Role {
  std::string name;        // IAM role name rules: 1..64 of [A-Za-z0-9+=,.@_-]
  std::string path = "/";  // "/" or "/a/b/"
  std::string account_id;  // 12 digits; defaults to Config::account_id
  std::string role_id;     // AROA…, derived from account and name so it is stable across restarts
  int max_session_duration_seconds = 3600;  // 3600..43200
  PolicyDocument trust_policy;
  std::vector<NamedPolicy> permission_policies;  // kept for the STS endpoint (issue 4)
  int source_line = 0;
};

struct InstanceProfile {
  std::string name;
  std::string path = "/";
  std::string account_id;           // the role's account (and so every user instance's)
  std::string instance_profile_id;  // AIPA…, derived like Role::role_id
  std::string role;                 // name of an entry in Config::roles
  CredentialOptions credentials;    // global `credentials:` with this profile's overrides applied
  int source_line = 0;
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
  // Top-level defaults for instances and roles that do not set their own.
  std::string account_id = "123456789012";
  std::string partition = "aws";  // as set, else derived from `region`; roles live in it
  std::string region = "us-east-1";

  CredentialOptions credentials;  // the global `credentials:` section
  // Testing switch (`credentials: allow_short_lifetimes`): lifetimes under 15 minutes are
  // refused unless it is on; the daemon warns at start when it is.
  bool allow_short_credential_lifetimes = false;
  // Serve meta-data/iam/security-credentials-extended/ (newer SDKs try it first); when off it
  // answers 404 as EC2 instances without the feature do, and clients fall back.
  bool serve_extended_credentials = true;

  std::vector<Role> roles;
  std::vector<InstanceProfile> instance_profiles;
  std::vector<Instance> instances;
  // Index into `instances` answering sources that match no instance; nullopt: refuse with 403.
  std::optional<std::size_t> default_instance;
};

}  // namespace imdsd::config
