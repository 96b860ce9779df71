#pragma once
// Derivation of the defaults the loader fills into an Instance.
//
// Every derived value is a pure function of the instance name and the fields already set, so
// the same config yields the same ids, MAC and addresses on every start (the token key and
// clients' caches outlive a restart). Ids come from a 64-bit FNV-1a hash of "<name>/<purpose>",
// not std::hash, whose values may change between builds. Free functions, no state, thread-safe.
// Internal to config/: consumers read the filled Config and never call these.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"

namespace imdsd::config {

inline constexpr char kDefaultAccountId[] = "123456789012";
inline constexpr char kDefaultRegion[] = "us-east-1";
inline constexpr char kDefaultInstanceType[] = "t3.micro";
inline constexpr char kDefaultPendingTime[] = "2026-01-01T00:00:00Z";
inline constexpr char kDefaultVpcCidr[] = "172.31.0.0/16";

// 64-bit FNV-1a.
std::uint64_t Fnv1a64(std::string_view data);

// `digits` lower-case hex digits derived from "<name>/<purpose>". Digits past the 16th come
// from "<name>/<purpose>/1", "<name>/<purpose>/2"...
std::string DeriveHex(std::string_view name, std::string_view purpose, int digits);

// prefix + 17 hex digits, the shape of current EC2 ids ("i-", "ami-", "vpc-"...).
std::string DeriveId(std::string_view prefix, std::string_view name, std::string_view purpose);

// A locally administered unicast MAC ("0e:12:34:56:78:9a").
std::string DeriveMac(std::string_view name);

// "aws", "aws-cn" (cn-*) or "aws-us-gov" (us-gov-*).
std::string PartitionForRegion(std::string_view region);
// "amazonaws.com", or "amazonaws.com.cn" for cn-*.
std::string DomainForRegion(std::string_view region);
// "amazonaws.com.cn" for aws-cn, "amazonaws.com" otherwise.
std::string DomainForPartition(std::string_view partition);
// False when `region` obviously lies in another partition: a cn-* region outside aws-cn, a
// us-gov-* region outside aws-us-gov, or any other region inside aws-cn or aws-us-gov. Other
// partitions (aws-iso...) are not checked.
bool RegionFitsPartition(std::string_view region, std::string_view partition);

// The refresh lead used when a level of the `credentials` settings sets a lifetime but no
// refresh_lead: five sixths of the lifetime, rounded down (6 h -> 5 h, as EC2: a new credential
// every sixth of the lifetime).
std::chrono::seconds DefaultRefreshLead(std::chrono::seconds lifetime);

// "use1" for us-east-1: a built-in table, else the first dash part, the initials of the middle
// parts (north/south + east/west count as two) and the trailing number ("me-central-1" -> mec1).
std::string RegionCode(std::string_view region);
// "use1-az1" for us-east-1a: region code + "-az" + (zone letter index + 1).
std::string AvailabilityZoneId(std::string_view region, std::string_view availability_zone);

// "arm64" when the family's letters after the generation digit contain 'g' (t4g, m7g, c6gn),
// or for a1; "x86_64" otherwise.
std::string ArchitectureForInstanceType(std::string_view instance_type);

// "ip-172-31-1-2.ec2.internal" in us-east-1, "ip-172-31-1-2.<region>.compute.internal" elsewhere.
std::string LocalHostname(std::string_view private_ip, std::string_view region);
// "ec2-3-4-5-6.compute-1.amazonaws.com" in us-east-1, "ec2-3-4-5-6.<region>.compute.<domain>"
// elsewhere.
std::string PublicHostname(std::string_view public_ip, std::string_view region,
                           std::string_view domain);

// The default VPC's subnet for the zone, as AWS lays them out: 172.31.(16 * zone index).0/20
// when `vpc_cidr` is the default VPC; otherwise the VPC block itself.
std::string DefaultSubnetCidr(std::string_view vpc_cidr, std::string_view availability_zone);

// An IPv4 address inside `subnet_cidr`, avoiding the 4 first and the last address that AWS
// reserves when the subnet is large enough. nullopt when `subnet_cidr` is not an IPv4 CIDR.
std::optional<std::string> DerivePrivateIp(std::string_view name, std::string_view subnet_cidr);

// What an instance inherits when it does not set its own: the top-level account_id, region and
// partition keys.
struct InstanceDefaults {
  std::string account_id = kDefaultAccountId;
  std::string region = kDefaultRegion;
  std::string partition;  // empty: PartitionForRegion() of the instance's region
};

// Fills every empty derivable field of `instance` (ids, zone, addresses, hostnames, default
// block devices and security group, partition/domain) from its name and `defaults`. Expects
// `name` and the fields that were set explicitly to be valid already; never fails.
void ApplyInstanceDefaults(Instance& instance, const InstanceDefaults& defaults = {});

}  // namespace imdsd::config
