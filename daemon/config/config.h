#pragma once
// Config: the daemon's whole configuration as immutable values.
//
// Built once by config::LoadConfigFile() (config/loader.h), validated there, then shared
// read-only as std::shared_ptr<const Config>. A SIGHUP builds a new Config and swaps the
// pointer; requests keep the snapshot they started with. Every default has been applied by
// the loader, so consumers never re-derive one. Thread-safe because it is never mutated after
// loading.
//
// It holds secrets (users' secret access keys, MFA seeds) as SecretValue, which cannot be
// formatted into a log line; nothing in config/ prints a Config. Key and policy files were read
// at load, so consumers never touch the file system for them.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/net.h"
#include "common/redact.h"

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

// A secret (secret access key, MFA seed) read from a file, the environment or, in a lab, the
// config itself. Not printable on purpose: it has no operator<< or fmt formatter, so a log line
// that names it does not compile; Describe() says where it came from, Redacted() how long it is.
class SecretValue {
 public:
  SecretValue() = default;
  SecretValue(std::string value, std::string origin)
      : value_(std::move(value)), origin_(std::move(origin)) {}

  // The secret itself, for the code that signs or verifies with it. Never log it.
  const std::string& Reveal() const { return value_; }
  // Where it came from: "secret_file /etc/imdsd/alice.key", "secret_env ALICE_SECRET",
  // "inline at line 12".
  const std::string& origin() const { return origin_; }
  std::string Redacted() const { return imdsd::Redacted(value_); }
  bool empty() const { return value_.empty(); }

 private:
  std::string value_;
  std::string origin_;
};

// An AWS account of the lab (the `accounts:` section, plus the top-level account_id).
struct Account {
  std::string id;       // 12 digits
  std::string alias;    // empty, or IAM's account alias rules: 3..63 of a-z 0-9 -, not all digits
  int source_line = 0;  // 0: not declared under `accounts:` (the top-level account_id, or an
                        // account a role or instance names when `accounts:` is absent)
};

// IAM tags (key -> value) in the order written; keys are unique regardless of case, as in IAM.
using IamTags = std::vector<std::pair<std::string, std::string>>;

// A long-term access key of an IAM user (AKIA…).
struct AccessKey {
  std::string id;  // AKIA + 16 of A-Z 0-9; unique in the whole Config
  // 40 characters of A-Z a-z 0-9 + /. From `secret_file`, `secret_env` or (lab only) `secret`.
  SecretValue secret;
  bool active = true;  // `status: Active|Inactive`; an inactive key is refused as AWS refuses it
  // True when the id carries its account (post-2019 format, sts.md §8.3; the loader has checked
  // it is the user's account); false for old-style ids such as AKIAIOSFODNN7EXAMPLE.
  bool encodes_account = false;
  int source_line = 0;
};

// An IAM user with long-term keys and identity policies. Names are unique per account regardless
// of case, as in IAM.
struct User {
  std::string name;                   // 1..64 of [A-Za-z0-9+=,.@_-]
  std::string path = "/";             // "/" or "/a/b/"
  std::string account_id;             // 12 digits; defaults to Config::account_id
  std::string user_id;                // AIDA…, derived from account and name unless set
  std::string arn;                    // arn:PARTITION:iam::ACCOUNT:user/PATHNAME
  std::vector<NamedPolicy> policies;  // identity policies, parsed as role `policies:` are
  IamTags tags;
  std::vector<AccessKey> access_keys;
  int source_line = 0;
};

// A virtual MFA device, for AssumeRole/GetSessionToken with SerialNumber + TokenCode.
struct MfaDevice {
  std::string serial;      // arn:PARTITION:iam::ACCOUNT:mfa/[PATH]NAME; unique
  std::string account_id;  // from the serial; the user's account
  std::string user;        // name of the User (in that account) the device is assigned to
  // The TOTP seed as raw bytes (decoded from base32; at least 16 bytes, RFC 4226's minimum).
  SecretValue seed;
  int source_line = 0;
};

enum class OidcKeyKind { kJwks, kPublicKeyPem };

// An OpenID Connect identity provider, for AssumeRoleWithWebIdentity.
struct OidcProvider {
  std::string url;         // https://host[/path]: the tokens' `iss`, exactly; no port, query
  std::string account_id;  // 12 digits; defaults to Config::account_id
  std::string arn;         // arn:PARTITION:iam::ACCOUNT:oidc-provider/host[/path]
  std::vector<std::string> client_ids;   // accepted audiences (`aud`); at least one
  std::vector<std::string> thumbprints;  // 40 lower-case hex digits each; informational
  OidcKeyKind key_kind = OidcKeyKind::kJwks;
  std::filesystem::path key_file;  // the jwks_file or public_key_file, absolute
  std::string key_text;            // its contents as read at load (public material)
  int source_line = 0;
};

// The STS Query API endpoint (issue 4): a listener of its own, apart from IMDS.
struct StsOptions {
  // Default: on when the config declares `accounts`, `users`, `oidc_providers` or an `sts`
  // section; off otherwise, so configs written before the endpoint existed open no new port.
  bool enabled = false;
  std::vector<net::Endpoint> listen;  // default 127.0.0.1:8170 and [::1]:8170
  // Requests signed further than this from the daemon's clock are refused (SigV4 skew).
  std::chrono::seconds max_clock_skew = std::chrono::minutes(15);
  // JSON-lines audit log. Empty: `sts-audit.jsonl` in the state directory (see AuditLogPath()).
  std::filesystem::path audit_log;
  std::string region;  // the SigV4 signing region; defaults to Config::region
};

// An IAM role. The loader has checked that every instance profile's role trusts
// ec2.amazonaws.com for sts:AssumeRole. Names are unique regardless of case, as in IAM.
struct Role {
  std::string name;        // IAM role name rules: 1..64 of [A-Za-z0-9+=,.@_-]
  std::string path = "/";  // "/" or "/a/b/"
  std::string account_id;  // 12 digits; defaults to Config::account_id
  std::string role_id;     // AROA…, derived from account and name so it is stable across restarts
  std::string arn;         // arn:PARTITION:iam::ACCOUNT:role/PATHNAME
  int max_session_duration_seconds = 3600;  // 3600..43200
  PolicyDocument trust_policy;
  std::vector<NamedPolicy> permission_policies;  // kept for the STS endpoint (issue 4)
  IamTags tags;  // the role's principal tags (aws:PrincipalTag in sessions)
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

  // Every account anything lives in: the `accounts:` entries, the top-level account_id, and
  // (only when `accounts:` is absent) each other account a role or instance names. No duplicates.
  std::vector<Account> accounts;
  // Lab switch (`allow_inline_secrets`): inline `secret:`/`seed:` values are refused unless it
  // is on; the loader then warns about each one.
  bool allow_inline_secrets = false;

  std::vector<Role> roles;
  std::vector<User> users;
  std::vector<MfaDevice> mfa_devices;
  std::vector<OidcProvider> oidc_providers;
  StsOptions sts;
  std::vector<InstanceProfile> instance_profiles;
  std::vector<Instance> instances;
  // Index into `instances` answering sources that match no instance; nullopt: refuse with 403.
  std::optional<std::size_t> default_instance;
};

// Where the STS audit log goes: sts.audit_log, or sts-audit.jsonl in the state directory. A
// function rather than a loader default because `--state-dir` may replace state_dir after
// loading.
inline std::filesystem::path AuditLogPath(const Config& config) {
  return config.sts.audit_log.empty() ? config.state_dir / "sts-audit.jsonl" : config.sts.audit_log;
}

}  // namespace imdsd::config
