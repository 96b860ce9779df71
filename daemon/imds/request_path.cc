#include "imds/request_path.h"

#include <algorithm>
#include <array>
#include <string>

namespace imdsd::imds {
namespace {

constexpr std::array<std::string_view, 29> kVersions = {
    "1.0",        "2007-01-19", "2007-03-01", "2007-08-29", "2007-10-10", "2007-12-15",
    "2008-02-01", "2008-09-01", "2009-04-04", "2011-01-01", "2011-05-01", "2012-01-12",
    "2014-02-25", "2014-11-05", "2015-10-20", "2016-04-19", "2016-06-30", "2016-09-02",
    "2018-03-28", "2018-08-17", "2018-09-24", "2019-10-01", "2020-10-27", "2021-01-03",
    "2021-03-23", "2021-07-15", "2022-09-24", "2024-04-11", "latest",
};

std::string JoinVersions() {
  std::string out;
  for (const auto v : kVersions) {
    if (!out.empty()) out += '\n';
    out += v;
  }
  return out;
}

}  // namespace

RequestPath ParseRequestPath(std::string_view path) {
  RequestPath result;
  result.segments.reserve(8);  // one allocation for the usual depths (meta-data paths: 2 to 6)
  std::size_t pos = 0;
  while (pos < path.size()) {
    const std::size_t slash = path.find('/', pos);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > pos) {
      const std::string_view segment = path.substr(pos, end - pos);
      if (segment == "." || segment == "..") result.has_dot_segment = true;
      result.segments.push_back(segment);
    }
    pos = end + 1;
  }
  result.trailing_slash = !result.segments.empty() && path.back() == '/';
  return result;
}

std::span<const std::string_view> MetadataVersions() { return kVersions; }

bool IsMetadataVersion(std::string_view segment) {
  return std::find(kVersions.begin(), kVersions.end(), segment) != kVersions.end();
}

std::string_view VersionListing() {
  static const std::string listing = JoinVersions();
  return listing;
}

}  // namespace imdsd::imds
