#include "config/defaults.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <utility>

#include "common/net.h"

namespace imdsd::config {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kRegionCodes = {{
    {"us-east-1", "use1"},
    {"us-east-2", "use2"},
    {"us-west-1", "usw1"},
    {"us-west-2", "usw2"},
    {"eu-west-1", "euw1"},
    {"eu-west-2", "euw2"},
    {"eu-central-1", "euc1"},
    {"eu-north-1", "eun1"},
    {"ap-southeast-1", "apse1"},
    {"ap-southeast-2", "apse2"},
    {"ap-northeast-1", "apne1"},
    {"ap-south-1", "aps1"},
    {"ca-central-1", "cac1"},
    {"sa-east-1", "sae1"},
}};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string DashedIp(std::string_view ip) {
  std::string out(ip);
  for (char& c : out) {
    if (c == '.') c = '-';
  }
  return out;
}

// "northeast" -> "ne", "central" -> "c".
std::string PartInitials(std::string_view part) {
  for (std::string_view pole : {"north", "south"}) {
    if (StartsWith(part, pole) && part.size() > pole.size()) {
      return std::string{part[0], part[pole.size()]};
    }
  }
  return part.empty() ? std::string() : std::string(1, part[0]);
}

// Zero-based index of the zone letter ("us-east-1c" -> 2); 0 when there is none.
int ZoneIndex(std::string_view availability_zone) {
  if (availability_zone.empty()) return 0;
  char letter = availability_zone.back();
  return (letter >= 'a' && letter <= 'z') ? letter - 'a' : 0;
}

}  // namespace

std::uint64_t Fnv1a64(std::string_view data) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string DeriveHex(std::string_view name, std::string_view purpose, int digits) {
  std::string seed = std::string(name) + "/" + std::string(purpose);
  std::string out;
  for (int round = 0; static_cast<int>(out.size()) < digits; ++round) {
    std::uint64_t hash = Fnv1a64(round == 0 ? seed : seed + "/" + std::to_string(round));
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(hash));
    out += buf;
  }
  out.resize(static_cast<std::size_t>(digits));
  return out;
}

std::string DeriveId(std::string_view prefix, std::string_view name, std::string_view purpose) {
  return std::string(prefix) + DeriveHex(name, purpose, 17);
}

std::string DeriveMac(std::string_view name) {
  std::uint64_t hash = Fnv1a64(std::string(name) + "/mac");
  std::array<unsigned, 6> bytes{};
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<unsigned>((hash >> (8 * i)) & 0xff);
  // Locally administered (bit 1 set), unicast (bit 0 clear).
  bytes[0] = (bytes[0] & 0xfc) | 0x02;
  char buf[18];
  std::snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2],
                bytes[3], bytes[4], bytes[5]);
  return buf;
}

std::string PartitionForRegion(std::string_view region) {
  if (StartsWith(region, "cn-")) return "aws-cn";
  if (StartsWith(region, "us-gov-")) return "aws-us-gov";
  return "aws";
}

std::string DomainForRegion(std::string_view region) {
  return StartsWith(region, "cn-") ? "amazonaws.com.cn" : "amazonaws.com";
}

std::string DomainForPartition(std::string_view partition) {
  return partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

bool RegionFitsPartition(std::string_view region, std::string_view partition) {
  const std::string home = PartitionForRegion(region);
  if (home != "aws") return partition == home;
  return partition != "aws-cn" && partition != "aws-us-gov";
}

std::chrono::seconds DefaultRefreshLead(std::chrono::seconds lifetime) { return lifetime * 5 / 6; }

std::string RegionCode(std::string_view region) {
  for (const auto& [name, code] : kRegionCodes) {
    if (name == region) return std::string(code);
  }
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dash = region.find('-', start);
    parts.push_back(region.substr(start, dash - start));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  std::string code(parts.front());
  for (std::size_t i = 1; i + 1 < parts.size(); ++i) code += PartInitials(parts[i]);
  if (parts.size() > 1) code += parts.back();
  return code;
}

std::string AvailabilityZoneId(std::string_view region, std::string_view availability_zone) {
  return RegionCode(region) + "-az" + std::to_string(ZoneIndex(availability_zone) + 1);
}

std::string ArchitectureForInstanceType(std::string_view instance_type) {
  std::string_view family = instance_type.substr(0, instance_type.find('.'));
  if (family == "a1") return "arm64";
  std::size_t digit = family.find_first_of("0123456789");
  if (digit == std::string_view::npos) return "x86_64";
  std::size_t letters = family.find_first_not_of("0123456789", digit);
  if (letters != std::string_view::npos &&
      family.substr(letters).find('g') != std::string_view::npos) {
    return "arm64";
  }
  return "x86_64";
}

std::string LocalHostname(std::string_view private_ip, std::string_view region) {
  if (region == "us-east-1") return "ip-" + DashedIp(private_ip) + ".ec2.internal";
  return "ip-" + DashedIp(private_ip) + "." + std::string(region) + ".compute.internal";
}

std::string PublicHostname(std::string_view public_ip, std::string_view region,
                           std::string_view domain) {
  if (region == "us-east-1")
    return "ec2-" + DashedIp(public_ip) + ".compute-1." + std::string(domain);
  return "ec2-" + DashedIp(public_ip) + "." + std::string(region) + ".compute." +
         std::string(domain);
}

std::string DefaultSubnetCidr(std::string_view vpc_cidr, std::string_view availability_zone) {
  if (vpc_cidr != kDefaultVpcCidr) return std::string(vpc_cidr);
  return "172.31." + std::to_string(16 * (ZoneIndex(availability_zone) % 16)) + ".0/20";
}

std::optional<std::string> DerivePrivateIp(std::string_view name, std::string_view subnet_cidr) {
  auto cidr = net::Cidr::Parse(subnet_cidr);
  if (!cidr || !cidr->base().is_v4()) return std::nullopt;
  const auto& b = cidr->base().bytes();
  std::uint32_t base = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                       (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
  std::uint64_t size = std::uint64_t{1} << (32 - cidr->prefix_length());
  std::uint64_t hash = Fnv1a64(std::string(name) + "/private_ip");
  std::uint64_t offset = size >= 8 ? 4 + hash % (size - 5) : hash % size;
  return net::IpAddress::V4(base + static_cast<std::uint32_t>(offset)).ToString();
}

void ApplyInstanceDefaults(Instance& instance, const InstanceDefaults& defaults) {
  const std::string& name = instance.name;
  if (instance.instance_id.empty()) instance.instance_id = DeriveId("i-", name, "instance_id");
  if (instance.account_id.empty()) instance.account_id = defaults.account_id;
  if (instance.ami_id.empty()) instance.ami_id = DeriveId("ami-", name, "ami_id");
  if (instance.reservation_id.empty()) {
    instance.reservation_id = DeriveId("r-", name, "reservation_id");
  }
  if (instance.instance_type.empty()) instance.instance_type = kDefaultInstanceType;
  if (instance.architecture.empty()) {
    instance.architecture = ArchitectureForInstanceType(instance.instance_type);
  }
  if (instance.pending_time.empty()) instance.pending_time = kDefaultPendingTime;

  if (instance.region.empty()) instance.region = defaults.region;
  if (instance.availability_zone.empty()) instance.availability_zone = instance.region + "a";
  if (instance.availability_zone_id.empty()) {
    instance.availability_zone_id = AvailabilityZoneId(instance.region, instance.availability_zone);
  }
  instance.partition =
      defaults.partition.empty() ? PartitionForRegion(instance.region) : defaults.partition;
  instance.domain = DomainForPartition(instance.partition);

  if (instance.mac.empty()) instance.mac = DeriveMac(name);
  if (instance.interface_id.empty()) instance.interface_id = DeriveId("eni-", name, "interface_id");
  if (instance.vpc_id.empty()) instance.vpc_id = DeriveId("vpc-", name, "vpc_id");
  if (instance.vpc_cidr.empty()) instance.vpc_cidr = kDefaultVpcCidr;
  if (instance.subnet_id.empty()) instance.subnet_id = DeriveId("subnet-", name, "subnet_id");
  if (instance.subnet_cidr.empty()) {
    instance.subnet_cidr = DefaultSubnetCidr(instance.vpc_cidr, instance.availability_zone);
  }
  if (instance.private_ip.empty()) {
    instance.private_ip = DerivePrivateIp(name, instance.subnet_cidr).value_or("");
  }
  if (instance.local_hostname.empty()) {
    instance.local_hostname = LocalHostname(instance.private_ip, instance.region);
  }
  if (instance.hostname.empty()) instance.hostname = instance.local_hostname;
  if (!instance.public_ip.empty() && instance.public_hostname.empty()) {
    instance.public_hostname = PublicHostname(instance.public_ip, instance.region, instance.domain);
  }
  if (instance.security_groups.empty()) instance.security_groups.push_back({"default", ""});
  for (auto& group : instance.security_groups) {
    if (group.id.empty()) group.id = DeriveId("sg-", name, "sg/" + group.name);
  }
  if (instance.block_devices.empty()) {
    instance.block_devices = {{"ami", "xvda"}, {"root", "/dev/xvda"}};
  }
}

}  // namespace imdsd::config
