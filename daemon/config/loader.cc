#include "config/loader.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <initializer_list>
#include <map>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include <yaml-cpp/yaml.h>

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
  std::size_t size() const { return errors_.size(); }
  std::vector<ConfigError> Take() { return std::move(errors_); }

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
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
constexpr std::array<std::string_view, 7> kRoleKeys = {
    "name", "path", "account_id", "max_session_duration", "trust_policy", "trust_policy_file",
    "policies"};
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

struct ReadProfile {
  InstanceProfile profile;
  std::string path;  // "instance_profiles[0]"
  int name_line = 0;
  int role_line = 0;
};

// Reads the top-level `credentials`, `roles` and `instance_profiles` sections and checks them
// against each other, reporting into `errors`.
class IamReader {
 public:
  IamReader(const fs::path& base_dir, ErrorList& errors) : base_dir_(base_dir), errors_(errors) {}

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

 private:
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
    role.account_id = config.account_id;
    if (auto f = map.Get("account_id")) {
      auto account = ReadString(errors_, *f);
      if (account && IsAccountId(*account)) {
        role.account_id = *account;
      } else if (account) {
        errors_.Add(f->line,
                    f->path + ": " + Quote(*account) + " is not an account id; expected 12 digits");
      }
    }
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
    if (auto f = map.Get("policies")) ReadPermissionPolicies(*f, role);
    if (!role.name.empty()) {
      if (auto account = sts::AccountId::Parse(role.account_id); account.ok()) {
        role.role_id = sts::MakeUniqueId(sts::kRoleIdPrefix, *account, role.name);
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

  void ReadPermissionPolicies(const Field& field, Role& role) {
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
        role.permission_policies.push_back(std::move(named));
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
  ErrorList& errors_;
  // Where the lifetime profiles inherit comes from, for messages.
  std::string global_lifetime_origin_ = "the default";
};

// Builds one Config from the parsed document, reporting into `errors`.
class ConfigBuilder {
 public:
  ConfigBuilder(fs::path base_dir, ErrorList& errors)
      : base_dir_(std::move(base_dir)), errors_(errors) {}

  Config Build(const YAML::Node& root) {
    Config config;
    MapReader top(root, "",
                  {"server", "logging", "state_dir", "account_id", "partition", "region",
                   "credentials", "roles", "instance_profiles", "default_instance", "instances"},
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

    IamReader iam(base_dir_, errors_);
    iam.ReadCredentials(top.Get("credentials"), config);
    std::vector<ReadRole> roles = iam.ReadRoles(top.Get("roles"), config);
    std::vector<ReadProfile> profiles =
        iam.ReadProfiles(top.Get("instance_profiles"), config, roles);

    std::vector<ReadInstance> instances =
        ReadInstances(top.Get("instances"), root, defaults, partition_line);
    CheckAcrossInstances(instances);
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

  void ReadServer(const std::optional<Field>& field, ServerOptions& server) {
    server.listen = {*net::Endpoint::Parse("127.0.0.1:8169"), *net::Endpoint::Parse("[::1]:8169")};
    if (!field || !IsSection(errors_, *field)) return;
    MapReader map(field->value, "server",
                  {"listen", "threads", "max_connections", "max_connections_per_ip",
                   "max_request_bytes", "connection_timeout_seconds"},
                  errors_);
    if (auto f = map.Get("listen")) {
      server.listen.clear();
      std::vector<int> lines;
      std::vector<std::string> texts = ReadStringList(errors_, *f, &lines);
      std::map<std::string, int> seen;
      for (std::size_t i = 0; i < texts.size(); ++i) {
        auto endpoint = net::Endpoint::Parse(texts[i]);
        if (!endpoint) {
          errors_.Add(lines[i], "server.listen: " + Quote(texts[i]) +
                                    " is not ADDRESS:PORT (IPv6 in brackets: \"[::1]:8169\")");
          continue;
        }
        auto [it, inserted] = seen.emplace(endpoint->ToString(), lines[i]);
        if (!inserted) {
          errors_.Add(lines[i], "server.listen: " + endpoint->ToString() +
                                    " is listed twice (first at line " +
                                    std::to_string(it->second) + ")");
          continue;
        }
        server.listen.push_back(*endpoint);
      }
      if (texts.empty()) errors_.Add(f->line, "server.listen: give at least one ADDRESS:PORT");
    }
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
LoadOutcome Fail(ErrorList& errors) {
  LoadOutcome outcome;
  outcome.errors = errors.Take();
  std::stable_sort(outcome.errors.begin(), outcome.errors.end(),
                   [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
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
