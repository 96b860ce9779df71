#include "config/loader.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "common/random.h"
#include "common/time_format.h"
#include "config/defaults.h"
#include "config/rules.h"
#include "policy/evaluator.h"
#include "policy/parser.h"
#include "sts/identifiers.h"
#include "sts/rotation.h"

namespace imdsd::config {

std::string ConfigError::ToString() const {
  if (line <= 0) return file + ": " + reason;
  return file + ":" + std::to_string(line) + ": " + reason;
}

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxUserDataBytes = 16384;  // EC2's limit, after base64 decoding
constexpr int kDefaultStsPort = 8170;             // next to IMDS's 8169
constexpr std::size_t kMaxTagValueBytes = 256;

// The keys of one entry of `instances`, as the schema in docs/configuration.md lists them.
// clang-format off
constexpr std::array<std::string_view, 27> kInstanceKeys = {
    "name", "match", "instance_id", "account_id", "region", "availability_zone",
    "availability_zone_id", "ami_id", "ami_launch_index", "ami_manifest_path", "instance_type",
    "architecture", "instance_life_cycle", "kernel_id", "ramdisk_id", "reservation_id",
    "pending_time", "hostname", "public_keys", "tags", "user_data", "user_data_file",
    "user_data_base64", "block_device_mapping", "network", "instance_profile", "metadata_options"};
// clang-format on

// Collects every problem found, so one run of `imdsd --check-config` shows them all.
class ErrorList {
 public:
  explicit ErrorList(std::string file) : file_(std::move(file)) {}

  void Add(int line, std::string reason) { errors_.push_back({file_, line, std::move(reason)}); }
  void Warn(int line, std::string reason) { warnings_.push_back({file_, line, std::move(reason)}); }
  std::size_t size() const { return errors_.size(); }
  std::vector<ConfigError> Take() { return std::move(errors_); }
  std::vector<ConfigError> TakeWarnings() { return std::move(warnings_); }

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
  std::vector<ConfigError> warnings_;
};

// One value and where it was written. `path` names it for messages ("server.threads").
struct Field {
  std::string path;
  YAML::Node value;
  int line = 0;      // 1-based
  int key_line = 0;  // the line of its key when read from a map (MapReader), else 0

  int KeyLine() const { return key_line > 0 ? key_line : line; }
};

std::string Join(const std::vector<std::string_view>& words) {
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

std::string Join(std::initializer_list<std::string_view> words) {
  return Join(std::vector<std::string_view>(words));
}

// yaml-cpp marks are 0-based, and the mark of an empty value points past its key, so a value
// without content takes the line of its key.
int LineOf(const YAML::Node& node, int fallback) {
  if (node.IsNull() || node.Mark().is_null()) return fallback;
  return node.Mark().line + 1;
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return Quote(node.Scalar());
    default:
      return "nothing";
  }
}

std::string Child(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
}

std::string Where(std::string_view path) {
  return path.empty() ? "at the top level" : "in " + std::string(path);
}

// Reads one YAML map whose keys are known in advance. Unknown keys (with the closest known
// key as a hint), repeated keys and non-scalar keys are reported on construction.
class MapReader {
 public:
  MapReader(const YAML::Node& map, std::string path, const std::vector<std::string_view>& known,
            ErrorList& errors)
      : path_(std::move(path)) {
    std::map<std::string, int> seen;
    for (const auto& entry : map) {
      int key_line = LineOf(entry.first, 0);
      if (!entry.first.IsScalar()) {
        errors.Add(key_line,
                   "keys " + Where(path_) + " must be plain words, found " + Describe(entry.first));
        continue;
      }
      const std::string& key = entry.first.Scalar();
      auto [it, inserted] = seen.emplace(key, key_line);
      if (!inserted) {
        errors.Add(key_line, Quote(key) + " is set twice " + Where(path_) + " (first at line " +
                                 std::to_string(it->second) + ")");
        continue;
      }
      bool is_known = false;
      for (std::string_view k : known) is_known = is_known || k == key;
      if (!is_known) {
        std::string reason = "unknown key " + Quote(key) + " " + Where(path_);
        if (auto hint = ClosestWithin2(key, known)) {
          reason += " (did you mean \"" + *hint + "\"?)";
        } else {
          reason += "; known keys: " + Join(known);
        }
        errors.Add(key_line, reason);
        continue;
      }
      entries_.emplace(
          key, Field{Child(path_, key), entry.second, LineOf(entry.second, key_line), key_line});
    }
  }

  std::optional<Field> Get(std::string_view key) const {
    auto it = entries_.find(std::string(key));
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::string path_;
  std::map<std::string, Field> entries_;
};

std::optional<std::string> ReadString(ErrorList& errors, const Field& f) {
  if (f.value.IsNull()) return std::string();
  if (f.value.IsScalar()) return f.value.Scalar();
  errors.Add(f.line, f.path + ": expected a string, found " + Describe(f.value));
  return std::nullopt;
}

std::optional<int> ReadInt(ErrorList& errors, const Field& f, int min, int max) {
  std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
  if (!f.value.IsScalar()) {
    errors.Add(f.line,
               f.path + ": expected a whole number " + range + ", found " + Describe(f.value));
    return std::nullopt;
  }
  const std::string& text = f.value.Scalar();
  long long value = 0;
  bool digits = !text.empty() && text.size() <= 12;
  for (std::size_t i = 0; digits && i < text.size(); ++i) {
    if (i == 0 && text[i] == '-' && text.size() > 1) continue;
    digits = text[i] >= '0' && text[i] <= '9';
  }
  if (!digits) {
    errors.Add(f.line, f.path + ": expected a whole number " + range + ", found " + Quote(text));
    return std::nullopt;
  }
  value = std::stoll(text);
  if (value < min || value > max) {
    errors.Add(f.line, f.path + ": " + text + " is out of range; allowed: " + range);
    return std::nullopt;
  }
  return static_cast<int>(value);
}

std::optional<std::string> ReadChoice(ErrorList& errors, const Field& f,
                                      std::initializer_list<std::string_view> allowed) {
  if (f.value.IsScalar()) {
    for (std::string_view a : allowed) {
      if (f.value.Scalar() == a) return std::string(a);
    }
  }
  errors.Add(f.line,
             f.path + ": " + Describe(f.value) + " is not allowed; use one of " + Join(allowed));
  return std::nullopt;
}

std::optional<bool> ReadBool(ErrorList& errors, const Field& f) {
  if (f.value.IsScalar()) {
    const std::string& s = f.value.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  errors.Add(f.line, f.path + ": expected true or false, found " + Describe(f.value));
  return std::nullopt;
}

// "enabled"/"disabled" as EC2's metadata options spell them.
std::optional<bool> ReadEnabled(ErrorList& errors, const Field& f) {
  auto choice = ReadChoice(errors, f, {"enabled", "disabled"});
  if (!choice) return std::nullopt;
  return *choice == "enabled";
}

// A list; a single scalar counts as a one-element list, nothing as an empty one.
std::vector<Field> ReadList(ErrorList& errors, const Field& f) {
  std::vector<Field> items;
  if (f.value.IsNull()) return items;
  if (f.value.IsScalar()) {
    items.push_back({f.path, f.value, f.line});
    return items;
  }
  if (!f.value.IsSequence()) {
    errors.Add(f.line, f.path + ": expected a list, found " + Describe(f.value));
    return items;
  }
  for (std::size_t i = 0; i < f.value.size(); ++i) {
    const YAML::Node item = f.value[i];
    items.push_back({f.path + "[" + std::to_string(i) + "]", item, LineOf(item, f.line)});
  }
  return items;
}

std::vector<std::string> ReadStringList(ErrorList& errors, const Field& f,
                                        std::vector<int>* lines = nullptr) {
  std::vector<std::string> out;
  for (const Field& item : ReadList(errors, f)) {
    if (!item.value.IsScalar()) {
      errors.Add(item.line, item.path + ": expected a string, found " + Describe(item.value));
      continue;
    }
    out.push_back(item.value.Scalar());
    if (lines != nullptr) lines->push_back(item.line);
  }
  return out;
}

struct MapEntry {
  std::string key;
  Field field;
};

// A map with free-form keys (tags, public keys), in the order written.
std::vector<MapEntry> ReadOpenMap(ErrorList& errors, const Field& f) {
  std::vector<MapEntry> out;
  if (f.value.IsNull()) return out;
  if (!f.value.IsMap()) {
    errors.Add(f.line, f.path + ": expected a map, found " + Describe(f.value));
    return out;
  }
  std::map<std::string, int> seen;
  for (const auto& entry : f.value) {
    int key_line = LineOf(entry.first, f.line);
    if (!entry.first.IsScalar()) {
      errors.Add(key_line, f.path + ": keys must be strings, found " + Describe(entry.first));
      continue;
    }
    const std::string& key = entry.first.Scalar();
    auto [it, inserted] = seen.emplace(key, key_line);
    if (!inserted) {
      errors.Add(key_line, f.path + ": " + Quote(key) + " is set twice (first at line " +
                               std::to_string(it->second) + ")");
      continue;
    }
    Field value{f.path + "." + key, entry.second, LineOf(entry.second, key_line)};
    if (!entry.second.IsNull() && !entry.second.IsScalar()) {
      errors.Add(value.line, value.path + ": expected a string, found " + Describe(entry.second));
      continue;
    }
    out.push_back({key, value});
  }
  return out;
}

fs::path Resolve(const fs::path& base_dir, const std::string& value) {
  fs::path p(value);
  return (p.is_absolute() ? p : base_dir / p).lexically_normal();
}

// Closes a file descriptor on scope exit.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;

  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads at most `limit + 1` bytes, enough to tell an oversized file without loading it whole.
// Errors: kIoError with the OS reason.
Result<std::string> ReadFileCapped(const fs::path& path, std::size_t limit) {
  ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return IoError(std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError(std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return IoError("not a regular file");
  std::string data;
  char buf[4096];
  while (data.size() <= limit) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError(std::strerror(errno));
    if (n == 0) break;
    data.append(buf, static_cast<std::size_t>(n));
  }
  if (data.size() > limit + 1) data.resize(limit + 1);
  return data;
}

bool CidrInside(const net::Cidr& inner, const net::Cidr& outer) {
  return outer.prefix_length() <= inner.prefix_length() && outer.Contains(inner.base());
}

// An instance as read, with the lines its cross-checks need.
struct ReadInstance {
  Instance instance;
  std::string path;    // "instances[2]"
  bool clean = false;  // no error inside this instance: defaults were applied
  int line = 0;
  int name_line = 0;
  int instance_id_line = 0;
  int instance_profile_line = 0;
  std::vector<int> match_lines;
  std::map<std::string, int> lines;  // field path inside the instance -> line

  int LineFor(const std::string& key) const {
    auto it = lines.find(key);
    return it == lines.end() ? line : it->second;
  }
};

// Reads an optional string; `problem(value)` returns why a non-empty value is refused.
template <typename Check>
void ReadStringField(ErrorList& errors, const MapReader& map, std::string_view key,
                     ReadInstance& read, std::string& out, Check problem) {
  auto f = map.Get(key);
  if (!f) return;
  auto value = ReadString(errors, *f);
  if (!value) return;
  if (!value->empty()) {
    std::string why = problem(*value);
    if (!why.empty()) {
      errors.Add(f->line, f->path + ": " + Quote(*value) + " " + why);
      return;
    }
  }
  out = *value;
  read.lines[f->path.substr(f->path.find('.') + 1)] = f->line;
}

void ReadIdField(ErrorList& errors, const MapReader& map, std::string_view key,
                 std::string_view prefix, ReadInstance& read, std::string& out) {
  std::string expected =
      "is not an id of the form \"" + std::string(prefix) + "\" and 8 or 17 lower-case hex digits";
  ReadStringField(errors, map, key, read, out, [&](const std::string& v) {
    return IsEc2Id(v, prefix) ? std::string() : expected;
  });
}

void ReadChoiceField(ErrorList& errors, const MapReader& map, std::string_view key,
                     std::initializer_list<std::string_view> allowed, std::string& out) {
  if (auto f = map.Get(key)) {
    if (auto v = ReadChoice(errors, *f, allowed)) out = *v;
  }
}

void ReadIntInto(ErrorList& errors, const std::optional<Field>& field, int min, int max, int& out) {
  if (!field) return;
  if (auto v = ReadInt(errors, *field, min, max)) out = *v;
}

bool ExpectMap(ErrorList& errors, const Field& f) {
  if (f.value.IsMap()) return true;
  errors.Add(f.line, f.path + ": expected a map, found " + Describe(f.value));
  return false;
}

// An optional section: a map, or nothing at all (every key inside commented out).
bool IsSection(ErrorList& errors, const Field& f) {
  return !f.value.IsNull() && ExpectMap(errors, f);
}

// Reads one entry of `instances`, checks it, and fills its defaults when it has no error.
class InstanceReader {
 public:
  // `partition_line`: where the top-level partition is set (0: not set).
  InstanceReader(const fs::path& base_dir, const InstanceDefaults& defaults, int partition_line,
                 ErrorList& errors)
      : base_dir_(base_dir),
        defaults_(defaults),
        partition_line_(partition_line),
        errors_(errors) {}

  ReadInstance Read(const Field& item) {
    const std::size_t errors_before = errors_.size();
    ReadInstance read;
    read.path = item.path;
    read.line = item.line;
    read.name_line = item.line;
    read.instance_id_line = item.line;
    Instance& in = read.instance;
    in.source_line = item.line;
    MapReader map(item.value, item.path, {kInstanceKeys.begin(), kInstanceKeys.end()}, errors_);

    ReadNameAndMatch(map, item, read);
    ReadScalars(map, read);
    ReadPublicKeys(map.Get("public_keys"), in);
    ReadUserData(map, in);
    ReadBlockDevices(map.Get("block_device_mapping"), in);
    if (auto f = map.Get("network"); f && IsSection(errors_, *f)) ReadNetwork(*f, read);
    if (auto f = map.Get("instance_profile")) {
      // Checked against instance_profiles once all sections are read.
      if (auto profile = ReadString(errors_, *f)) {
        in.instance_profile = *profile;
        read.instance_profile_line = f->line;
      }
    }
    if (auto f = map.Get("metadata_options"); f && IsSection(errors_, *f)) {
      ReadMetadataOptions(*f, in.metadata_options);
    }
    ReadTags(map.Get("tags"), in);

    read.clean = errors_.size() == errors_before;
    if (read.clean) {
      ApplyInstanceDefaults(in, defaults_);
      CheckNetwork(read);
    }
    return read;
  }

 private:
  void ReadNameAndMatch(const MapReader& map, const Field& item, ReadInstance& read) {
    Instance& in = read.instance;
    if (auto f = map.Get("name")) {
      read.name_line = f->line;
      auto name = ReadString(errors_, *f);
      if (name && IsInstanceName(*name)) {
        in.name = *name;
      } else if (name) {
        errors_.Add(f->line, f->path + ": " + Quote(*name) +
                                 " is not a valid name; use 1 to 64 of A-Z a-z 0-9 . _ -");
      }
    } else {
      errors_.Add(item.line, item.path + ": \"name\" is required");
    }

    if (auto f = map.Get("match")) {
      std::vector<int> lines;
      std::vector<std::string> texts = ReadStringList(errors_, *f, &lines);
      for (std::size_t i = 0; i < texts.size(); ++i) {
        auto cidr = net::Cidr::Parse(texts[i]);
        if (!cidr) {
          errors_.Add(lines[i], f->path + ": " + Quote(texts[i]) +
                                    " is not an address or CIDR (e.g. 127.0.0.1, 10.0.0.0/8, "
                                    "fd00::/8; no host bits below the prefix)");
          continue;
        }
        in.match.push_back(*cidr);
        read.match_lines.push_back(lines[i]);
      }
      if (texts.empty()) {
        errors_.Add(f->line, f->path + ": give at least one source address or CIDR");
      }
    } else {
      errors_.Add(item.line,
                  item.path + ": \"match\" is required (the source addresses it answers)");
    }
  }

  // The single-valued fields outside the network and metadata_options sections.
  void ReadScalars(const MapReader& map, ReadInstance& read) {
    Instance& in = read.instance;
    if (auto f = map.Get("instance_id")) {
      read.instance_id_line = f->line;
      auto id = ReadString(errors_, *f);
      if (id && !id->empty() && !IsEc2Id(*id, "i-")) {
        errors_.Add(f->line, f->path + ": " + Quote(*id) +
                                 " is not an instance id; expected \"i-\" and 8 or 17 lower-case "
                                 "hex digits");
      } else if (id) {
        in.instance_id = *id;
      }
    }
    ReadStringField(errors_, map, "account_id", read, in.account_id, [](const std::string& v) {
      return IsAccountId(v) ? "" : "is not an account id; expected 12 digits";
    });
    ReadStringField(errors_, map, "region", read, in.region, [this](const std::string& v) {
      if (!IsRegionName(v)) return std::string("is not a region name like us-east-1");
      if (partition_line_ > 0 && !RegionFitsPartition(v, defaults_.partition)) {
        return "is in partition " + PartitionForRegion(v) + ", not in partition " +
               defaults_.partition + " (set at line " + std::to_string(partition_line_) + ")";
      }
      return std::string();
    });
    const std::string region = in.region.empty() ? defaults_.region : in.region;
    ReadStringField(
        errors_, map, "availability_zone", read, in.availability_zone,
        [&region](const std::string& v) -> std::string {
          bool ok = v.size() == region.size() + 1 && v.compare(0, region.size(), region) == 0 &&
                    v.back() >= 'a' && v.back() <= 'z';
          return ok ? "" : "is not a zone of region " + region + " (e.g. " + region + "a)";
        });
    ReadStringField(errors_, map, "availability_zone_id", read, in.availability_zone_id,
                    [](const std::string& v) {
                      return IsAvailabilityZoneId(v) ? "" : "is not a zone id like use1-az1";
                    });
    ReadIdField(errors_, map, "ami_id", "ami-", read, in.ami_id);
    if (auto f = map.Get("ami_launch_index")) {
      if (auto index = ReadInt(errors_, *f, 0, 9999)) in.ami_launch_index = std::to_string(*index);
    }
    ReadStringField(errors_, map, "ami_manifest_path", read, in.ami_manifest_path,
                    [](const std::string&) { return ""; });
    if (in.ami_manifest_path.empty()) in.ami_manifest_path = "(unknown)";
    ReadStringField(errors_, map, "instance_type", read, in.instance_type,
                    [](const std::string& v) {
                      return IsInstanceType(v) ? "" : "is not an instance type like t3.micro";
                    });
    ReadChoiceField(errors_, map, "architecture", {"x86_64", "arm64", "i386"}, in.architecture);
    ReadChoiceField(errors_, map, "instance_life_cycle",
                    {"on-demand", "spot", "scheduled", "capacity-block"}, in.instance_life_cycle);
    ReadIdField(errors_, map, "kernel_id", "aki-", read, in.kernel_id);
    ReadIdField(errors_, map, "ramdisk_id", "ari-", read, in.ramdisk_id);
    ReadIdField(errors_, map, "reservation_id", "r-", read, in.reservation_id);
    ReadStringField(errors_, map, "pending_time", read, in.pending_time, [](const std::string& v) {
      return ParseIso8601(v) ? "" : "is not a UTC time like 2026-01-01T00:00:00Z";
    });
    ReadStringField(errors_, map, "hostname", read, in.hostname, [](const std::string& v) {
      return v.find_first_of(" \t\r\n/") == std::string::npos ? "" : "is not a host name";
    });
  }

  void ReadPublicKeys(const std::optional<Field>& field, Instance& in) {
    if (!field) return;
    for (auto& [name, f] : ReadOpenMap(errors_, *field)) {
      std::string key = f.value.IsScalar() ? f.value.Scalar() : "";
      if (name.empty() || name.find_first_of("/\n") != std::string::npos) {
        errors_.Add(f.line, field->path + ": " + Quote(name) +
                                " cannot be a key name (non-empty, no '/' or line break)");
      } else if (key.empty() || key.find('\n') != std::string::npos) {
        errors_.Add(f.line, f.path + ": expected one line like \"ssh-ed25519 AAAA... comment\"");
      } else {
        in.public_keys.emplace_back(name, key);
      }
    }
  }

  void ReadTags(const std::optional<Field>& field, Instance& in) {
    if (!field) return;
    const bool exposed = in.metadata_options.instance_metadata_tags;
    for (auto& [key, f] : ReadOpenMap(errors_, *field)) {
      std::string value = f.value.IsScalar() ? f.value.Scalar() : "";
      std::string problem = TagKeyProblem(key);
      if (!exposed && !key.empty() && key.size() <= 128) problem.clear();
      if (!problem.empty()) {
        errors_.Add(f.line,
                    field->path + ": " + Quote(key) + ": " + problem +
                        (exposed ? " (metadata_options.instance_metadata_tags is enabled)" : ""));
      } else if (value.size() > kMaxTagValueBytes) {
        errors_.Add(f.line, f.path + ": a tag value has at most 256 characters, found " +
                                std::to_string(value.size()));
      } else {
        in.tags[key] = value;
      }
    }
  }

  void ReadUserData(const MapReader& map, Instance& in) {
    std::optional<Field> chosen;
    for (std::string_view key : {"user_data", "user_data_file", "user_data_base64"}) {
      auto f = map.Get(key);
      if (!f) continue;
      if (chosen) {
        errors_.Add(f->line, f->path + ": " + chosen->path +
                                 " is already set; use only one of user_data, user_data_file "
                                 "and user_data_base64");
        return;
      }
      chosen = f;
    }
    if (!chosen) return;
    auto text = ReadString(errors_, *chosen);
    if (!text) return;
    std::string data;
    const std::string key = chosen->path.substr(chosen->path.rfind('.') + 1);
    if (key == "user_data") {
      data = *text;
    } else if (key == "user_data_base64") {
      auto decoded = DecodeBase64(*text);
      if (!decoded) {
        errors_.Add(chosen->line, chosen->path + ": not valid base64");
        return;
      }
      data = std::move(*decoded);
    } else {
      fs::path path = Resolve(base_dir_, *text);
      auto contents = ReadFileCapped(path, kMaxUserDataBytes);
      if (!contents.ok()) {
        errors_.Add(chosen->line, chosen->path + ": cannot read " + path.string() + ": " +
                                      contents.status().message());
        return;
      }
      data = std::move(*contents);
    }
    if (data.size() > kMaxUserDataBytes) {
      errors_.Add(chosen->line, chosen->path +
                                    ": user data is limited to 16384 bytes (EC2's "
                                    "limit), found " +
                                    (key == "user_data_file" ? std::string("more")
                                                             : std::to_string(data.size())));
      return;
    }
    if (!data.empty()) in.user_data = std::move(data);  // empty user data is served as none
  }

  void ReadBlockDevices(const std::optional<Field>& field, Instance& in) {
    if (!field) return;
    for (auto& [name, f] : ReadOpenMap(errors_, *field)) {
      std::string device = f.value.IsScalar() ? f.value.Scalar() : "";
      if (!IsBlockDeviceName(name)) {
        errors_.Add(f.line, field->path + ": " + Quote(name) +
                                " is not a mapping name; use ami, root, swap, ebsN or ephemeralN");
      } else if (device.empty() || device.find_first_of(" \t\n") != std::string::npos) {
        errors_.Add(f.line,
                    f.path + ": expected a device name like /dev/xvda, found " + Quote(device));
      } else {
        in.block_devices.push_back({name, device});
      }
    }
  }

  void ReadNetwork(const Field& field, ReadInstance& read) {
    Instance& in = read.instance;
    MapReader map(
        field.value, field.path,
        {"mac", "interface_id", "private_ip", "public_ip", "ipv6", "vpc_id", "vpc_cidr",
         "vpc_ipv6_cidrs", "subnet_id", "subnet_cidr", "subnet_ipv6_cidrs", "security_groups"},
        errors_);
    ReadStringField(errors_, map, "mac", read, in.mac, [](const std::string& v) {
      return IsMacAddress(v) ? "" : "is not a MAC address like 0e:12:34:56:78:9a (lower-case)";
    });
    ReadIdField(errors_, map, "interface_id", "eni-", read, in.interface_id);
    ReadIdField(errors_, map, "vpc_id", "vpc-", read, in.vpc_id);
    ReadIdField(errors_, map, "subnet_id", "subnet-", read, in.subnet_id);
    auto v4_address = [](const std::string& v) {
      auto ip = net::IpAddress::Parse(v);
      return ip && ip->is_v4() ? "" : "is not an IPv4 address";
    };
    auto v4_cidr = [](const std::string& v) {
      auto cidr = net::Cidr::Parse(v);
      return cidr && cidr->base().is_v4() && v.find('/') != std::string::npos
                 ? ""
                 : "is not an IPv4 CIDR like 172.31.0.0/16 (no host bits below the prefix)";
    };
    ReadStringField(errors_, map, "private_ip", read, in.private_ip, v4_address);
    ReadStringField(errors_, map, "public_ip", read, in.public_ip, v4_address);
    ReadStringField(errors_, map, "vpc_cidr", read, in.vpc_cidr, v4_cidr);
    ReadStringField(errors_, map, "subnet_cidr", read, in.subnet_cidr, v4_cidr);
    if (auto f = map.Get("ipv6")) {
      std::vector<int> lines;
      std::vector<std::string> texts = ReadStringList(errors_, *f, &lines);
      for (std::size_t i = 0; i < texts.size(); ++i) {
        auto ip = net::IpAddress::Parse(texts[i]);
        if (!ip || ip->is_v4()) {
          errors_.Add(lines[i], f->path + ": " + Quote(texts[i]) + " is not an IPv6 address");
          continue;
        }
        read.lines["network.ipv6[" + std::to_string(in.ipv6_addresses.size()) + "]"] = lines[i];
        in.ipv6_addresses.push_back(ip->ToString());
      }
    }
    ReadV6Cidrs(map.Get("vpc_ipv6_cidrs"), in.vpc_ipv6_cidrs, read);
    ReadV6Cidrs(map.Get("subnet_ipv6_cidrs"), in.subnet_ipv6_cidrs, read);
    if (auto f = map.Get("security_groups")) ReadSecurityGroups(*f, read);
  }

  void ReadV6Cidrs(const std::optional<Field>& field, std::vector<std::string>& out,
                   ReadInstance& read) {
    if (!field) return;
    std::vector<int> lines;
    std::vector<std::string> texts = ReadStringList(errors_, *field, &lines);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      auto cidr = net::Cidr::Parse(texts[i]);
      if (!cidr || cidr->base().is_v4() || texts[i].find('/') == std::string::npos) {
        errors_.Add(lines[i], field->path + ": " + Quote(texts[i]) +
                                  " is not an IPv6 CIDR like 2600:1f18:1234::/56");
        continue;
      }
      std::string key = field->path.substr(field->path.rfind('.') + 1);
      read.lines["network." + key + "[" + std::to_string(out.size()) + "]"] = lines[i];
      out.push_back(cidr->ToString());
    }
  }

  void ReadSecurityGroups(const Field& field, ReadInstance& read) {
    for (const Field& item : ReadList(errors_, field)) {
      SecurityGroup group;
      if (item.value.IsScalar()) {
        group.name = item.value.Scalar();
      } else if (ExpectMap(errors_, item)) {
        MapReader map(item.value, item.path, {"name", "id"}, errors_);
        if (auto f = map.Get("name")) {
          group.name = ReadString(errors_, *f).value_or("");
        }
        if (auto f = map.Get("id")) {
          auto id = ReadString(errors_, *f);
          if (id && !id->empty() && !IsEc2Id(*id, "sg-")) {
            errors_.Add(f->line, f->path + ": " + Quote(*id) +
                                     " is not a security group id; expected \"sg-\" and 8 or "
                                     "17 lower-case hex digits");
          } else if (id) {
            group.id = *id;
          }
        }
      } else {
        continue;
      }
      if (group.name.empty()) {
        errors_.Add(item.line, item.path + ": a security group needs a name");
        continue;
      }
      read.instance.security_groups.push_back(group);
    }
  }

  void ReadMetadataOptions(const Field& field, MetadataOptions& options) {
    MapReader map(field.value, field.path,
                  {"http_endpoint", "http_tokens", "http_put_response_hop_limit",
                   "http_protocol_ipv6", "instance_metadata_tags"},
                  errors_);
    if (auto f = map.Get("http_endpoint")) {
      if (auto v = ReadEnabled(errors_, *f)) options.http_endpoint_enabled = *v;
    }
    if (auto f = map.Get("http_tokens")) {
      if (auto v = ReadChoice(errors_, *f, {"optional", "required"})) {
        options.http_tokens = *v == "required" ? HttpTokens::kRequired : HttpTokens::kOptional;
      }
    }
    ReadIntInto(errors_, map.Get("http_put_response_hop_limit"), 1, 64,
                options.http_put_response_hop_limit);
    if (auto f = map.Get("http_protocol_ipv6")) {
      if (auto v = ReadEnabled(errors_, *f)) options.http_protocol_ipv6 = *v;
    }
    if (auto f = map.Get("instance_metadata_tags")) {
      if (auto v = ReadEnabled(errors_, *f)) options.instance_metadata_tags = *v;
    }
  }

  // Consistency of the network block once defaults are in place.
  void CheckNetwork(const ReadInstance& read) {
    const Instance& in = read.instance;
    auto vpc = net::Cidr::Parse(in.vpc_cidr);
    auto subnet = net::Cidr::Parse(in.subnet_cidr);
    auto private_ip = net::IpAddress::Parse(in.private_ip);
    if (!vpc || !subnet || !private_ip) return;  // each was checked on its own already
    if (!CidrInside(*subnet, *vpc)) {
      errors_.Add(read.LineFor("network.subnet_cidr"),
                  read.path + ".network.subnet_cidr: " + in.subnet_cidr +
                      " is not inside vpc_cidr " + in.vpc_cidr +
                      (read.lines.count("network.vpc_cidr") ? "" : " (the default)"));
    } else if (!subnet->Contains(*private_ip)) {
      errors_.Add(read.LineFor("network.private_ip"),
                  read.path + ".network.private_ip: " + in.private_ip +
                      " is not inside subnet_cidr " + in.subnet_cidr +
                      (read.lines.count("network.subnet_cidr") ? "" : " (the default)"));
    }
    for (std::size_t i = 0; i < in.subnet_ipv6_cidrs.size() && !in.vpc_ipv6_cidrs.empty(); ++i) {
      auto inner = net::Cidr::Parse(in.subnet_ipv6_cidrs[i]);
      bool inside = false;
      for (const auto& outer_text : in.vpc_ipv6_cidrs) {
        inside = inside || CidrInside(*inner, *net::Cidr::Parse(outer_text));
      }
      if (!inside) {
        errors_.Add(read.LineFor("network.subnet_ipv6_cidrs[" + std::to_string(i) + "]"),
                    read.path + ".network.subnet_ipv6_cidrs: " + in.subnet_ipv6_cidrs[i] +
                        " is not inside any of vpc_ipv6_cidrs");
      }
    }
    for (std::size_t i = 0; i < in.ipv6_addresses.size() && !in.subnet_ipv6_cidrs.empty(); ++i) {
      auto ip = net::IpAddress::Parse(in.ipv6_addresses[i]);
      bool inside = false;
      for (const auto& cidr_text : in.subnet_ipv6_cidrs) {
        inside = inside || net::Cidr::Parse(cidr_text)->Contains(*ip);
      }
      if (!inside) {
        errors_.Add(read.LineFor("network.ipv6[" + std::to_string(i) + "]"),
                    read.path + ".network.ipv6: " + in.ipv6_addresses[i] +
                        " is not inside any of subnet_ipv6_cidrs");
      }
    }
  }

  const fs::path& base_dir_;
  const InstanceDefaults& defaults_;
  const int partition_line_;
  ErrorList& errors_;
};

// ---- IAM: credentials, roles, instance profiles ----------------------------------------------

constexpr std::size_t kMaxPolicyFileBytes = std::size_t{1} << 20;
constexpr int kMaxPolicyDepth = 32;  // YAML nesting; IAM documents need 5
constexpr char kRolesDoc[] = "docs/configuration.md#roles";
constexpr char kEc2TrustExample[] =
    "e.g. {Version: \"2012-10-17\", Statement: [{Effect: Allow, Principal: {Service: "
    "ec2.amazonaws.com}, Action: \"sts:AssumeRole\"}]}";
constexpr char kPermissionExample[] =
    "e.g. {Version: \"2012-10-17\", Statement: [{Effect: Allow, Action: \"s3:GetObject\", "
    "Resource: \"*\"}]}";

// clang-format off
constexpr std::array<std::string_view, 9> kRoleKeys = {
    "name", "path", "account", "account_id", "max_session_duration", "trust_policy",
    "trust_policy_file", "policies", "tags"};
// clang-format on

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// "role \"x\" is not defined; defined roles: a, b" with a hint for a near miss.
std::string NotDefined(std::string_view what, const std::string& name,
                       const std::vector<std::string>& defined, std::string_view section) {
  std::string out = std::string(what) + " " + Quote(name) + " is not defined; ";
  if (defined.empty()) {
    return out + "no " + std::string(what) + "s are defined (add one under " +
           std::string(section) + ", see docs/configuration.md)";
  }
  out += "defined " + std::string(what) + "s: " + JoinNames(defined);
  std::vector<std::string_view> candidates(defined.begin(), defined.end());
  if (auto hint = ClosestWithin2(name, candidates)) out += " (did you mean " + Quote(*hint) + "?)";
  return out;
}

// A duration setting: whole seconds or "1h30m" (rules.h ParseDuration).
std::optional<std::chrono::seconds> ReadDuration(ErrorList& errors, const Field& f) {
  if (f.value.IsScalar()) {
    if (auto d = ParseDuration(f.value.Scalar())) return d;
  }
  errors.Add(f.line, f.path +
                         ": expected a duration like 90s, 20m, 6h or 1h30m, or whole seconds, "
                         "found " +
                         Describe(f.value));
  return std::nullopt;
}

// The line of the YAML node a policy problem's path leads to (the deepest one that exists).
int LineForPolicyPath(const YAML::Node& document, const std::vector<std::string>& path,
                      int fallback) {
  YAML::Node node(document);
  int line = LineOf(document, fallback);
  for (const std::string& step : path) {
    std::optional<YAML::Node> next;
    int next_line = line;
    if (node.IsMap()) {
      for (const auto& entry : node) {
        if (entry.first.IsScalar() && entry.first.Scalar() == step) {
          next = entry.second;
          next_line = LineOf(entry.second, LineOf(entry.first, line));
          break;
        }
      }
    } else if (node.IsSequence() && step.size() > 2 && step.front() == '[') {
      const std::size_t index = std::stoul(step.substr(1, step.size() - 2));
      const YAML::Node& sequence = node;
      if (index < sequence.size()) {
        next = sequence[index];
        next_line = LineOf(*next, line);
      }
    }
    if (!next) break;
    node.reset(*next);  // reset(), not operator=, which would overwrite the node's content
    line = next_line;
  }
  return line;
}

// A policy document read from the configuration, parsed and checked.
struct LoadedPolicy {
  PolicyDocument document;
  policy::Policy policy;
  std::string where;  // for messages: "line 12", or the file name as written
};

struct ReadRole {
  Role role;
  std::string path;  // "roles[0]"
  int name_line = 0;
  std::optional<LoadedPolicy> trust;  // set when the trust policy is valid
};

struct ReadUser {
  User user;
  std::string path;  // "users[0]"
  int name_line = 0;
  int user_id_line = 0;
};

struct ReadProfile {
  InstanceProfile profile;
  std::string path;  // "instance_profiles[0]"
  int name_line = 0;
  int role_line = 0;
};

constexpr std::size_t kMaxSecretFileBytes = 4096;
constexpr std::size_t kMaxKeyFileBytes = std::size_t{1} << 20;

// Editors and `echo` end a value with a line break; it is not part of the secret.
void DropLineEnd(std::string& text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
}

// A secret from a file. Refused unless it is a regular file that other users cannot read (any
// user of the host could otherwise take the key). Trailing line breaks and spaces are dropped.
// Errors: kPermissionDenied with the mode when others may read it, kIoError with the OS reason.
Result<std::string> ReadSecretFile(const fs::path& path) {
  ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return IoError(std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError(std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return IoError("not a regular file");
  if ((st.st_mode & S_IROTH) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return PermissionDenied(std::string("readable by every user of this host (mode ") + mode +
                            "); run: chmod 600 " + path.string());
  }
  std::string data;
  char buf[1024];
  while (data.size() <= kMaxSecretFileBytes) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError(std::strerror(errno));
    if (n == 0) break;
    data.append(buf, static_cast<std::size_t>(n));
  }
  if (data.size() > kMaxSecretFileBytes) return IoError("larger than 4 KiB; expected one line");
  DropLineEnd(data);
  return data;
}

// Reads the one secret of an entry from `<name>_file` (a 0600 file), `<name>_env` (an
// environment variable) or `<name>` (inline: only with the top-level allow_inline_secrets, and
// then with a warning). Never puts the secret into a message.
class SecretReader {
 public:
  // `inline_switch_line`: where allow_inline_secrets is switched on; 0: it is off.
  SecretReader(const fs::path& base_dir, int inline_switch_line, ErrorList& errors)
      : base_dir_(base_dir), inline_switch_line_(inline_switch_line), errors_(errors) {}

  // `what` names the secret for messages ("secret access key"). nullopt when it is missing or
  // unreadable (reported); the caller checks the value's form.
  std::optional<std::pair<SecretValue, Field>> Read(const MapReader& map, const Field& owner,
                                                    const std::string& name,
                                                    const std::string& what) {
    const std::string file_key = name + "_file";
    const std::string env_key = name + "_env";
    std::optional<Field> chosen;
    for (const std::string& key : {file_key, env_key, name}) {
      auto f = map.Get(key);
      if (!f) continue;
      if (chosen) {
        errors_.Add(f->line, f->path + ": " + chosen->path + " is already set; use only one of " +
                                 file_key + ", " + env_key + " and " + name);
        return std::nullopt;
      }
      chosen = f;
    }
    if (!chosen) {
      errors_.Add(owner.line, owner.path + ": the " + what + " is missing: set " + file_key +
                                  " (a file only you can read, chmod 600) or " + env_key +
                                  " (an environment variable)");
      return std::nullopt;
    }
    const Field& f = *chosen;
    const std::string key = f.path.substr(f.path.rfind('.') + 1);
    if (!f.value.IsScalar()) {
      errors_.Add(f.line, f.path + ": expected a string, found " +
                              (f.value.IsNull() ? std::string("nothing") : "a list or map"));
      return std::nullopt;
    }
    const std::string& text = f.value.Scalar();
    if (key == name) return ReadInline(f, text, what);
    if (key == env_key) return ReadEnv(f, text, what);
    if (text.empty()) {
      errors_.Add(f.line, f.path + ": must name a file");
      return std::nullopt;
    }
    const fs::path path = Resolve(base_dir_, text);
    auto contents = ReadSecretFile(path);
    if (!contents.ok()) {
      errors_.Add(f.line, f.path + ": " + path.string() + ": " + contents.status().message());
      return std::nullopt;
    }
    if (contents->empty()) {
      errors_.Add(f.line, f.path + ": " + path.string() + " is empty; it should hold the " + what);
      return std::nullopt;
    }
    return std::make_pair(SecretValue(std::move(*contents), file_key + " " + path.string()), f);
  }

 private:
  std::optional<std::pair<SecretValue, Field>> ReadInline(const Field& f, const std::string& text,
                                                          const std::string& what) {
    if (inline_switch_line_ == 0) {
      const std::string key = f.path.substr(f.path.rfind('.') + 1);
      errors_.Add(f.line, f.path + ": an inline " + what +
                              " is refused: anyone who can read this file could use it. Put it "
                              "in a file (" +
                              key + "_file, chmod 600) or an environment variable (" + key +
                              "_env); for a throwaway lab, set allow_inline_secrets: true at the "
                              "top level");
      return std::nullopt;
    }
    errors_.Warn(f.line,
                 f.path + ": inline " + what + " (allowed by allow_inline_secrets at line " +
                     std::to_string(inline_switch_line_) + "); do not use this file outside a lab");
    return std::make_pair(SecretValue(text, "inline at line " + std::to_string(f.line)), f);
  }

  std::optional<std::pair<SecretValue, Field>> ReadEnv(const Field& f, const std::string& name,
                                                       const std::string& what) {
    if (!IsEnvVarName(name)) {
      errors_.Add(f.line, f.path + ": " + Quote(name) +
                              " is not an environment variable name (letters, digits and _, not "
                              "starting with a digit)");
      return std::nullopt;
    }
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      errors_.Add(f.line, f.path + ": environment variable " + name +
                              " is not set; imdsd reads it when it loads the configuration "
                              "(also on reload), so export it before starting imdsd");
      return std::nullopt;
    }
    std::string text(value);
    DropLineEnd(text);
    if (text.empty()) {
      errors_.Add(f.line, f.path + ": environment variable " + name +
                              " is empty; it should hold "
                              "the " +
                              what);
      return std::nullopt;
    }
    const std::string key = f.path.substr(f.path.rfind('.') + 1);
    return std::make_pair(SecretValue(std::move(text), key + " " + name), f);
  }

  const fs::path& base_dir_;
  const int inline_switch_line_;
  ErrorList& errors_;
};

// Deterministic bytes from a seed text (SplitMix64 over its FNV-1a hash), so the access key id
// an error message suggests is the same on every run. Not for anything secret.
class SeededBytes final : public RandomSource {
 public:
  explicit SeededBytes(std::string_view seed) : state_(Fnv1a64(seed)) {}
  void Fill(std::span<std::uint8_t> out) override {
    for (std::uint8_t& byte : out) {
      std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      byte = static_cast<std::uint8_t>(z ^ (z >> 31));
    }
  }

 private:
  std::uint64_t state_;
};

// The accounts of the configuration (`accounts:` and the top-level account_id) and how the
// `account:` keys of roles, users and providers resolve: by id or alias. Without an `accounts:`
// section any 12-digit id is accepted, as before accounts could be declared, and remembered.
class AccountBook {
 public:
  explicit AccountBook(ErrorList& errors) : errors_(errors) {}

  void Read(const std::optional<Field>& field, const std::string& default_id) {
    if (field && !field->value.IsNull()) {
      declared_ = true;
      std::map<std::string, int> aliases;
      for (const Field& item : ReadList(errors_, *field)) {
        if (!ExpectMap(errors_, item)) continue;
        ReadOne(item, aliases);
      }
    }
    Note(default_id, "the top-level account_id");
  }

  bool declared() const { return declared_; }

  // The account id an `account:` value names (an id, or a declared account's alias); reports
  // the problem and returns nullopt when it names none.
  std::optional<std::string> Resolve(const Field& f) {
    auto text = ReadString(errors_, f);
    if (!text) return std::nullopt;
    if (IsAccountId(*text)) return CheckId(*text, f.line, f.path);
    for (const Account& account : accounts_) {
      if (!account.alias.empty() && account.alias == *text) return account.id;
    }
    if (!declared_) {
      errors_.Add(f.line, f.path + ": " + Quote(*text) +
                              " is not an account id (12 digits); aliases can name only accounts "
                              "declared under accounts (see docs/configuration.md#accounts)");
      return std::nullopt;
    }
    std::string reason = f.path + ": no account has the alias " + Quote(*text);
    std::vector<std::string_view> aliases;
    for (const Account& account : accounts_) {
      if (!account.alias.empty()) aliases.push_back(account.alias);
    }
    if (auto hint = ClosestWithin2(*text, aliases))
      reason += " (did you mean " + Quote(*hint) + "?)";
    errors_.Add(f.line, reason + "; " + DeclaredList());
    return std::nullopt;
  }

  // An id read from an `account_id:` key (12 digits, already checked): known when accounts are
  // declared, remembered otherwise. Reports and returns nullopt when unknown.
  std::optional<std::string> CheckId(const std::string& id, int line, const std::string& path) {
    if (Find(id) != nullptr) return id;
    if (!declared_) {
      Note(id, "");
      return id;
    }
    errors_.Add(line, path + ": account " + id + " is not declared under accounts; " +
                          DeclaredList() + " (add it there, or fix the id)");
    return std::nullopt;
  }

  bool Knows(const std::string& id) const { return Find(id) != nullptr; }

  std::vector<Account> Take() { return std::move(accounts_); }

 private:
  void ReadOne(const Field& item, std::map<std::string, int>& aliases) {
    MapReader map(item.value, item.path, {"id", "alias"}, errors_);
    Account account;
    account.source_line = item.line;
    auto id_field = map.Get("id");
    if (!id_field) {
      errors_.Add(item.line, item.path + ": \"id\" is required: the account's 12 digits");
      return;
    }
    auto id = ReadString(errors_, *id_field);
    if (!id) return;
    if (!IsAccountId(*id)) {
      errors_.Add(id_field->line, id_field->path + ": " + Quote(*id) +
                                      " is not an account id; expected 12 digits (quote it, "
                                      "\"011111111111\", to keep leading zeros)");
      return;
    }
    if (const Account* earlier = Find(*id)) {
      errors_.Add(id_field->line, id_field->path + ": account " + *id +
                                      " is already declared at line " +
                                      std::to_string(earlier->source_line));
      return;
    }
    account.id = *id;
    if (auto f = map.Get("alias")) {
      auto alias = ReadString(errors_, *f);
      if (alias && !IsAccountAlias(*alias)) {
        errors_.Add(f->line, f->path + ": " + Quote(*alias) +
                                 " is not an account alias; use 3 to 63 of a-z 0-9 -, starting "
                                 "and ending with a letter or digit, not only digits");
      } else if (alias) {
        auto [it, inserted] = aliases.emplace(*alias, f->line);
        if (!inserted) {
          errors_.Add(f->line, f->path + ": alias " + Quote(*alias) +
                                   " is already used by the account at line " +
                                   std::to_string(it->second));
        } else {
          account.alias = *alias;
        }
      }
    }
    accounts_.push_back(std::move(account));
  }

  // Adds `id` as an undeclared account unless it is known already.
  void Note(const std::string& id, const std::string& origin) {
    if (Find(id) != nullptr) return;
    accounts_.push_back(Account{id, "", 0});
    if (!origin.empty()) origins_[id] = origin;
  }

  const Account* Find(const std::string& id) const {
    for (const Account& account : accounts_) {
      if (account.id == id) return &account;
    }
    return nullptr;
  }

  std::string DeclaredList() const {
    std::string out;
    for (const Account& account : accounts_) {
      out += out.empty() ? "known accounts: " : ", ";
      out += account.id;
      if (!account.alias.empty()) out += " (" + account.alias + ")";
      auto origin = origins_.find(account.id);
      if (origin != origins_.end()) out += " (" + origin->second + ")";
    }
    return out;
  }

  ErrorList& errors_;
  bool declared_ = false;
  std::vector<Account> accounts_;
  std::map<std::string, std::string> origins_;  // id -> why it is known without a declaration
};

// Reads the top-level `credentials`, `roles` and `instance_profiles` sections and checks them
// against each other, reporting into `errors`.
class IamReader {
 public:
  IamReader(const fs::path& base_dir, AccountBook& accounts, ErrorList& errors)
      : base_dir_(base_dir), accounts_(accounts), errors_(errors) {}

  void ReadCredentials(const std::optional<Field>& field, Config& config) {
    if (!field || !IsSection(errors_, *field)) return;
    MapReader map(field->value, "credentials",
                  {"lifetime", "refresh_lead", "allow_short_lifetimes", "extended_path"}, errors_);
    if (auto f = map.Get("allow_short_lifetimes")) {
      if (auto b = ReadBool(errors_, *f)) config.allow_short_credential_lifetimes = *b;
    }
    if (auto f = map.Get("extended_path")) {
      if (auto b = ReadEnabled(errors_, *f)) config.serve_extended_credentials = *b;
    }
    if (auto f = map.Get("lifetime")) {
      global_lifetime_origin_ = "from credentials.lifetime at line " + std::to_string(f->line);
    }
    ReadRotation(map, CredentialOptions{}, "the default", config.allow_short_credential_lifetimes,
                 config.credentials);
  }

  std::vector<ReadRole> ReadRoles(const std::optional<Field>& field, const Config& config) {
    std::vector<ReadRole> roles;
    if (!field) return roles;
    std::map<std::string, int> names;  // lower-case name -> line: IAM ignores case here
    for (const Field& item : ReadList(errors_, *field)) {
      if (!ExpectMap(errors_, item)) continue;
      ReadRole read = ReadOneRole(item, config);
      if (!read.role.name.empty()) {
        auto [it, inserted] = names.emplace(Lowercase(read.role.name), read.name_line);
        if (!inserted) {
          errors_.Add(read.name_line, read.path + ".name: " + Quote(read.role.name) +
                                          " is already used by the role at line " +
                                          std::to_string(it->second) +
                                          " (IAM role names are unique regardless of case)");
        }
      }
      roles.push_back(std::move(read));
    }
    return roles;
  }

  std::vector<ReadProfile> ReadProfiles(const std::optional<Field>& field, const Config& config,
                                        const std::vector<ReadRole>& roles) {
    std::vector<ReadProfile> profiles;
    if (!field) return profiles;
    std::map<std::string, int> names;
    for (const Field& item : ReadList(errors_, *field)) {
      if (!ExpectMap(errors_, item)) continue;
      ReadProfile read = ReadOneProfile(item, config, roles);
      if (!read.profile.name.empty()) {
        auto [it, inserted] = names.emplace(Lowercase(read.profile.name), read.name_line);
        if (!inserted) {
          errors_.Add(read.name_line,
                      read.path + ".name: " + Quote(read.profile.name) +
                          " is already used by the instance profile at line " +
                          std::to_string(it->second) +
                          " (IAM instance profile names are unique regardless of case)");
        }
      }
      profiles.push_back(std::move(read));
    }
    return profiles;
  }

  // `users`: each user's name is unique in its account regardless of case, user ids and access
  // key ids are unique in the whole configuration.
  std::vector<ReadUser> ReadUsers(const std::optional<Field>& field, const Config& config,
                                  SecretReader& secrets) {
    std::vector<ReadUser> users;
    if (!field) return users;
    std::map<std::string, int> names;     // "account/lower-case name" -> line
    std::map<std::string, int> user_ids;  // -> line
    for (const Field& item : ReadList(errors_, *field)) {
      if (!ExpectMap(errors_, item)) continue;
      ReadUser read = ReadOneUser(item, config, secrets);
      const User& user = read.user;
      if (!user.name.empty() && !user.account_id.empty()) {
        auto [it, inserted] =
            names.emplace(user.account_id + "/" + Lowercase(user.name), read.name_line);
        if (!inserted) {
          errors_.Add(read.name_line, read.path + ".name: " + Quote(user.name) +
                                          " is already used by the user at line " +
                                          std::to_string(it->second) + " in account " +
                                          user.account_id +
                                          " (IAM user names are unique regardless of case)");
        }
      }
      if (!user.user_id.empty()) {
        auto [it, inserted] = user_ids.emplace(user.user_id, read.user_id_line);
        if (!inserted) {
          errors_.Add(read.user_id_line, read.path + ".user_id: " + user.user_id +
                                             " is already used by the user at line " +
                                             std::to_string(it->second));
        }
      }
      users.push_back(std::move(read));
    }
    return users;
  }

  // See ReadAccount() below; public for the readers of MFA devices and OIDC providers.
  std::optional<std::string> AccountOf(const MapReader& map, const Config& config) {
    return ReadAccount(map, config, /*legacy_account_id=*/false);
  }

 private:
  ReadUser ReadOneUser(const Field& item, const Config& config, SecretReader& secrets) {
    ReadUser read;
    read.path = item.path;
    read.name_line = item.line;
    read.user_id_line = item.line;
    User& user = read.user;
    user.source_line = item.line;
    MapReader map(item.value, item.path,
                  {"name", "path", "account", "user_id", "policies", "tags", "access_keys"},
                  errors_);
    ReadIamName(map, item, "user", read.name_line, user.name);
    ReadIamPath(map, user.path);
    user.account_id = ReadAccount(map, config, /*legacy_account_id=*/false).value_or("");
    if (auto f = map.Get("user_id")) {
      read.user_id_line = f->line;
      auto id = ReadString(errors_, *f);
      if (id && !IsIamUniqueId(*id, sts::kUserIdPrefix)) {
        errors_.Add(f->line, f->path + ": " + Quote(*id) +
                                 " is not an IAM user id; expected AIDA and 17 of A-Z 0-9 (21 "
                                 "characters), or leave it out to have one derived");
      } else if (id) {
        user.user_id = *id;
      }
    } else if (!user.name.empty()) {
      if (auto account = sts::AccountId::Parse(user.account_id); account.ok()) {
        user.user_id = sts::MakeUniqueId(sts::kUserIdPrefix, *account, user.name);
      }
    }
    if (!user.name.empty() && !user.account_id.empty()) {
      user.arn =
          "arn:" + config.partition + ":iam::" + user.account_id + ":user" + user.path + user.name;
    }
    if (auto f = map.Get("policies")) ReadPermissionPolicies(*f, user.policies);
    if (auto f = map.Get("tags")) user.tags = ReadIamTags(*f);
    if (auto f = map.Get("access_keys")) ReadAccessKeys(*f, user, secrets);
    return read;
  }

  void ReadAccessKeys(const Field& field, User& user, SecretReader& secrets) {
    constexpr std::size_t kMaxAccessKeys = 2;  // IAM's quota per user
    std::vector<Field> items = ReadList(errors_, field);
    if (items.size() > kMaxAccessKeys) {
      errors_.Add(items[kMaxAccessKeys].line,
                  field.path +
                      ": IAM allows at most 2 access keys per user (to rotate one "
                      "while the other is in use)");
      return;
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Field& item = items[i];
      if (!ExpectMap(errors_, item)) continue;
      MapReader map(item.value, item.path, {"id", "secret_file", "secret_env", "secret", "status"},
                    errors_);
      AccessKey key;
      key.source_line = item.line;
      bool ok = ReadAccessKeyId(map, item, user, i, key);
      auto secret = secrets.Read(map, item, "secret", "secret access key");
      if (secret && !IsSecretAccessKey(secret->first.Reveal())) {
        const std::size_t size = secret->first.Reveal().size();
        errors_.Add(secret->second.line,
                    secret->second.path + ": the value from " + secret->first.origin() +
                        " is not a secret access key: expected 40 characters of A-Z a-z 0-9 + /, "
                        "found " +
                        std::to_string(size) + " characters" +
                        (size == 40 ? " with others among them" : ""));
        ok = false;
      } else if (secret) {
        key.secret = std::move(secret->first);
      } else {
        ok = false;
      }
      if (auto f = map.Get("status")) {
        if (auto status = ReadChoice(errors_, *f, {"Active", "Inactive"})) {
          key.active = *status == "Active";
        } else {
          ok = false;
        }
      }
      if (ok) user.access_keys.push_back(std::move(key));
    }
  }

  bool ReadAccessKeyId(const MapReader& map, const Field& item, const User& user, std::size_t index,
                       AccessKey& key) {
    auto f = map.Get("id");
    if (!f) {
      errors_.Add(item.line, item.path + ": \"id\" is required: the access key id (AKIA...)" +
                                 SuggestKeyId(user, index));
      return false;
    }
    auto id = ReadString(errors_, *f);
    if (!id) return false;
    if (id->substr(0, 4) == sts::kTemporaryAccessKeyPrefix) {
      errors_.Add(f->line, f->path + ": " + Quote(*id) +
                               " is a temporary key id (ASIA...), which only STS issues; a "
                               "user's long-term key starts with AKIA" +
                               SuggestKeyId(user, index));
      return false;
    }
    if (!IsLongTermAccessKeyId(*id)) {
      errors_.Add(f->line, f->path + ": " + Quote(*id) +
                               " is not an access key id; expected AKIA and 16 of A-Z 0-9 (20 "
                               "characters)" +
                               SuggestKeyId(user, index));
      return false;
    }
    auto [it, inserted] = key_ids_.emplace(*id, f->line);
    if (!inserted) {
      errors_.Add(f->line, f->path + ": " + *id + " is already used by the access key at line " +
                               std::to_string(it->second) +
                               " (an access key id names one key of one user)");
      return false;
    }
    key.id = *id;
    auto encoded = sts::AccountFromAccessKeyId(*id);
    key.encodes_account = encoded.ok();
    if (user.account_id.empty()) return true;  // the user's account was reported
    if (!encoded.ok()) {
      errors_.Warn(f->line, f->path + ": " + *id +
                                " is an old-style key id that encodes no account, so "
                                "GetAccessKeyInfo cannot name its account" +
                                SuggestKeyId(user, index));
    } else if (encoded->ToString() != user.account_id) {
      errors_.Add(f->line, f->path + ": " + *id + " encodes account " + encoded->ToString() +
                               " (what GetAccessKeyInfo reports), but user " + Quote(user.name) +
                               " is in account " + user.account_id + SuggestKeyId(user, index));
      return false;
    }
    return true;
  }

  // "; e.g. AKIA… encodes this user's account": the same suggestion on every run.
  static std::string SuggestKeyId(const User& user, std::size_t index) {
    auto account = sts::AccountId::Parse(user.account_id);
    if (!account.ok()) return "";
    SeededBytes bytes(user.account_id + "/" + user.name + "/" + std::to_string(index));
    return "; e.g. " + sts::MakeAccessKeyId(sts::kLongTermAccessKeyPrefix, *account, bytes) +
           " encodes account " + user.account_id;
  }

  // lifetime and refresh_lead of `map` over `inherited`. A level that sets a lifetime but no
  // refresh_lead gets DefaultRefreshLead() of that lifetime rather than the inherited lead.
  void ReadRotation(const MapReader& map, const CredentialOptions& inherited,
                    const std::string& inherited_from, bool allow_short, CredentialOptions& out) {
    auto lifetime_field = map.Get("lifetime");
    auto lead_field = map.Get("refresh_lead");
    std::optional<std::chrono::seconds> lifetime;
    std::optional<std::chrono::seconds> lead;
    if (lifetime_field && !(lifetime = ReadDuration(errors_, *lifetime_field))) return;
    if (lead_field && !(lead = ReadDuration(errors_, *lead_field))) return;
    out.lifetime = lifetime.value_or(inherited.lifetime);
    out.refresh_lead =
        lead ? *lead : (lifetime ? DefaultRefreshLead(*lifetime) : inherited.refresh_lead);
    if (!lifetime && !lead) return;  // inherited values were checked where they were set

    const std::size_t errors_before = errors_.size();
    const std::chrono::seconds min_lifetime =
        allow_short ? std::chrono::seconds(1) : sts::kMinCredentialLifetime;
    if (lifetime && *lifetime < min_lifetime) {
      errors_.Add(
          lifetime_field->line,
          lifetime_field->path + ": " + FormatDuration(*lifetime) +
              " is shorter than the minimum of " + FormatDuration(min_lifetime) +
              (allow_short ? ""
                           : "; STS issues no shorter credentials (for tests, set "
                             "credentials.allow_short_lifetimes: true to allow down to 1s)"));
      return;
    }
    if (lifetime && *lifetime > sts::kMaxCredentialLifetime) {
      errors_.Add(lifetime_field->line, lifetime_field->path + ": " + FormatDuration(*lifetime) +
                                            " is longer than the maximum of " +
                                            FormatDuration(sts::kMaxCredentialLifetime) +
                                            " (the longest any STS credential lives)");
      return;
    }
    if (lead && *lead <= std::chrono::seconds::zero()) {
      errors_.Add(lead_field->line, lead_field->path + ": must be longer than 0s");
    } else if (lead && *lead >= out.lifetime) {
      errors_.Add(lead_field->line,
                  lead_field->path + ": " + FormatDuration(*lead) +
                      " is not shorter than the lifetime (" + FormatDuration(out.lifetime) +
                      (lifetime ? "" : ", " + inherited_from) +
                      "); a credential is replaced once refresh_lead or less of it remains");
    } else if (!lead && out.refresh_lead <= std::chrono::seconds::zero()) {
      errors_.Add(lifetime_field->line,
                  lifetime_field->path + ": " + FormatDuration(*lifetime) +
                      " leaves no refresh lead (five sixths of the lifetime, rounded down to 0s); "
                      "set refresh_lead or use at least 2s");
    }
    if (errors_.size() != errors_before) return;
    // The store applies the same rule; the two must agree.
    Status agreed = sts::ValidateRotationPolicy(
        sts::RotationPolicy{out.lifetime, out.refresh_lead, allow_short});
    if (!agreed.ok()) {
      errors_.Add(
          lifetime_field ? lifetime_field->line : lead_field->line,
          (lifetime_field ? lifetime_field->path : lead_field->path) + ": " + agreed.message());
    }
  }

  ReadRole ReadOneRole(const Field& item, const Config& config) {
    ReadRole read;
    read.path = item.path;
    read.name_line = item.line;
    Role& role = read.role;
    role.source_line = item.line;
    MapReader map(item.value, item.path, {kRoleKeys.begin(), kRoleKeys.end()}, errors_);
    ReadIamName(map, item, "role", read.name_line, role.name);
    ReadIamPath(map, role.path);
    role.account_id = ReadAccount(map, config, /*legacy_account_id=*/true).value_or("");
    if (auto f = map.Get("max_session_duration")) {
      if (auto d = ReadDuration(errors_, *f)) {
        if (*d < std::chrono::hours(1) || *d > std::chrono::hours(12)) {
          errors_.Add(f->line, f->path + ": " + FormatDuration(*d) +
                                   " is out of range; allowed: 1h (3600) to 12h (43200)");
        } else {
          role.max_session_duration_seconds = static_cast<int>(d->count());
        }
      }
    }
    read.trust =
        ReadPolicy(map, item, "trust_policy", "trust_policy_file", policy::PolicyKind::kTrust,
                   "who may assume the role; for EC2, " + std::string(kEc2TrustExample) + " (see " +
                       kRolesDoc + ")");
    if (read.trust) role.trust_policy = read.trust->document;
    if (auto f = map.Get("policies")) ReadPermissionPolicies(*f, role.permission_policies);
    if (auto f = map.Get("tags")) role.tags = ReadIamTags(*f);
    if (!role.name.empty()) {
      if (auto account = sts::AccountId::Parse(role.account_id); account.ok()) {
        role.role_id = sts::MakeUniqueId(sts::kRoleIdPrefix, *account, role.name);
        role.arn = sts::MakeRoleArn(config.partition, *account, role.path, role.name);
      }
    }
    return read;
  }

  ReadProfile ReadOneProfile(const Field& item, const Config& config,
                             const std::vector<ReadRole>& roles) {
    ReadProfile read;
    read.path = item.path;
    read.name_line = item.line;
    read.role_line = item.line;
    InstanceProfile& profile = read.profile;
    profile.source_line = item.line;
    profile.credentials = config.credentials;
    MapReader map(item.value, item.path, {"name", "path", "role", "credentials"}, errors_);
    ReadIamName(map, item, "instance profile", read.name_line, profile.name);
    ReadIamPath(map, profile.path);
    if (auto f = map.Get("credentials"); f && IsSection(errors_, *f)) {
      MapReader credentials(f->value, f->path, {"lifetime", "refresh_lead"}, errors_);
      ReadRotation(credentials, config.credentials, global_lifetime_origin_,
                   config.allow_short_credential_lifetimes, profile.credentials);
    }
    auto f = map.Get("role");
    if (!f) {
      errors_.Add(item.line, item.path +
                                 ": \"role\" is required: the name of the role (exactly "
                                 "one) whose credentials instances with this profile get");
      return read;
    }
    read.role_line = f->line;
    if (f->value.IsSequence()) {
      errors_.Add(f->line, f->path +
                               ": an instance profile holds exactly one role; give its name as a "
                               "string");
      return read;
    }
    auto name = ReadString(errors_, *f);
    if (!name) return read;
    const ReadRole* role = nullptr;
    std::vector<std::string> defined;
    for (const ReadRole& candidate : roles) {
      if (candidate.role.name.empty()) continue;
      defined.push_back(candidate.role.name);
      if (candidate.role.name == *name && role == nullptr) role = &candidate;
    }
    if (role == nullptr) {
      errors_.Add(f->line, f->path + ": " + NotDefined("role", *name, defined, "roles"));
      return read;
    }
    profile.role = role->role.name;
    profile.account_id = role->role.account_id;
    if (auto account = sts::AccountId::Parse(profile.account_id);
        account.ok() && !profile.name.empty()) {
      profile.instance_profile_id =
          sts::MakeUniqueId(sts::kInstanceProfileIdPrefix, *account, profile.name);
    }
    if (!profile.name.empty()) CheckEc2Trust(read, *role, config.partition);
    return read;
  }

  // EC2 can use the role only if its trust policy lets the EC2 service assume it.
  void CheckEc2Trust(const ReadProfile& read, const ReadRole& role, const std::string& partition) {
    if (!role.trust) return;  // the trust policy's own errors are reported already
    policy::RequestContext request{policy::Principal::Service("ec2.amazonaws.com"),
                                   "sts:AssumeRole", std::nullopt};
    const policy::Decision decision = policy::Evaluate(role.trust->policy, request);
    if (decision.allowed()) return;
    if (partition == "aws-cn") {  // older China-region trust policies name EC2 this way
      request.principal = policy::Principal::Service("ec2.amazonaws.com.cn");
      if (policy::Evaluate(role.trust->policy, request).allowed()) return;
    }
    const bool denied = decision.outcome == policy::Outcome::kExplicitDeny;
    errors_.Add(read.role_line,
                "instance profile " + Quote(read.profile.name) + ": role " + Quote(role.role.name) +
                    " cannot be used by EC2: in its trust policy (" + role.trust->where + "), " +
                    decision.reason + "; " +
                    (denied ? "remove or narrow that Deny" : "add a statement that allows it") +
                    " (see " + kRolesDoc + ")");
  }

  void ReadIamName(const MapReader& map, const Field& item, std::string_view what, int& line,
                   std::string& out) {
    auto f = map.Get("name");
    if (!f) {
      errors_.Add(item.line, item.path + ": \"name\" is required");
      return;
    }
    line = f->line;
    auto name = ReadString(errors_, *f);
    if (!name) return;
    if (!sts::ValidateIamName(*name).ok()) {
      errors_.Add(f->line, f->path + ": " + Quote(*name) + " is not a valid " + std::string(what) +
                               " name; use 1 to 64 of A-Z a-z 0-9 + = , . @ _ -");
      return;
    }
    out = *name;
  }

  void ReadIamPath(const MapReader& map, std::string& out) {
    auto f = map.Get("path");
    if (!f) return;
    auto path = ReadString(errors_, *f);
    if (!path) return;
    if (!sts::ValidateIamPath(*path).ok()) {
      errors_.Add(f->line, f->path + ": " + Quote(*path) +
                               " is not an IAM path; use \"/\" or \"/division/team/\" (starting "
                               "and ending with \"/\")");
      return;
    }
    out = path->empty() ? "/" : *path;
  }

  // The account of a role, user or provider: `account` (an id or a declared alias) or, for
  // roles written before accounts could be declared, `account_id`; the top-level account_id when
  // neither is set. nullopt (reported) when it names no known account.
  std::optional<std::string> ReadAccount(const MapReader& map, const Config& config,
                                         bool legacy_account_id) {
    auto f = map.Get("account");
    auto legacy = legacy_account_id ? map.Get("account_id") : std::nullopt;
    if (f && legacy) {
      errors_.Add(legacy->line, legacy->path + ": account is already set (line " +
                                    std::to_string(f->line) +
                                    "); use only one of account and account_id");
      return std::nullopt;
    }
    if (f) return accounts_.Resolve(*f);
    if (!legacy) return config.account_id;
    auto id = ReadString(errors_, *legacy);
    if (!id) return std::nullopt;
    if (!IsAccountId(*id)) {
      errors_.Add(legacy->line,
                  legacy->path + ": " + Quote(*id) + " is not an account id; expected 12 digits");
      return std::nullopt;
    }
    return accounts_.CheckId(*id, legacy->line, legacy->path);
  }

  // IAM tags of a user or role: at most 50, keys unique regardless of case.
  IamTags ReadIamTags(const Field& field) {
    constexpr std::size_t kMaxIamTags = 50;
    IamTags tags;
    std::map<std::string, int> keys;  // lower-case key -> line
    for (auto& [key, f] : ReadOpenMap(errors_, field)) {
      const std::string value = f.value.IsScalar() ? f.value.Scalar() : "";
      std::string problem = IamTagKeyProblem(key);
      if (!problem.empty()) {
        errors_.Add(f.line, field.path + ": " + Quote(key) + ": " + problem);
        continue;
      }
      if (problem = IamTagValueProblem(value); !problem.empty()) {
        errors_.Add(f.line, f.path + ": " + problem);
        continue;
      }
      auto [it, inserted] = keys.emplace(Lowercase(key), f.line);
      if (!inserted) {
        errors_.Add(f.line, field.path + ": " + Quote(key) + " repeats the key at line " +
                                std::to_string(it->second) +
                                " (IAM tag keys are unique regardless of case)");
        continue;
      }
      tags.emplace_back(key, value);
    }
    if (tags.size() > kMaxIamTags) {
      errors_.Add(field.line, field.path + ": " + std::to_string(tags.size()) +
                                  " tags; IAM allows at most 50 per user or role");
    }
    return tags;
  }

  void ReadPermissionPolicies(const Field& field, std::vector<NamedPolicy>& policies) {
    std::map<std::string, int> names;
    for (const Field& item : ReadList(errors_, field)) {
      if (!ExpectMap(errors_, item)) continue;
      MapReader map(item.value, item.path, {"name", "document", "document_file"}, errors_);
      NamedPolicy named;
      if (auto f = map.Get("name")) {
        auto name = ReadString(errors_, *f);
        if (name && !IsIamPolicyName(*name)) {
          errors_.Add(f->line, f->path + ": " + Quote(*name) +
                                   " is not a valid policy name; use 1 to 128 of A-Z a-z 0-9 + = "
                                   ", . @ _ -");
        } else if (name) {
          auto [it, inserted] = names.emplace(*name, f->line);
          if (inserted) {
            named.name = *name;
          } else {
            errors_.Add(f->line, f->path + ": " + Quote(*name) +
                                     " is already used by the policy at line " +
                                     std::to_string(it->second));
          }
        }
      } else {
        errors_.Add(item.line, item.path + ": \"name\" is required");
      }
      auto loaded = ReadPolicy(map, item, "document", "document_file",
                               policy::PolicyKind::kIdentity, kPermissionExample);
      if (loaded && !named.name.empty()) {
        named.document = std::move(loaded->document);
        policies.push_back(std::move(named));
      }
    }
  }

  // A policy document from `inline_key` (a YAML map, or a JSON string) or `file_key` (a JSON
  // file); exactly one of them is required. Problems are reported at the line they refer to.
  std::optional<LoadedPolicy> ReadPolicy(const MapReader& map, const Field& owner,
                                         const std::string& inline_key, const std::string& file_key,
                                         policy::PolicyKind kind, const std::string& example) {
    auto inline_field = map.Get(inline_key);
    auto file_field = map.Get(file_key);
    if (inline_field && file_field) {
      errors_.Add(file_field->line, file_field->path + ": " + inline_key +
                                        " is already set; use only one of " + inline_key + " and " +
                                        file_key);
      return std::nullopt;
    }
    if (!inline_field && !file_field) {
      errors_.Add(owner.line, owner.path + ": \"" + inline_key + "\" (or \"" + file_key +
                                  "\") is required: " + example);
      return std::nullopt;
    }
    if (inline_field) {
      const Field& f = *inline_field;
      std::string json;
      if (f.value.IsMap()) {
        if (!YamlToJson(f.value, f.path, f.line, 0, json)) return std::nullopt;
      } else if (f.value.IsScalar()) {
        json = f.value.Scalar();
      } else {
        errors_.Add(f.line, f.path +
                                ": expected a policy document (a YAML map, or a JSON string), "
                                "found " +
                                Describe(f.value) + "; " + example);
        return std::nullopt;
      }
      policy::ParseOutcome outcome = policy::ParsePolicyDocument(json, kind);
      for (const policy::PolicyProblem& problem : outcome.problems) {
        const int line =
            f.value.IsMap() ? LineForPolicyPath(f.value, problem.path, f.line) : f.line;
        errors_.Add(line, f.path + ": " + problem.ToString());
      }
      if (!outcome.policy) return std::nullopt;
      return LoadedPolicy{PolicyDocument{outcome.compact_json, f.KeyLine()},
                          std::move(*outcome.policy), "line " + std::to_string(f.KeyLine())};
    }
    const Field& f = *file_field;
    auto name = ReadString(errors_, f);
    if (!name) return std::nullopt;
    if (name->empty()) {
      errors_.Add(f.line, f.path + ": must name a JSON file");
      return std::nullopt;
    }
    const fs::path path = Resolve(base_dir_, *name);
    auto contents = ReadFileCapped(path, kMaxPolicyFileBytes);
    if (!contents.ok()) {
      errors_.Add(f.line,
                  f.path + ": cannot read " + path.string() + ": " + contents.status().message());
      return std::nullopt;
    }
    if (contents->size() > kMaxPolicyFileBytes) {
      errors_.Add(f.line, f.path + ": " + path.string() + " is larger than 1 MiB");
      return std::nullopt;
    }
    policy::ParseOutcome outcome = policy::ParsePolicyDocument(*contents, kind);
    for (const policy::PolicyProblem& problem : outcome.problems) {
      errors_.Add(f.line, f.path + ": " + *name + ": " + problem.ToString());
    }
    if (!outcome.policy) return std::nullopt;
    return LoadedPolicy{PolicyDocument{outcome.compact_json, f.KeyLine()},
                        std::move(*outcome.policy), *name};
  }

  // Appends `node` as JSON. Every YAML scalar becomes a JSON string (IAM compares condition
  // values as strings and accepts "true"/"42" wherever it accepts true/42); an empty value
  // becomes null, which the policy parser then reports.
  bool YamlToJson(const YAML::Node& node, const std::string& path, int line, int depth,
                  std::string& out) {
    if (depth > kMaxPolicyDepth) {
      errors_.Add(line, path + ": nested too deeply for a policy document");
      return false;
    }
    if (node.IsScalar()) {
      out += policy::JsonQuote(node.Scalar());
      return true;
    }
    if (node.IsSequence()) {
      out += '[';
      for (std::size_t i = 0; i < node.size(); ++i) {
        if (i > 0) out += ',';
        const YAML::Node item = node[i];
        if (!YamlToJson(item, path + "[" + std::to_string(i) + "]", LineOf(item, line), depth + 1,
                        out)) {
          return false;
        }
      }
      out += ']';
      return true;
    }
    if (node.IsMap()) {
      out += '{';
      bool first = true;
      for (const auto& entry : node) {
        const int key_line = LineOf(entry.first, line);
        if (!entry.first.IsScalar()) {
          errors_.Add(key_line,
                      path + ": keys must be plain strings, found " + Describe(entry.first));
          return false;
        }
        if (!first) out += ',';
        first = false;
        out += policy::JsonQuote(entry.first.Scalar()) + ':';
        if (!YamlToJson(entry.second, path + "." + entry.first.Scalar(),
                        LineOf(entry.second, key_line), depth + 1, out)) {
          return false;
        }
      }
      out += '}';
      return true;
    }
    out += "null";
    return true;
  }

  const fs::path& base_dir_;
  AccountBook& accounts_;
  ErrorList& errors_;
  std::map<std::string, int> key_ids_;  // access key id -> line, across all users
  // Where the lifetime profiles inherit comes from, for messages.
  std::string global_lifetime_origin_ = "the default";
};

// Reads `mfa_devices` and `oidc_providers`, which refer to users and accounts read before.
class IdentityReader {
 public:
  IdentityReader(const fs::path& base_dir, IamReader& iam, AccountBook& accounts,
                 SecretReader& secrets, ErrorList& errors)
      : base_dir_(base_dir), iam_(iam), accounts_(accounts), secrets_(secrets), errors_(errors) {}

  std::vector<MfaDevice> ReadMfaDevices(const std::optional<Field>& field, const Config& config,
                                        const std::vector<ReadUser>& users) {
    std::vector<MfaDevice> devices;
    if (!field) return devices;
    std::map<std::string, int> serials;
    for (const Field& item : ReadList(errors_, *field)) {
      if (!ExpectMap(errors_, item)) continue;
      MapReader map(item.value, item.path, {"serial", "user", "seed_file", "seed_env", "seed"},
                    errors_);
      MfaDevice device;
      device.source_line = item.line;
      bool ok = ReadSerial(map, item, config, device);
      if (ok) {
        const int line = map.Get("serial")->line;
        auto [it, inserted] = serials.emplace(device.serial, line);
        if (!inserted) {
          errors_.Add(line, item.path + ".serial: " + device.serial +
                                " is already used by the device at line " +
                                std::to_string(it->second));
          ok = false;
        }
      }
      ok = ReadDeviceUser(map, item, users, device) && ok;
      auto seed = secrets_.Read(map, item, "seed", "MFA seed");
      if (!seed) {
        ok = false;
      } else if (auto bytes = DecodeBase32Seed(seed->first.Reveal()); !bytes) {
        errors_.Add(seed->second.line, seed->second.path + ": the value from " +
                                           seed->first.origin() +
                                           " is not base32 (letters A-Z and digits 2-7, as "
                                           "authenticator apps show a seed)");
        ok = false;
      } else if (bytes->size() < kMinSeedBytes) {
        errors_.Add(seed->second.line,
                    seed->second.path + ": the seed from " + seed->first.origin() + " decodes to " +
                        std::to_string(bytes->size()) +
                        " bytes; RFC 4226 asks for at least 16 (128 bits). Make one with: head "
                        "-c 20 /dev/urandom | base32");
        ok = false;
      } else {
        device.seed = SecretValue(std::move(*bytes), seed->first.origin());
      }
      if (ok) devices.push_back(std::move(device));
    }
    return devices;
  }

  std::vector<OidcProvider> ReadOidcProviders(const std::optional<Field>& field,
                                              const Config& config) {
    std::vector<OidcProvider> providers;
    if (!field) return providers;
    std::map<std::string, int> arns;
    for (const Field& item : ReadList(errors_, *field)) {
      if (!ExpectMap(errors_, item)) continue;
      MapReader map(item.value, item.path,
                    {"url", "account", "client_ids", "thumbprints", "jwks_file", "public_key_file"},
                    errors_);
      const std::size_t errors_before = errors_.size();
      OidcProvider provider;
      provider.source_line = item.line;
      provider.account_id = iam_.AccountOf(map, config).value_or("");
      int url_line = item.line;
      if (auto f = map.Get("url")) {
        url_line = f->line;
        auto url = ReadString(errors_, *f);
        if (url && !OidcUrlProblem(*url).empty()) {
          errors_.Add(f->line, f->path + ": " + Quote(*url) + " " + OidcUrlProblem(*url));
        } else if (url) {
          provider.url = *url;
        }
      } else {
        errors_.Add(item.line, item.path +
                                   ": \"url\" is required: the issuer, exactly as the tokens' iss "
                                   "claim has it (https://host or https://host/path)");
      }
      if (!provider.url.empty() && !provider.account_id.empty()) {
        provider.arn = "arn:" + config.partition + ":iam::" + provider.account_id +
                       ":oidc-provider/" + provider.url.substr(std::string_view("https://").size());
        auto [it, inserted] = arns.emplace(provider.arn, url_line);
        if (!inserted) {
          errors_.Add(url_line, item.path + ".url: account " + provider.account_id +
                                    " already has a provider for " + provider.url + " (line " +
                                    std::to_string(it->second) +
                                    "); IAM registers each issuer once per account");
        }
      }
      ReadClientIds(map, item, provider);
      ReadThumbprints(map, provider);
      ReadProviderKey(map, item, provider);
      if (errors_.size() == errors_before) providers.push_back(std::move(provider));
    }
    return providers;
  }

 private:
  static constexpr std::size_t kMinSeedBytes = 16;

  // serial: arn:PARTITION:iam::ACCOUNT:mfa/[PATH/]NAME in the configuration's partition.
  bool ReadSerial(const MapReader& map, const Field& item, const Config& config,
                  MfaDevice& device) {
    auto f = map.Get("serial");
    if (!f) {
      errors_.Add(item.line, item.path +
                                 ": \"serial\" is required: the device's ARN, e.g. "
                                 "arn:" +
                                 config.partition + ":iam::" + config.account_id + ":mfa/alice");
      return false;
    }
    auto text = ReadString(errors_, *f);
    if (!text) return false;
    auto arn = ParseGlobalArn(*text);
    const std::string expected = "is not an MFA device ARN like arn:" + config.partition +
                                 ":iam::" + config.account_id + ":mfa/alice";
    if (!arn || arn->service != "iam" || arn->resource.substr(0, 4) != "mfa/") {
      errors_.Add(f->line, f->path + ": " + Quote(*text) + " " + expected);
      return false;
    }
    if (!IsDeviceName(arn->resource.substr(4))) {
      errors_.Add(f->line, f->path + ": " + Quote(arn->resource.substr(4)) +
                               " is not a device name: [path/]name, each part 1 or more of "
                               "A-Z a-z 0-9 + = , . @ _ -");
      return false;
    }
    if (arn->partition != config.partition) {
      errors_.Add(f->line, f->path + ": the ARN is in partition " + arn->partition +
                               ", but this configuration's partition is " + config.partition);
      return false;
    }
    if (!accounts_.CheckId(arn->account, f->line, f->path)) return false;
    device.serial = *text;
    device.account_id = arn->account;
    return true;
  }

  static bool IsDeviceName(std::string_view text) {
    if (text.empty() || text.size() > 512 || text.front() == '/' || text.back() == '/' ||
        text.find("//") != std::string_view::npos) {
      return false;
    }
    return std::all_of(text.begin(), text.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) ||
             std::string_view("+=,.@_-/").find(c) != std::string_view::npos;
    });
  }

  // user: a user of the serial's account.
  bool ReadDeviceUser(const MapReader& map, const Field& item, const std::vector<ReadUser>& users,
                      MfaDevice& device) {
    auto f = map.Get("user");
    if (!f) {
      errors_.Add(item.line, item.path +
                                 ": \"user\" is required: the name of the user the "
                                 "device is assigned to");
      return false;
    }
    auto name = ReadString(errors_, *f);
    if (!name) return false;
    std::vector<std::string> defined;
    const User* other_account = nullptr;
    for (const ReadUser& read : users) {
      const User& user = read.user;
      if (user.name.empty()) continue;
      defined.push_back(user.name);
      if (user.name != *name) continue;
      if (device.account_id.empty() || user.account_id == device.account_id) {
        device.user = user.name;
        return true;
      }
      other_account = &user;
    }
    if (other_account != nullptr) {
      errors_.Add(f->line, f->path + ": user " + Quote(*name) + " is in account " +
                               other_account->account_id + ", but the serial names account " +
                               device.account_id +
                               "; a device belongs to a user of its own account");
    } else {
      errors_.Add(f->line, f->path + ": " + NotDefined("user", *name, defined, "users"));
    }
    return false;
  }

  void ReadClientIds(const MapReader& map, const Field& item, OidcProvider& provider) {
    constexpr std::size_t kMaxClientIds = 100;
    auto f = map.Get("client_ids");
    std::vector<int> lines;
    std::vector<std::string> ids =
        f ? ReadStringList(errors_, *f, &lines) : std::vector<std::string>{};
    if (ids.empty()) {
      errors_.Add(f ? f->line : item.line,
                  item.path +
                      ".client_ids: give at least one client id (the audience, aud, "
                      "that tokens for this provider carry)");
      return;
    }
    if (ids.size() > kMaxClientIds) {
      errors_.Add(f->line, f->path + ": IAM allows at most 100 client ids per provider");
      return;
    }
    std::map<std::string, int> seen;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (ids[i].empty() || ids[i].size() > 255) {
        errors_.Add(lines[i], f->path + ": a client id has 1 to 255 characters");
      } else if (auto [it, inserted] = seen.emplace(ids[i], lines[i]); !inserted) {
        errors_.Add(lines[i], f->path + ": " + Quote(ids[i]) + " is already listed at line " +
                                  std::to_string(it->second));
      } else {
        provider.client_ids.push_back(ids[i]);
      }
    }
  }

  void ReadThumbprints(const MapReader& map, OidcProvider& provider) {
    auto f = map.Get("thumbprints");
    if (!f) return;
    std::vector<int> lines;
    std::vector<std::string> prints = ReadStringList(errors_, *f, &lines);
    if (prints.size() > 5) {
      errors_.Add(f->line, f->path + ": IAM keeps at most 5 thumbprints per provider");
      return;
    }
    for (std::size_t i = 0; i < prints.size(); ++i) {
      if (!IsThumbprint(prints[i])) {
        errors_.Add(lines[i], f->path + ": " + Quote(prints[i]) +
                                  " is not a thumbprint: 40 hex digits (the SHA-1 of the "
                                  "issuer's top certificate)");
        continue;
      }
      provider.thumbprints.push_back(Lowercase(prints[i]));
    }
  }

  // jwks_file or public_key_file (exactly one), read now so a missing file fails the load.
  // Checked only for its outer shape; the STS endpoint parses the keys.
  void ReadProviderKey(const MapReader& map, const Field& item, OidcProvider& provider) {
    auto jwks = map.Get("jwks_file");
    auto pem = map.Get("public_key_file");
    if (jwks && pem) {
      errors_.Add(pem->line, pem->path +
                                 ": jwks_file is already set; use only one of jwks_file and "
                                 "public_key_file");
      return;
    }
    if (!jwks && !pem) {
      errors_.Add(item.line, item.path +
                                 ": the provider's signing key is missing: set jwks_file (a JSON "
                                 "Web Key Set, as served at the issuer's jwks_uri) or "
                                 "public_key_file (a PEM public key)");
      return;
    }
    const Field& f = jwks ? *jwks : *pem;
    auto name = ReadString(errors_, f);
    if (!name) return;
    if (name->empty()) {
      errors_.Add(f.line, f.path + ": must name a file");
      return;
    }
    const fs::path path = Resolve(base_dir_, *name);
    auto contents = ReadFileCapped(path, kMaxKeyFileBytes);
    if (!contents.ok()) {
      errors_.Add(f.line,
                  f.path + ": cannot read " + path.string() + ": " + contents.status().message());
      return;
    }
    if (contents->size() > kMaxKeyFileBytes) {
      errors_.Add(f.line, f.path + ": " + path.string() + " is larger than 1 MiB");
      return;
    }
    if (contents->find("PRIVATE KEY") != std::string::npos) {
      errors_.Add(f.line, f.path + ": " + path.string() +
                              " holds a private key; give the provider's public key only (openssl "
                              "pkey -in KEY -pubout)");
      return;
    }
    const std::size_t start = contents->find_first_not_of(" \t\r\n");
    if (jwks && (start == std::string::npos || (*contents)[start] != '{' ||
                 contents->find("\"keys\"") == std::string::npos)) {
      errors_.Add(f.line, f.path + ": " + path.string() +
                              " is not a JSON Web Key Set: expected an object with \"keys\"");
      return;
    }
    if (pem && contents->find("-----BEGIN PUBLIC KEY-----") == std::string::npos &&
        contents->find("-----BEGIN RSA PUBLIC KEY-----") == std::string::npos &&
        contents->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      errors_.Add(f.line, f.path + ": " + path.string() +
                              " is not a PEM public key or certificate (-----BEGIN PUBLIC "
                              "KEY-----)");
      return;
    }
    provider.key_kind = jwks ? OidcKeyKind::kJwks : OidcKeyKind::kPublicKeyPem;
    provider.key_file = path;
    provider.key_text = std::move(*contents);
  }

  const fs::path& base_dir_;
  IamReader& iam_;
  AccountBook& accounts_;
  SecretReader& secrets_;
  ErrorList& errors_;
};

// Builds one Config from the parsed document, reporting into `errors`.
class ConfigBuilder {
 public:
  ConfigBuilder(fs::path base_dir, ErrorList& errors)
      : base_dir_(std::move(base_dir)), errors_(errors) {}

  Config Build(const YAML::Node& root) {
    Config config;
    MapReader top(
        root, "",
        {"server", "logging", "state_dir", "account_id", "partition", "region", "accounts",
         "allow_inline_secrets", "credentials", "roles", "users", "mfa_devices", "oidc_providers",
         "sts", "instance_profiles", "default_instance", "instances"},
        errors_);
    ReadServer(top.Get("server"), config.server);
    ReadLogging(top.Get("logging"), config.logging);
    if (auto f = top.Get("state_dir")) {
      auto dir = ReadString(errors_, *f);
      if (dir && dir->empty()) errors_.Add(f->line, "state_dir: must not be empty");
      if (dir && !dir->empty()) config.state_dir = Resolve(base_dir_, *dir);
    }
    InstanceDefaults defaults;
    const int partition_line = ReadAccountDefaults(top, config, defaults);

    AccountBook accounts(errors_);
    accounts.Read(top.Get("accounts"), config.account_id);
    int inline_switch_line = 0;
    if (auto f = top.Get("allow_inline_secrets")) {
      if (auto b = ReadBool(errors_, *f)) config.allow_inline_secrets = *b;
      if (config.allow_inline_secrets) inline_switch_line = f->line;
    }
    SecretReader secrets(base_dir_, inline_switch_line, errors_);

    IamReader iam(base_dir_, accounts, errors_);
    iam.ReadCredentials(top.Get("credentials"), config);
    std::vector<ReadRole> roles = iam.ReadRoles(top.Get("roles"), config);
    std::vector<ReadProfile> profiles =
        iam.ReadProfiles(top.Get("instance_profiles"), config, roles);
    std::vector<ReadUser> users = iam.ReadUsers(top.Get("users"), config, secrets);
    IdentityReader identities(base_dir_, iam, accounts, secrets, errors_);
    config.mfa_devices = identities.ReadMfaDevices(top.Get("mfa_devices"), config, users);
    config.oidc_providers = identities.ReadOidcProviders(top.Get("oidc_providers"), config);
    if (accounts.declared()) WarnAboutUnknownTrustedAccounts(roles, accounts);

    std::vector<ReadInstance> instances =
        ReadInstances(top.Get("instances"), root, defaults, partition_line);
    CheckAcrossInstances(instances);
    for (const ReadInstance& read : instances) {
      if (read.clean && read.lines.count("account_id") > 0) {
        (void)accounts.CheckId(read.instance.account_id, read.LineFor("account_id"),
                               read.path + ".account_id");
      }
    }
    const bool has_identities = accounts.declared() || !users.empty() ||
                                !config.oidc_providers.empty() || !config.mfa_devices.empty();
    ReadSts(top.Get("sts"), has_identities, config);
    CheckInstanceProfiles(instances, profiles, config);
    if (auto f = top.Get("default_instance")) {
      auto name = ReadString(errors_, *f);
      if (name) {
        std::size_t i = 0;
        while (i < instances.size() && instances[i].instance.name != *name) ++i;
        if (i == instances.size()) {
          errors_.Add(f->line,
                      "default_instance: " + Quote(*name) + " is not the name of any instance");
        } else {
          config.default_instance = i;
        }
      }
    }
    for (auto& read : instances) config.instances.push_back(std::move(read.instance));
    for (auto& read : roles) config.roles.push_back(std::move(read.role));
    for (auto& read : profiles) config.instance_profiles.push_back(std::move(read.profile));
    for (auto& read : users) config.users.push_back(std::move(read.user));
    config.accounts = accounts.Take();
    return config;
  }

 private:
  // The top-level account_id, region and partition: Config's own values and what instances
  // inherit. Returns the line of an explicit partition (0 when there is none).
  int ReadAccountDefaults(const MapReader& top, Config& config, InstanceDefaults& defaults) {
    if (auto f = top.Get("account_id")) {
      auto account = ReadString(errors_, *f);
      if (account && IsAccountId(*account)) {
        config.account_id = *account;
      } else if (account) {
        errors_.Add(f->line,
                    "account_id: " + Quote(*account) + " is not an account id; expected 12 digits");
      }
    }
    int region_line = 0;
    if (auto f = top.Get("region")) {
      auto region = ReadString(errors_, *f);
      if (region && IsRegionName(*region)) {
        config.region = *region;
        region_line = f->line;
      } else if (region) {
        errors_.Add(f->line, "region: " + Quote(*region) + " is not a region name like us-east-1");
      }
    }
    config.partition = PartitionForRegion(config.region);
    int partition_line = 0;
    if (auto f = top.Get("partition")) {
      auto partition = ReadString(errors_, *f);
      if (partition && !sts::ValidatePartition(*partition).ok()) {
        errors_.Add(f->line, "partition: " + Quote(*partition) +
                                 " is not a partition name like aws, aws-cn or aws-us-gov");
      } else if (partition && !RegionFitsPartition(config.region, *partition)) {
        errors_.Add(f->line,
                    "partition: " + *partition + " does not contain " +
                        (region_line > 0
                             ? "region " + config.region + " (line " + std::to_string(region_line) +
                                   "), which is in partition " + PartitionForRegion(config.region)
                             : "the default region " + config.region + "; set region to one of " +
                                   *partition + "'s regions too"));
      } else if (partition) {
        config.partition = *partition;
        defaults.partition = *partition;
        partition_line = f->line;
      }
    }
    defaults.account_id = config.account_id;
    defaults.region = config.region;
    return partition_line;
  }

  // An instance's instance_profile must name a defined profile of the instance's own account
  // and partition.
  void CheckInstanceProfiles(const std::vector<ReadInstance>& instances,
                             const std::vector<ReadProfile>& profiles, const Config& config) {
    std::vector<std::string> defined;
    for (const ReadProfile& p : profiles) {
      if (!p.profile.name.empty()) defined.push_back(p.profile.name);
    }
    for (const ReadInstance& read : instances) {
      const Instance& in = read.instance;
      if (in.instance_profile.empty()) continue;
      const std::string where = read.path + ".instance_profile: ";
      auto it = std::find_if(profiles.begin(), profiles.end(), [&](const ReadProfile& p) {
        return p.profile.name == in.instance_profile;
      });
      if (it == profiles.end()) {
        errors_.Add(read.instance_profile_line,
                    where + NotDefined("instance profile", in.instance_profile, defined,
                                       "instance_profiles"));
        continue;
      }
      const InstanceProfile& profile = it->profile;
      if (!read.clean || profile.account_id.empty()) continue;  // reported elsewhere
      if (profile.account_id != in.account_id) {
        errors_.Add(read.instance_profile_line,
                    where + Quote(profile.name) + " belongs to account " + profile.account_id +
                        " (the account of role " + Quote(profile.role) +
                        "), but this instance is in account " + in.account_id +
                        "; EC2 attaches only instance profiles of the instance's own account");
      } else if (in.partition != config.partition) {
        errors_.Add(read.instance_profile_line,
                    where + "this instance is in partition " + in.partition + " (region " +
                        in.region + "), but roles and instance profiles are in partition " +
                        config.partition +
                        "; set the top-level partition and region to the instance's");
      }
    }
  }

  // A trust policy may name any account, but when the accounts are declared, one that is not
  // among them is more likely a typo than a deliberate outsider: no identity of it can call the
  // STS endpoint, so the statement never matches here. A warning, not an error.
  void WarnAboutUnknownTrustedAccounts(const std::vector<ReadRole>& roles,
                                       const AccountBook& accounts) {
    for (const ReadRole& read : roles) {
      if (!read.trust) continue;
      std::map<std::string, bool> warned;
      for (const policy::Statement& statement : read.trust->policy.statements) {
        if (!statement.principal) continue;
        for (const policy::PrincipalId& id : statement.principal->ids) {
          if (id.kind != policy::PrincipalKind::kAws) continue;
          auto account = AccountOfPrincipal(id.id);
          if (!account || accounts.Knows(*account) || warned[*account]) continue;
          warned[*account] = true;
          errors_.Warn(read.role.trust_policy.source_line,
                       read.path + ".trust_policy: principal " + Quote(id.id) + " is in account " +
                           *account +
                           ", which is not declared under accounts; no identity of that account "
                           "can call imdsd's STS endpoint, so this principal never matches here");
        }
      }
    }
  }

  // A list of listen endpoints, unique; `fallback` when the key is absent.
  std::vector<net::Endpoint> ReadListen(const std::optional<Field>& field,
                                        std::vector<net::Endpoint> fallback, int port_example) {
    if (!field) return fallback;
    const Field& f = *field;
    std::vector<net::Endpoint> out;
    std::vector<int> lines;
    std::vector<std::string> texts = ReadStringList(errors_, f, &lines);
    std::map<std::string, int> seen;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      auto endpoint = net::Endpoint::Parse(texts[i]);
      if (!endpoint) {
        errors_.Add(lines[i], f.path + ": " + Quote(texts[i]) +
                                  " is not ADDRESS:PORT (IPv6 in brackets: \"[::1]:" +
                                  std::to_string(port_example) + "\")");
        continue;
      }
      auto [it, inserted] = seen.emplace(endpoint->ToString(), lines[i]);
      if (!inserted) {
        errors_.Add(lines[i], f.path + ": " + endpoint->ToString() +
                                  " is listed twice (first at line " + std::to_string(it->second) +
                                  ")");
        continue;
      }
      out.push_back(*endpoint);
    }
    if (texts.empty()) errors_.Add(f.line, f.path + ": give at least one ADDRESS:PORT");
    return out;
  }

  // The `sts` section. Defaults: see StsOptions; `has_identities` decides `enabled`.
  void ReadSts(const std::optional<Field>& field, bool has_identities, Config& config) {
    StsOptions& sts = config.sts;
    sts.enabled = has_identities || (field && !field->value.IsNull());
    sts.region = config.region;
    if (!field || !IsSection(errors_, *field)) {
      sts.listen = DefaultStsListen();
      if (sts.enabled) CheckStsListenApart(std::nullopt, config);
      return;
    }
    MapReader map(field->value, "sts",
                  {"enabled", "listen", "max_clock_skew", "audit_log", "region"}, errors_);
    if (auto f = map.Get("enabled")) {
      if (auto b = ReadBool(errors_, *f)) sts.enabled = *b;
    }
    auto listen_field = map.Get("listen");
    sts.listen = ReadListen(listen_field, DefaultStsListen(), kDefaultStsPort);
    if (sts.enabled) CheckStsListenApart(listen_field, config);
    if (auto f = map.Get("max_clock_skew")) {
      if (auto d = ReadDuration(errors_, *f)) {
        if (*d < std::chrono::seconds(1) || *d > std::chrono::hours(1)) {
          errors_.Add(f->line, f->path + ": " + FormatDuration(*d) +
                                   " is out of range; allowed: 1s to 1h (STS itself allows 15m)");
        } else {
          sts.max_clock_skew = *d;
        }
      }
    }
    if (auto f = map.Get("audit_log")) {
      auto file = ReadString(errors_, *f);
      if (file && !file->empty()) sts.audit_log = Resolve(base_dir_, *file);
    }
    if (auto f = map.Get("region")) {
      auto region = ReadString(errors_, *f);
      if (region && !IsRegionName(*region)) {
        errors_.Add(f->line,
                    f->path + ": " + Quote(*region) + " is not a region name like us-east-1");
      } else if (region && !RegionFitsPartition(*region, config.partition)) {
        errors_.Add(f->line, f->path + ": " + *region + " is not in partition " + config.partition +
                                 ", where the configuration's roles and users are");
      } else if (region) {
        sts.region = *region;
      }
    }
  }

  static std::vector<net::Endpoint> DefaultStsListen() {
    const std::string port = std::to_string(kDefaultStsPort);
    return {*net::Endpoint::Parse("127.0.0.1:" + port), *net::Endpoint::Parse("[::1]:" + port)};
  }

  // The STS listener must not take an address IMDS listens on: one of the two binds would fail
  // at start. A wildcard address (0.0.0.0, ::) overlaps every address of its family.
  void CheckStsListenApart(const std::optional<Field>& listen_field, const Config& config) {
    const net::IpAddress any_v4 = *net::IpAddress::Parse("0.0.0.0");
    const net::IpAddress any_v6 = *net::IpAddress::Parse("::");
    auto is_any = [&](const net::IpAddress& a) { return a == any_v4 || a == any_v6; };
    for (const net::Endpoint& sts : config.sts.listen) {
      for (const net::Endpoint& imds : config.server.listen) {
        if (sts.port == 0 || sts.port != imds.port) continue;
        const bool same_family = sts.address.is_v4() == imds.address.is_v4();
        if (sts.address == imds.address ||
            (same_family && (is_any(sts.address) || is_any(imds.address)))) {
          errors_.Add(listen_field ? listen_field->line : 0,
                      "sts.listen: " + sts.ToString() + " overlaps server.listen " +
                          imds.ToString() +
                          "; the STS endpoint needs an address or port of its own (default "
                          "port " +
                          std::to_string(kDefaultStsPort) + ")" +
                          (listen_field ? "" : "; set sts.listen, or sts.enabled: false"));
          return;
        }
      }
    }
  }

  void ReadServer(const std::optional<Field>& field, ServerOptions& server) {
    server.listen = {*net::Endpoint::Parse("127.0.0.1:8169"), *net::Endpoint::Parse("[::1]:8169")};
    if (!field || !IsSection(errors_, *field)) return;
    MapReader map(field->value, "server",
                  {"listen", "threads", "max_connections", "max_connections_per_ip",
                   "max_request_bytes", "connection_timeout_seconds"},
                  errors_);
    server.listen = ReadListen(map.Get("listen"), server.listen, 8169);
    ReadIntInto(errors_, map.Get("threads"), 0, 64, server.threads);
    ReadIntInto(errors_, map.Get("max_connections"), 1, 100000, server.max_connections);
    ReadIntInto(errors_, map.Get("max_connections_per_ip"), 0, 100000,
                server.max_connections_per_ip);
    ReadIntInto(errors_, map.Get("max_request_bytes"), 1024, 1048576, server.max_request_bytes);
    ReadIntInto(errors_, map.Get("connection_timeout_seconds"), 1, 3600,
                server.connection_timeout_seconds);
  }

  void ReadLogging(const std::optional<Field>& field, LoggingOptions& logging) {
    if (!field || !IsSection(errors_, *field)) return;
    MapReader map(field->value, "logging", {"level", "format", "access_log", "file"}, errors_);
    if (auto f = map.Get("level")) {
      auto level =
          ReadChoice(errors_, *f, {"trace", "debug", "info", "warn", "error", "critical", "off"});
      if (level) logging.level = *level;
    }
    if (auto f = map.Get("format")) {
      auto format = ReadChoice(errors_, *f, {"text", "json"});
      if (format) logging.format = *format == "json" ? LogFormat::kJson : LogFormat::kText;
    }
    if (auto f = map.Get("access_log")) {
      if (auto b = ReadBool(errors_, *f)) logging.access_log = *b;
    }
    if (auto f = map.Get("file")) {
      auto file = ReadString(errors_, *f);
      if (file && !file->empty()) logging.file = Resolve(base_dir_, *file).string();
    }
  }

  std::vector<ReadInstance> ReadInstances(const std::optional<Field>& field, const YAML::Node& root,
                                          const InstanceDefaults& defaults, int partition_line) {
    std::vector<ReadInstance> out;
    if (!field) {
      errors_.Add(LineOf(root, 1), "instances: missing; declare at least one instance");
      return out;
    }
    if (!field->value.IsSequence() || field->value.size() == 0) {
      errors_.Add(field->line,
                  "instances: expected a list of at least one instance, found " +
                      (field->value.IsSequence() ? "an empty list" : Describe(field->value)));
      return out;
    }
    for (const Field& item : ReadList(errors_, *field)) {
      if (!ExpectMap(errors_, item)) continue;
      out.push_back(InstanceReader(base_dir_, defaults, partition_line, errors_).Read(item));
    }
    return out;
  }

  // Names and ids must be unique; a match CIDR inside an earlier instance's would never be
  // used, because the first instance in file order that matches a source wins.
  void CheckAcrossInstances(const std::vector<ReadInstance>& instances) {
    std::map<std::string, int> names;
    std::map<std::string, int> ids;
    for (std::size_t i = 0; i < instances.size(); ++i) {
      const ReadInstance& read = instances[i];
      const Instance& in = read.instance;
      bool duplicate_name = false;
      if (!in.name.empty()) {
        auto [it, inserted] = names.emplace(in.name, read.name_line);
        duplicate_name = !inserted;
        if (duplicate_name) {
          errors_.Add(read.name_line, read.path + ".name: " + Quote(in.name) +
                                          " is already used by the instance at line " +
                                          std::to_string(it->second));
        }
      }
      // Ids derived from a repeated name repeat too; one error about the name is enough.
      if (!in.instance_id.empty() && !duplicate_name) {
        auto [it, inserted] = ids.emplace(in.instance_id, read.instance_id_line);
        if (!inserted) {
          errors_.Add(read.instance_id_line, read.path + ".instance_id: " + in.instance_id +
                                                 " is already used by the instance at line " +
                                                 std::to_string(it->second));
        }
      }
      for (std::size_t c = 0; c < in.match.size(); ++c) {
        ReportShadowing(instances, i, c);
      }
    }
  }

  void ReportShadowing(const std::vector<ReadInstance>& instances, std::size_t i, std::size_t c) {
    const net::Cidr& cidr = instances[i].instance.match[c];
    for (std::size_t j = 0; j < i; ++j) {
      const Instance& earlier = instances[j].instance;
      for (std::size_t k = 0; k < earlier.match.size(); ++k) {
        if (!CidrInside(cidr, earlier.match[k])) continue;
        errors_.Add(instances[i].match_lines[c],
                    instances[i].path + ".match: never matches: " + cidr.ToString() +
                        " is inside instance " + Quote(earlier.name) + " match " +
                        earlier.match[k].ToString() + " declared at line " +
                        std::to_string(instances[j].match_lines[k]) +
                        " (the first instance that matches wins)");
        return;
      }
    }
  }

  fs::path base_dir_;
  ErrorList& errors_;
};

// Errors come out grouped by the check that found them; people read them in file order.
void SortByLine(std::vector<ConfigError>& list) {
  std::stable_sort(list.begin(), list.end(),
                   [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
}

LoadOutcome Fail(ErrorList& errors) {
  LoadOutcome outcome;
  outcome.errors = errors.Take();
  outcome.warnings = errors.TakeWarnings();
  SortByLine(outcome.errors);
  SortByLine(outcome.warnings);
  return outcome;
}

}  // namespace

LoadOutcome LoadConfigText(const std::string& text, const std::filesystem::path& file_name) {
  ErrorList errors(file_name.string());
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.empty() || (documents.size() == 1 && documents[0].IsNull())) {
      errors.Add(0, "the file is empty; expected a map with at least \"instances\"");
      return Fail(errors);
    }
    if (documents.size() > 1) {
      errors.Add(LineOf(documents[1], 0), "only one YAML document is allowed; remove \"---\"");
    }
    const YAML::Node& root = documents[0];
    if (!root.IsMap()) {
      errors.Add(LineOf(root, 1),
                 "expected a map of settings at the top level, found " + Describe(root));
      return Fail(errors);
    }
    std::error_code ec;
    fs::path absolute = fs::absolute(file_name, ec);
    if (ec) absolute = file_name;
    Config config = ConfigBuilder(absolute.parent_path(), errors).Build(root);
    if (errors.size() > 0) return Fail(errors);
    config.source_file = absolute.lexically_normal();
    LoadOutcome outcome;
    outcome.config = std::make_shared<const Config>(std::move(config));
    outcome.warnings = errors.TakeWarnings();
    SortByLine(outcome.warnings);
    return outcome;
  } catch (const YAML::Exception& e) {
    errors.Add(e.mark.is_null() ? 0 : e.mark.line + 1, "YAML syntax error: " + e.msg);
  } catch (const std::exception& e) {
    errors.Add(0, std::string("unexpected error while reading the configuration: ") + e.what());
  }
  return Fail(errors);
}

LoadOutcome LoadConfigFile(const std::filesystem::path& file) {
  constexpr std::size_t kMaxConfigBytes = std::size_t{16} * 1024 * 1024;
  auto contents = ReadFileCapped(file, kMaxConfigBytes);
  if (!contents.ok()) {
    LoadOutcome outcome;
    outcome.errors.push_back(
        {file.string(), 0, "cannot read the configuration: " + contents.status().message()});
    return outcome;
  }
  if (contents->size() > kMaxConfigBytes) {
    LoadOutcome outcome;
    outcome.errors.push_back({file.string(), 0, "the configuration is larger than 16 MiB"});
    return outcome;
  }
  return LoadConfigText(*contents, file);
}

}  // namespace imdsd::config
