#pragma once
// MetadataTree: one instance's prebuilt metadata hierarchy below a version prefix
// (the tree that /latest/ and every dated version serve).
//
// Directories and leaves are built once by MetadataTreeBuilder when a State is built, including
// every listing text, so a lookup does no formatting: it walks the segments and copies out a
// prebuilt string. A directory's listing is its children's names, sub-directories with a
// trailing '/', joined by '\n' without a trailing newline, in byte order (EC2 sorts its
// listings alphabetically) unless the builder overrides the text (public-keys/ lists
// "0=name"). A directory may instead be a mount point for a DynamicSubtree, which then answers
// everything below it.
//
// Storage is flat because a daemon may hold a thousand of these trees: one node array whose
// directories own contiguous, name-sorted runs of children, and one string holding every name
// and text. A node costs 24 bytes instead of a map node and a string per entry.
//
// The tree owns its nodes and borrows mounted DynamicSubtrees, which must outlive it. Immutable
// after building, hence thread-safe.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "imds/dynamic_subtree.h"

namespace imdsd::imds {

struct MetadataNode;

class MetadataTree {
 public:
  ~MetadataTree();
  MetadataTree(MetadataTree&&) noexcept;
  MetadataTree& operator=(MetadataTree&&) noexcept;

  // `segments` are the non-empty path segments after the version (empty: the tree's root
  // listing). A leaf answers its value, a directory its listing, whatever the caller did with
  // trailing slashes; anything else is kNotFound.
  LookupResult Lookup(std::span<const std::string_view> segments,
                      const DynamicRequest& request) const;

  // Bytes held by the tree itself (nodes, text, mounts), for tests and diagnostics.
  std::size_t MemoryBytes() const;

 private:
  friend class MetadataTreeBuilder;
  enum class Kind : std::uint8_t { kLeaf, kDirectory, kMount };
  struct Node {
    std::uint32_t name_offset = 0;  // into text_
    std::uint32_t text_offset = 0;  // into text_: value or listing; kMount: index into mounts_
    std::uint32_t text_size = 0;
    std::uint32_t first_child = 0;  // into nodes_; children are contiguous and sorted by name
    std::uint16_t name_size = 0;
    std::uint16_t child_count = 0;
    Kind kind = Kind::kDirectory;
  };

  MetadataTree() = default;
  std::string_view NameOf(const Node& node) const;
  std::string_view TextOf(const Node& node) const;
  const Node* FindChild(const Node& parent, std::string_view name) const;

  std::vector<Node> nodes_;  // nodes_[0] is the root
  std::string text_;
  std::vector<const DynamicSubtree*> mounts_;
};

// Builds a MetadataTree. Invalid input (an empty name, a name with '/', "." or "..", a
// duplicate name) is remembered and reported by Finish(), so building code stays linear.
// Not thread-safe; Dir handles are valid until Finish().
class MetadataTreeBuilder {
 public:
  class Dir {
   public:
    // Adds a sub-directory and returns its handle.
    Dir AddDirectory(std::string_view name);
    void AddLeaf(std::string_view name, std::string value);
    // Makes `name` a directory answered entirely by `subtree` (borrowed).
    void Mount(std::string_view name, const DynamicSubtree& subtree);
    // Replaces the generated listing text of this directory.
    void OverrideListing(std::string listing);

   private:
    friend class MetadataTreeBuilder;
    Dir(MetadataTreeBuilder& builder, MetadataNode& node) : builder_(&builder), node_(&node) {}
    MetadataNode* AddChild(std::string_view name);

    MetadataTreeBuilder* builder_;
    MetadataNode* node_;
  };

  MetadataTreeBuilder();
  ~MetadataTreeBuilder();
  MetadataTreeBuilder(const MetadataTreeBuilder&) = delete;
  MetadataTreeBuilder& operator=(const MetadataTreeBuilder&) = delete;

  Dir Root();
  // The tree, with every listing generated. kInvalidArgument naming the first bad entry, or
  // when the tree exceeds the flat layout's limits (65,535 children in one directory, 4 GiB of
  // text), which no configuration comes near.
  Result<MetadataTree> Finish() &&;

 private:
  std::unique_ptr<MetadataNode> root_;
  // Stand-ins handed out for rejected directories, so building code needs no error checks.
  std::vector<std::unique_ptr<MetadataNode>> detached_;
  Status error_;  // first invalid entry; sticky
};

}  // namespace imdsd::imds
