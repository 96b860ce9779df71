#include "config/loader.h"

#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/rules.h"
#include "config_fixture.h"

namespace imdsd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(ConfigTest, MinimalConfigGetsEveryDefault) {
  auto config = LoadOk(kMinimal);
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->source_file, ConfigPath());
  EXPECT_EQ(config->state_dir, fs::path("/var/lib/imdsd"));
  ASSERT_EQ(config->server.listen.size(), 2u);
  EXPECT_EQ(config->server.listen[0].ToString(), "127.0.0.1:8169");
  EXPECT_EQ(config->server.listen[1].ToString(), "[::1]:8169");
  EXPECT_EQ(config->server.threads, 0);
  EXPECT_EQ(config->server.max_request_bytes, 16384);
  EXPECT_EQ(config->logging.level, "info");
  EXPECT_EQ(config->logging.format, LogFormat::kText);
  EXPECT_FALSE(config->default_instance.has_value());

  const Instance& in = OnlyInstance(config);
  EXPECT_EQ(in.name, "a");
  EXPECT_EQ(in.source_line, 2);
  ASSERT_EQ(in.match.size(), 1u);
  EXPECT_EQ(in.match[0].ToString(), "127.0.0.1/32");
  EXPECT_TRUE(IsEc2Id(in.instance_id, "i-")) << in.instance_id;
  EXPECT_EQ(in.instance_id.size(), 19u);
  EXPECT_TRUE(IsEc2Id(in.ami_id, "ami-")) << in.ami_id;
  EXPECT_TRUE(IsEc2Id(in.reservation_id, "r-")) << in.reservation_id;
  EXPECT_TRUE(IsEc2Id(in.interface_id, "eni-")) << in.interface_id;
  EXPECT_TRUE(IsEc2Id(in.vpc_id, "vpc-")) << in.vpc_id;
  EXPECT_TRUE(IsEc2Id(in.subnet_id, "subnet-")) << in.subnet_id;
  EXPECT_TRUE(IsMacAddress(in.mac)) << in.mac;
  EXPECT_EQ(in.account_id, "123456789012");
  EXPECT_EQ(in.region, "us-east-1");
  EXPECT_EQ(in.availability_zone, "us-east-1a");
  EXPECT_EQ(in.availability_zone_id, "use1-az1");
  EXPECT_EQ(in.partition, "aws");
  EXPECT_EQ(in.domain, "amazonaws.com");
  EXPECT_EQ(in.instance_type, "t3.micro");
  EXPECT_EQ(in.architecture, "x86_64");
  EXPECT_EQ(in.instance_life_cycle, "on-demand");
  EXPECT_EQ(in.ami_launch_index, "0");
  EXPECT_EQ(in.ami_manifest_path, "(unknown)");
  EXPECT_EQ(in.pending_time, "2026-01-01T00:00:00Z");
  EXPECT_EQ(in.vpc_cidr, "172.31.0.0/16");
  EXPECT_EQ(in.subnet_cidr, "172.31.0.0/20");
  auto private_ip = net::IpAddress::Parse(in.private_ip);
  ASSERT_TRUE(private_ip.has_value()) << in.private_ip;
  EXPECT_TRUE(net::Cidr::Parse(in.subnet_cidr)->Contains(*private_ip));
  std::string dashed = in.private_ip;
  for (char& c : dashed) c = c == '.' ? '-' : c;
  EXPECT_EQ(in.local_hostname, "ip-" + dashed + ".ec2.internal");
  EXPECT_EQ(in.hostname, in.local_hostname);
  EXPECT_EQ(in.public_ip, "");
  EXPECT_EQ(in.public_hostname, "");
  ASSERT_EQ(in.security_groups.size(), 1u);
  EXPECT_EQ(in.security_groups[0].name, "default");
  EXPECT_TRUE(IsEc2Id(in.security_groups[0].id, "sg-")) << in.security_groups[0].id;
  ASSERT_EQ(in.block_devices.size(), 2u);
  EXPECT_EQ(in.block_devices[0].name, "ami");
  EXPECT_EQ(in.block_devices[0].device, "xvda");
  EXPECT_EQ(in.block_devices[1].name, "root");
  EXPECT_EQ(in.block_devices[1].device, "/dev/xvda");
  EXPECT_FALSE(in.user_data.has_value());
  EXPECT_TRUE(in.metadata_options.http_endpoint_enabled);
  EXPECT_EQ(in.metadata_options.http_tokens, HttpTokens::kOptional);
  EXPECT_EQ(in.metadata_options.http_put_response_hop_limit, 1);
  EXPECT_FALSE(in.metadata_options.instance_metadata_tags);
}

TEST_F(ConfigTest, HostnamesFollowTheRegion) {
  auto east = LoadOk(R"(instances:
  - name: a
    match: 127.0.0.1
    network: {private_ip: 172.31.1.2, public_ip: 3.4.5.6}
)");
  ASSERT_NE(east, nullptr);
  EXPECT_EQ(OnlyInstance(east).local_hostname, "ip-172-31-1-2.ec2.internal");
  EXPECT_EQ(OnlyInstance(east).public_hostname, "ec2-3-4-5-6.compute-1.amazonaws.com");

  auto west = LoadOk(R"(instances:
  - name: a
    match: 127.0.0.1
    region: eu-west-1
    network: {private_ip: 172.31.1.2, public_ip: 3.4.5.6}
)");
  ASSERT_NE(west, nullptr);
  const Instance& in = OnlyInstance(west);
  EXPECT_EQ(in.local_hostname, "ip-172-31-1-2.eu-west-1.compute.internal");
  EXPECT_EQ(in.public_hostname, "ec2-3-4-5-6.eu-west-1.compute.amazonaws.com");
  EXPECT_EQ(in.hostname, in.local_hostname);
  EXPECT_EQ(in.availability_zone, "eu-west-1a");
  EXPECT_EQ(in.availability_zone_id, "euw1-az1");
}

TEST_F(ConfigTest, PartitionAndDomainFollowTheRegion) {
  auto china = LoadOk(R"(instances:
  - name: a
    match: 127.0.0.1
    region: cn-north-1
    availability_zone: cn-north-1b
    network: {public_ip: 3.4.5.6}
)");
  ASSERT_NE(china, nullptr);
  const Instance& in = OnlyInstance(china);
  EXPECT_EQ(in.partition, "aws-cn");
  EXPECT_EQ(in.domain, "amazonaws.com.cn");
  EXPECT_EQ(in.public_hostname, "ec2-3-4-5-6.cn-north-1.compute.amazonaws.com.cn");
  EXPECT_EQ(in.availability_zone_id, "cnn1-az2");
  EXPECT_EQ(in.subnet_cidr, "172.31.16.0/20");

  auto gov = LoadOk(R"(instances:
  - name: a
    match: 127.0.0.1
    region: us-gov-west-1
)");
  ASSERT_NE(gov, nullptr);
  EXPECT_EQ(OnlyInstance(gov).partition, "aws-us-gov");
  EXPECT_EQ(OnlyInstance(gov).domain, "amazonaws.com");
}

TEST_F(ConfigTest, ArchitectureFollowsGravitonFamilies) {
  auto config = LoadOk(R"(instances:
  - {name: a, match: 127.0.0.1, instance_type: t4g.micro}
  - {name: b, match: 127.0.0.2, instance_type: c6gn.large}
  - {name: c, match: 127.0.0.3, instance_type: m5.large}
  - {name: d, match: 127.0.0.4, instance_type: m7g.large, architecture: x86_64}
)");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->instances[0].architecture, "arm64");
  EXPECT_EQ(config->instances[1].architecture, "arm64");
  EXPECT_EQ(config->instances[2].architecture, "x86_64");
  EXPECT_EQ(config->instances[3].architecture, "x86_64");  // explicit wins
}

TEST_F(ConfigTest, ExplicitValuesAreKept) {
  auto config = LoadOk(R"(server:
  listen: 127.0.0.1:0
  threads: 4
logging: {level: debug, format: json, access_log: true, file: logs/imdsd.log}
state_dir: ../state
default_instance: a
instances:
  - name: a
    match: ["10.0.0.0/8", "fd00::/8"]
    instance_id: i-0123456789abcdef0
    account_id: 000000000042
    region: eu-central-1
    availability_zone: eu-central-1c
    ami_id: ami-12345678
    ami_launch_index: 3
    hostname: my-host
    instance_life_cycle: spot
    public_keys: {zeta: "ssh-ed25519 AAAA z", alpha: "ssh-rsa AAAA a"}
    tags: {Name: a, "aws:cost": x}
    block_device_mapping: {root: /dev/sda1, ebs1: sdb}
    network:
      mac: 02:00:00:00:00:01
      vpc_cidr: 10.1.0.0/16
      subnet_cidr: 10.1.2.0/24
      private_ip: 10.1.2.3
      ipv6: ["2600:1f18::1234"]
      subnet_ipv6_cidrs: ["2600:1f18::/64"]
      vpc_ipv6_cidrs: ["2600:1f18::/56"]
      security_groups: [{name: web, id: sg-0123456789abcdef0}, {name: ssh}]
    metadata_options:
      http_tokens: required
      http_put_response_hop_limit: 2
      http_endpoint: disabled
)");
  ASSERT_NE(config, nullptr);
  ASSERT_EQ(config->server.listen.size(), 1u);
  EXPECT_EQ(config->server.listen[0].ToString(), "127.0.0.1:0");
  EXPECT_EQ(config->server.threads, 4);
  EXPECT_EQ(config->logging.level, "debug");
  EXPECT_EQ(config->logging.format, LogFormat::kJson);
  EXPECT_TRUE(config->logging.access_log);
  EXPECT_EQ(config->logging.file, (dir_ / "logs/imdsd.log").string());
  EXPECT_EQ(config->state_dir, dir_.parent_path() / "state");
  EXPECT_EQ(config->default_instance, std::optional<std::size_t>(0));

  const Instance& in = OnlyInstance(config);
  EXPECT_EQ(in.instance_id, "i-0123456789abcdef0");
  EXPECT_EQ(in.account_id, "000000000042");  // unquoted digits keep their text
  EXPECT_EQ(in.availability_zone_id, "euc1-az3");
  EXPECT_EQ(in.ami_id, "ami-12345678");
  EXPECT_EQ(in.ami_launch_index, "3");
  EXPECT_EQ(in.hostname, "my-host");
  EXPECT_EQ(in.local_hostname, "ip-10-1-2-3.eu-central-1.compute.internal");
  EXPECT_EQ(in.instance_life_cycle, "spot");
  ASSERT_EQ(in.public_keys.size(), 2u);
  EXPECT_EQ(in.public_keys[0].first, "zeta");  // order as written
  EXPECT_EQ(in.public_keys[1].second, "ssh-rsa AAAA a");
  EXPECT_EQ(in.tags.at("aws:cost"), "x");
  ASSERT_EQ(in.block_devices.size(), 2u);
  EXPECT_EQ(in.block_devices[0].name, "root");
  EXPECT_EQ(in.block_devices[1].device, "sdb");
  EXPECT_EQ(in.mac, "02:00:00:00:00:01");
  EXPECT_EQ(in.private_ip, "10.1.2.3");
  EXPECT_THAT(in.ipv6_addresses, ElementsAre("2600:1f18::1234"));
  ASSERT_EQ(in.security_groups.size(), 2u);
  EXPECT_EQ(in.security_groups[0].id, "sg-0123456789abcdef0");
  EXPECT_EQ(in.security_groups[1].name, "ssh");
  EXPECT_TRUE(IsEc2Id(in.security_groups[1].id, "sg-"));
  EXPECT_EQ(in.metadata_options.http_tokens, HttpTokens::kRequired);
  EXPECT_EQ(in.metadata_options.http_put_response_hop_limit, 2);
  EXPECT_FALSE(in.metadata_options.http_endpoint_enabled);
}

TEST_F(ConfigTest, AccountIdMayBeAnUnquotedNumber) {
  auto config = LoadOk(std::string(kMinimal) + "    account_id: 123456789012\n");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(OnlyInstance(config).account_id, "123456789012");
}

TEST_F(ConfigTest, SectionsWithEverythingCommentedOutAreAccepted) {
  auto config = LoadOk(R"(server:
  # threads: 4
logging:
instances:
  - name: a
    match: 127.0.0.1
    network:
    metadata_options:
    tags:
)");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->server.listen.size(), 2u);
  EXPECT_TRUE(OnlyInstance(config).tags.empty());
}

TEST_F(ConfigTest, DerivationIsStableAndPerName) {
  auto first = LoadOk(kMinimal);
  auto second = LoadOk(kMinimal);
  auto other = LoadOk(R"(instances:
  - name: b
    match: 127.0.0.1
)");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_NE(other, nullptr);
  const Instance& a1 = OnlyInstance(first);
  const Instance& a2 = OnlyInstance(second);
  const Instance& b = OnlyInstance(other);
  EXPECT_EQ(a1.instance_id, a2.instance_id);
  EXPECT_EQ(a1.ami_id, a2.ami_id);
  EXPECT_EQ(a1.mac, a2.mac);
  EXPECT_EQ(a1.private_ip, a2.private_ip);
  EXPECT_EQ(a1.security_groups[0].id, a2.security_groups[0].id);
  EXPECT_NE(a1.instance_id, b.instance_id);
  EXPECT_NE(a1.ami_id, b.ami_id);
  EXPECT_NE(a1.reservation_id, b.reservation_id);
  EXPECT_NE(a1.interface_id, b.interface_id);
  EXPECT_NE(a1.vpc_id, b.vpc_id);
  EXPECT_NE(a1.subnet_id, b.subnet_id);
  EXPECT_NE(a1.mac, b.mac);
  // Different purposes of one name give different ids too.
  EXPECT_NE(a1.instance_id.substr(2), a1.ami_id.substr(4));
}

TEST_F(ConfigTest, UserDataFileKeepsBinaryBytes) {
  const std::string bytes("#!\0\xff\x01\n", 6);
  WriteFile("user-data.bin", bytes);
  auto config = LoadOk(std::string(kMinimal) + "    user_data_file: user-data.bin\n");
  ASSERT_NE(config, nullptr);
  ASSERT_TRUE(OnlyInstance(config).user_data.has_value());
  EXPECT_EQ(*OnlyInstance(config).user_data, bytes);
}

TEST_F(ConfigTest, UserDataBase64IsDecoded) {
  auto config = LoadOk(std::string(kMinimal) + "    user_data_base64: AP8BaGk=\n");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(*OnlyInstance(config).user_data, std::string("\0\xff\x01hi", 5));
}

TEST_F(ConfigTest, InlineUserDataIsKeptAsWritten) {
  auto config =
      LoadOk(std::string(kMinimal) + "    user_data: |\n      #!/bin/sh\n      echo hi\n");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(*OnlyInstance(config).user_data, "#!/bin/sh\necho hi\n");
}

TEST_F(ConfigTest, TagKeysAreOnlyRestrictedWhenExposed) {
  const std::string tags = std::string(kMinimal) + "    tags: {\"my tag\": v}\n";
  EXPECT_NE(LoadOk(tags), nullptr);
  auto outcome = Load(tags + "    metadata_options: {instance_metadata_tags: enabled}\n");
  EXPECT_THAT(LinesAndReasons(outcome),
              ElementsAre(ErrorAt(4, "\"my tag\": tag keys may only use a-z A-Z 0-9")));
}

// Each case holds exactly one mistake and must give exactly one error, on that line.
TEST_F(ConfigTest, EachMistakeIsReportedOnItsLine) {
  const std::string m = kMinimal;  // lines 1-3
  const std::vector<ErrorCase> cases = {
      {"unknown top-level key", "servr: {}\n" + m, 1, "unknown key \"servr\" at the top level"},
      {"out of range", "server:\n  threads: 65\n" + m, 2, "server.threads: 65 is out of range"},
      {"not a number", "server:\n  max_connections: lots\n" + m, 2, "expected a whole number"},
      {"bad endpoint", "server:\n  listen:\n    - \"::1:8169\"\n" + m, 3, "is not ADDRESS:PORT"},
      {"duplicate endpoint", "server:\n  listen:\n    - 127.0.0.1:80\n    - 127.0.0.1:80\n" + m, 4,
       "127.0.0.1:80 is listed twice (first at line 3)"},
      {"no endpoint", "server:\n  listen: []\n" + m, 2, "give at least one ADDRESS:PORT"},
      {"server not a map", "server: [1]\n" + m, 1, "server: expected a map, found a list"},
      {"bad level", "logging:\n  level: verbose\n" + m, 2,
       "\"verbose\" is not allowed; use one of trace, debug"},
      {"bad bool", "logging:\n  access_log: maybe\n" + m, 2, "expected true or false"},
      {"empty state_dir", "state_dir: \"\"\n" + m, 1, "state_dir: must not be empty"},
      {"no instances", "server: {}\n", 1, "instances: missing"},
      {"instances not a list", "instances: {a: 1}\n", 1, "expected a list of at least one"},
      {"empty instances", "instances: []\n", 1, "found an empty list"},
      {"missing name", "instances:\n  - match: 127.0.0.1\n", 2, "\"name\" is required"},
      {"bad name", "instances:\n  - name: \"a b\"\n    match: 127.0.0.1\n", 2,
       "is not a valid name"},
      {"missing match", "instances:\n  - name: a\n", 2, "\"match\" is required"},
      {"bad cidr", "instances:\n  - name: a\n    match:\n      - 10.0.0.1/8\n", 4,
       "\"10.0.0.1/8\" is not an address or CIDR"},
      {"duplicate name", m + "  - name: a\n    match: 127.0.0.2\n", 4,
       "instances[1].name: \"a\" is already used by the instance at line 2"},
      {"shadowed cidr",
       "instances:\n  - name: a\n    match: 127.0.0.0/8\n  - name: b\n    match: [\"::1\", "
       "127.0.0.1/32]\n",
       5,
       "instances[1].match: never matches: 127.0.0.1/32 is inside instance \"a\" match 127.0.0.0/8 "
       "declared at "
       "line 3"},
      {"bad instance id", m + "    instance_id: i-123\n", 4, "is not an instance id"},
      {"duplicate instance id",
       m + "    instance_id: i-12345678\n  - name: b\n    match: 127.0.0.2\n"
           "    instance_id: i-12345678\n",
       7, "i-12345678 is already used by the instance at line 4"},
      {"bad account", m + "    account_id: 12345\n", 4, "expected 12 digits"},
      {"bad ami", m + "    ami_id: ami-XYZ\n", 4, "\"ami-\" and 8 or 17 lower-case hex"},
      {"bad region", m + "    region: useast1\n", 4, "is not a region name"},
      {"zone outside region", m + "    region: us-east-1\n    availability_zone: us-west-2a\n", 5,
       "\"us-west-2a\" is not a zone of region us-east-1"},
      {"zone outside default region", m + "    availability_zone: eu-west-1a\n", 4,
       "is not a zone of region us-east-1"},
      {"bad time", m + "    pending_time: yesterday\n", 4, "is not a UTC time"},
      {"bad architecture", m + "    architecture: sparc\n", 4, "use one of x86_64, arm64, i386"},
      {"bad instance type", m + "    instance_type: large\n", 4, "is not an instance type"},
      {"two user data sources", m + "    user_data: x\n    user_data_base64: eA==\n", 5,
       "use only one of user_data, user_data_file and user_data_base64"},
      {"bad base64", m + "    user_data_base64: \"!!\"\n", 4, "not valid base64"},
      {"user data too large", m + "    user_data: " + std::string(16385, 'x') + "\n", 4,
       "limited to 16384 bytes (EC2's limit), found 16385"},
      {"missing user data file", m + "    user_data_file: nope.sh\n", 4,
       "nope.sh: No such file or directory"},
      {"user data file is a directory", m + "    user_data_file: .\n", 4, "not a regular file"},
      {"bad block device", m + "    block_device_mapping:\n      disk1: /dev/sdb\n", 5,
       "\"disk1\" is not a mapping name"},
      {"ip outside subnet", m + "    network:\n      private_ip: 10.0.0.5\n", 5,
       "instances[0].network.private_ip: 10.0.0.5 is not inside subnet_cidr 172.31.0.0/20 (the "
       "default)"},
      {"subnet outside vpc", m + "    network:\n      subnet_cidr: 10.0.0.0/24\n", 5,
       "10.0.0.0/24 is not inside vpc_cidr 172.31.0.0/16 (the default)"},
      {"v6 public ip", m + "    network:\n      public_ip: \"::1\"\n", 5, "not an IPv4 address"},
      {"bad mac", m + "    network:\n      mac: 0E:12:34:56:78:9A\n", 5, "is not a MAC address"},
      {"v4 in ipv6", m + "    network:\n      ipv6: [1.2.3.4]\n", 5, "not an IPv6 address"},
      {"ipv6 outside subnet",
       m + "    network:\n      subnet_ipv6_cidrs: [\"2600::/64\"]\n      ipv6:\n"
           "        - \"2601::1\"\n",
       7, "2601::1 is not inside any of subnet_ipv6_cidrs"},
      {"ipv6 as map", m + "    network:\n      ipv6: {a: b}\n", 5, "expected a list, found a map"},
      {"bad sg id", m + "    network:\n      security_groups:\n        - {name: w, id: sg-1}\n", 6,
       "is not a security group id"},
      {"undefined instance profile", m + "    instance_profile: admin\n", 4,
       "instances[0].instance_profile: instance profile \"admin\" is not defined; no instance "
       "profiles are defined"},
      {"bad tokens", m + "    metadata_options:\n      http_tokens: always\n", 5,
       "use one of optional, required"},
      {"hop limit", m + "    metadata_options:\n      http_put_response_hop_limit: 0\n", 5,
       "allowed: from 1 to 64"},
      {"metadata options typo", m + "    metadata_options:\n      http_token: required\n", 5,
       "unknown key \"http_token\" in instances[0].metadata_options (did you mean "
       "\"http_tokens\"?)"},
      {"unknown key without hint", m + "    colour: blue\n", 4, "; known keys: name, match"},
      {"repeated key", "server:\n  threads: 1\n  threads: 2\n" + m, 3,
       "\"threads\" is set twice in server (first at line 2)"},
      {"repeated tag", m + "    tags:\n      k: 1\n      k: 2\n", 6, "\"k\" is set twice"},
      {"default names nothing", "default_instance: b\n" + m, 1,
       "default_instance: \"b\" is not the name of any instance"},
      {"top level list", "- a\n- b\n", 1, "expected a map of settings at the top level"},
      {"syntax error", m + "    tags: {a: [1, 2}\n", 4, "YAML syntax error"},
      {"two documents", m + "---\nfoo: 1\n", 5, "only one YAML document is allowed"},
      {"empty file", "# nothing here\n", 0, "the file is empty"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.what);
    LoadOutcome outcome = Load(c.yaml);
    EXPECT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.config, nullptr);
    EXPECT_THAT(LinesAndReasons(outcome), ElementsAre(ErrorAt(c.line, c.reason)));
  }
}

TEST_F(ConfigTest, ReportsEveryErrorAtOnce) {
  LoadOutcome outcome = Load(R"(server:
  threads: -1
logging:
  level: loud
instances:
  - name: a
    match: 127.0.0.1
    region: mars
    tags: {"a b": c}
    metadata_options: {instance_metadata_tags: enabled, http_tokens: sometimes}
  - name: b
    match: nowhere
)");
  // Tag keys are checked after metadata_options is read, yet come out in file order.
  EXPECT_THAT(LinesAndReasons(outcome),
              ElementsAre(ErrorAt(2, "server.threads: -1 is out of range"),
                          ErrorAt(4, "logging.level: \"loud\""),
                          ErrorAt(8, "instances[0].region: \"mars\" is not a region name"),
                          ErrorAt(9, "instances[0].tags: \"a b\""),
                          ErrorAt(10, "instances[0].metadata_options.http_tokens"),
                          ErrorAt(12, "instances[1].match: \"nowhere\"")));
}

TEST_F(ConfigTest, UserDataFileOverTheLimitIsRefused) {
  WriteFile("big", std::string(16385, 'x'));
  WriteFile("exact", std::string(16384, 'x'));
  EXPECT_NE(LoadOk(std::string(kMinimal) + "    user_data_file: exact\n"), nullptr);
  auto outcome = Load(std::string(kMinimal) + "    user_data_file: big\n");
  EXPECT_THAT(LinesAndReasons(outcome), ElementsAre(ErrorAt(4, "limited to 16384 bytes")));
}

TEST_F(ConfigTest, ErrorsPrintAsFileColonLine) {
  EXPECT_EQ((ConfigError{"c.yaml", 7, "bad"}).ToString(), "c.yaml:7: bad");
  EXPECT_EQ((ConfigError{"c.yaml", 0, "bad"}).ToString(), "c.yaml: bad");
  LoadOutcome outcome = Load("server:\n  threads: x\n" + std::string(kMinimal));
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0].file, ConfigPath().string());
  EXPECT_THAT(outcome.errors[0].ToString(), HasSubstr(ConfigPath().string() + ":2: "));
}

TEST_F(ConfigTest, MissingFileIsOneErrorWithoutLine) {
  LoadOutcome outcome = LoadConfigFile(dir_ / "absent.yaml");
  EXPECT_THAT(LinesAndReasons(outcome),
              ElementsAre(ErrorAt(0, "cannot read the configuration: No such file")));
}

TEST_F(ConfigTest, LoadConfigFileReadsFromDisk) {
  WriteFile("imdsd.yaml", kMinimal);
  LoadOutcome outcome = LoadConfigFile(ConfigPath());
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.config->instances.at(0).name, "a");
}

TEST_F(ConfigTest, ShippedExampleLoadsCleanly) {
  const fs::path example = fs::path(IMDSD_SOURCE_DIR) / "config" / "example.yaml";
  LoadOutcome outcome = LoadConfigFile(example);
  for (const auto& e : outcome.errors) ADD_FAILURE() << e.ToString();
  ASSERT_TRUE(outcome.ok());
  const Config& config = *outcome.config;
  EXPECT_EQ(config.state_dir, (fs::path(IMDSD_SOURCE_DIR) / "state").lexically_normal());
  ASSERT_EQ(config.instances.size(), 1u);
  const Instance& in = config.instances[0];
  EXPECT_EQ(in.name, "example");
  ASSERT_EQ(in.match.size(), 2u);
  EXPECT_TRUE(in.match[0].Contains(*net::IpAddress::Parse("127.0.0.1")));
  EXPECT_TRUE(in.match[1].Contains(*net::IpAddress::Parse("::1")));
  EXPECT_EQ(in.public_hostname, "ec2-3-84-12-34.compute-1.amazonaws.com");
  EXPECT_TRUE(in.metadata_options.instance_metadata_tags);
  EXPECT_EQ(in.tags.size(), 2u);
  EXPECT_EQ(in.public_keys.size(), 1u);
  EXPECT_TRUE(in.user_data.has_value());
  // A newcomer gets credentials out of the box.
  EXPECT_EQ(in.instance_profile, "example-profile");
  ASSERT_EQ(config.instance_profiles.size(), 1u);
  EXPECT_EQ(config.instance_profiles[0].role, "example-role");
  EXPECT_EQ(config.instance_profiles[0].account_id, in.account_id);
  EXPECT_EQ(config.instance_profiles[0].credentials.lifetime, std::chrono::hours(6));
  ASSERT_EQ(config.roles.size(), 1u);
  EXPECT_EQ(config.roles[0].name, "example-role");
  EXPECT_EQ(config.roles[0].permission_policies.size(), 1u);
  EXPECT_TRUE(config.serve_extended_credentials);
}

}  // namespace
}  // namespace imdsd::config
