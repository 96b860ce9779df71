#include "imds/instance_tree.h"

#include <string>
#include <utility>
#include <vector>

#include "common/time_format.h"
#include "imds/aws_json.h"

namespace imdsd::imds {
namespace {

using Dir = MetadataTreeBuilder::Dir;

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) {
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

template <typename Fn>
std::string JoinGroups(const config::Instance& instance, Fn field) {
  std::vector<std::string> values;
  for (const auto& group : instance.security_groups) values.push_back(field(group));
  return JoinLines(values);
}

bool HasPublicIp(const config::Instance& instance) { return !instance.public_ip.empty(); }

void AddNetworkInterface(const config::Instance& instance, Dir macs) {
  Dir mac = macs.AddDirectory(instance.mac);
  mac.AddLeaf("device-number", "0");
  mac.AddLeaf("interface-id", instance.interface_id);
  if (HasPublicIp(instance)) {
    mac.AddDirectory("ipv4-associations").AddLeaf(instance.public_ip, instance.private_ip);
  }
  if (!instance.ipv6_addresses.empty()) mac.AddLeaf("ipv6s", JoinLines(instance.ipv6_addresses));
  mac.AddLeaf("local-hostname", instance.local_hostname);
  mac.AddLeaf("local-ipv4s", instance.private_ip);
  mac.AddLeaf("mac", instance.mac);
  mac.AddLeaf("network-card-index", "0");
  mac.AddLeaf("owner-id", instance.account_id);
  if (HasPublicIp(instance)) {
    if (!instance.public_hostname.empty()) {
      mac.AddLeaf("public-hostname", instance.public_hostname);
    }
    mac.AddLeaf("public-ipv4s", instance.public_ip);
  }
  mac.AddLeaf("security-group-ids",
              JoinGroups(instance, [](const config::SecurityGroup& g) { return g.id; }));
  mac.AddLeaf("security-groups",
              JoinGroups(instance, [](const config::SecurityGroup& g) { return g.name; }));
  mac.AddLeaf("subnet-id", instance.subnet_id);
  mac.AddLeaf("subnet-ipv4-cidr-block", instance.subnet_cidr);
  if (!instance.subnet_ipv6_cidrs.empty()) {
    mac.AddLeaf("subnet-ipv6-cidr-blocks", JoinLines(instance.subnet_ipv6_cidrs));
  }
  mac.AddLeaf("vpc-id", instance.vpc_id);
  mac.AddLeaf("vpc-ipv4-cidr-block", instance.vpc_cidr);
  mac.AddLeaf("vpc-ipv4-cidr-blocks", instance.vpc_cidr);
  if (!instance.vpc_ipv6_cidrs.empty()) {
    mac.AddLeaf("vpc-ipv6-cidr-blocks", JoinLines(instance.vpc_ipv6_cidrs));
  }
}

void AddPublicKeys(const config::Instance& instance, Dir meta) {
  if (instance.public_keys.empty()) return;
  Dir keys = meta.AddDirectory("public-keys");
  // EC2 lists "<index>=<key name>" but serves the key only below "<index>/", in index order.
  std::vector<std::string> listing;
  for (std::size_t i = 0; i < instance.public_keys.size(); ++i) {
    const auto& [name, key] = instance.public_keys[i];
    const std::string index = std::to_string(i);
    keys.AddDirectory(index).AddLeaf("openssh-key", key);
    listing.push_back(index + "=" + name);
  }
  keys.OverrideListing(JoinLines(listing));
}

void AddMetaData(const config::Instance& instance, const InstanceTreeInputs& inputs, Dir meta) {
  meta.AddLeaf("ami-id", instance.ami_id);
  meta.AddLeaf("ami-launch-index", instance.ami_launch_index);
  meta.AddLeaf("ami-manifest-path", instance.ami_manifest_path);

  Dir devices = meta.AddDirectory("block-device-mapping");
  for (const auto& device : instance.block_devices) devices.AddLeaf(device.name, device.device);

  Dir events = meta.AddDirectory("events");
  Dir maintenance = events.AddDirectory("maintenance");
  maintenance.AddLeaf("history", "[]");
  maintenance.AddLeaf("scheduled", "[]");
  // EC2 adds recommendations/rebalance only after a rebalance signal.
  events.AddDirectory("recommendations");

  meta.AddLeaf("hostname", instance.hostname);
  if (!instance.instance_profile.empty() && inputs.providers.iam != nullptr) {
    meta.Mount("iam", *inputs.providers.iam);
  }

  Dir ec2_identity = meta.AddDirectory("identity-credentials").AddDirectory("ec2");
  ec2_identity.AddLeaf("info", AwsJsonObject()
                                   .AddString("Code", "Success")
                                   .AddString("LastUpdated", FormatIso8601(inputs.built_at))
                                   .AddString("AccountId", instance.account_id)
                                   .Build());
  // The ec2-instance identity credentials are not served yet.
  ec2_identity.AddDirectory("security-credentials");

  meta.AddLeaf("instance-action", instance.instance_action);
  meta.AddLeaf("instance-id", instance.instance_id);
  meta.AddLeaf("instance-life-cycle", instance.instance_life_cycle);
  meta.AddLeaf("instance-type", instance.instance_type);
  if (!instance.ipv6_addresses.empty()) meta.AddLeaf("ipv6", instance.ipv6_addresses.front());
  if (!instance.kernel_id.empty()) meta.AddLeaf("kernel-id", instance.kernel_id);
  meta.AddLeaf("local-hostname", instance.local_hostname);
  if (!instance.private_ip.empty()) meta.AddLeaf("local-ipv4", instance.private_ip);
  meta.AddLeaf("mac", instance.mac);
  meta.AddDirectory("metrics").AddLeaf("vhostmd", R"(<?xml version="1.0" encoding="UTF-8"?>)");
  AddNetworkInterface(instance,
                      meta.AddDirectory("network").AddDirectory("interfaces").AddDirectory("macs"));

  Dir placement = meta.AddDirectory("placement");
  placement.AddLeaf("availability-zone", instance.availability_zone);
  placement.AddLeaf("availability-zone-id", instance.availability_zone_id);
  placement.AddLeaf("region", instance.region);

  meta.AddLeaf("profile", instance.profile);
  if (HasPublicIp(instance)) {
    if (!instance.public_hostname.empty()) {
      meta.AddLeaf("public-hostname", instance.public_hostname);
    }
    meta.AddLeaf("public-ipv4", instance.public_ip);
  }
  AddPublicKeys(instance, meta);
  if (!instance.ramdisk_id.empty()) meta.AddLeaf("ramdisk-id", instance.ramdisk_id);
  meta.AddLeaf("reservation-id", instance.reservation_id);
  meta.AddLeaf("security-groups",
               JoinGroups(instance, [](const config::SecurityGroup& g) { return g.name; }));

  Dir services = meta.AddDirectory("services");
  services.AddLeaf("domain", instance.domain);
  services.AddLeaf("partition", instance.partition);

  meta.AddLeaf("system", "nitro");
  if (instance.metadata_options.instance_metadata_tags) {
    Dir tags = meta.AddDirectory("tags").AddDirectory("instance");
    for (const auto& [key, value] : instance.tags) tags.AddLeaf(key, value);
  }
}

}  // namespace

Result<MetadataTree> BuildInstanceTree(const config::Instance& instance,
                                       const InstanceTreeInputs& inputs,
                                       const DynamicSubtree& identity) {
  MetadataTreeBuilder builder;
  Dir root = builder.Root();

  Dir dynamic = root.AddDirectory("dynamic");
  dynamic.AddDirectory("fws").AddLeaf("instance-monitoring", "disabled");
  // EC2 documents a dsa2048 entry too; we have no DSA key, so it is absent.
  dynamic.Mount("instance-identity", identity);

  AddMetaData(instance, inputs, root.AddDirectory("meta-data"));
  if (instance.user_data) root.AddLeaf("user-data", *instance.user_data);
  // EC2 lists this level without trailing slashes on dynamic and meta-data.
  root.OverrideListing(instance.user_data ? "dynamic\nmeta-data\nuser-data" : "dynamic\nmeta-data");

  auto tree = std::move(builder).Finish();
  if (!tree.ok()) {
    return InvalidArgument("instance " + instance.name + ": " + tree.status().message());
  }
  return tree;
}

}  // namespace imdsd::imds
