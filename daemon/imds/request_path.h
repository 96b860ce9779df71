#pragma once
// Splitting an IMDS request path the way EC2 treats it, and the version prefixes it serves.
//
// EC2 ignores a leading run of slashes and doubled slashes anywhere ("//latest//meta-data/" is
// "/latest/meta-data/"), answers directories with or without a trailing slash, and leaves with
// one too. "." and ".." segments are never resolved (the caller answers 404), so a path can
// never climb out of a tree. The path arrives already percent-decoded by the HTTP layer and is
// taken literally. Pure functions, thread-safe.

#include <span>
#include <string_view>
#include <vector>

namespace imdsd::imds {

struct RequestPath {
  std::vector<std::string_view> segments;  // non-empty segments; views into the input
  bool trailing_slash = false;             // the path ended with '/' after a segment
  bool has_dot_segment = false;            // some segment is "." or ".."
};

RequestPath ParseRequestPath(std::string_view path);

// The versions listed at "/" (a 2024 capture from a real instance), oldest first, "latest" last.
// Each of them serves the same tree.
std::span<const std::string_view> MetadataVersions();
bool IsMetadataVersion(std::string_view segment);
// MetadataVersions() joined by '\n', no trailing newline: the body of GET /.
std::string_view VersionListing();

}  // namespace imdsd::imds
