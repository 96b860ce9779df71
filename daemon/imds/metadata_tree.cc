#include "imds/metadata_tree.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <utility>
#include <vector>

namespace imdsd::imds {

// The builder's mutable form of a node; Finish() flattens these into MetadataTree::Node.
struct MetadataNode {
  enum class Kind { kLeaf, kDirectory, kMount };

  Kind kind = Kind::kDirectory;
  std::string text;  // leaf: the value; directory: the listing
  bool listing_overridden = false;
  const DynamicSubtree* subtree = nullptr;  // kMount only
  std::map<std::string, std::unique_ptr<MetadataNode>, std::less<>> children;
};

namespace {

bool IsValidName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos;
}

void GenerateListings(MetadataNode& node) {
  if (node.kind != MetadataNode::Kind::kDirectory) return;
  std::string listing;
  for (auto& [name, child] : node.children) {
    GenerateListings(*child);
    if (!listing.empty()) listing += '\n';
    listing += name;
    if (child->kind != MetadataNode::Kind::kLeaf) listing += '/';
  }
  if (!node.listing_overridden) node.text = std::move(listing);
}

// Node count and text bytes, so the flat arrays are allocated once and hold no slack.
void Measure(const MetadataNode& node, std::size_t& nodes, std::size_t& text) {
  ++nodes;
  text += node.text.size();
  for (const auto& [name, child] : node.children) {
    text += name.size();
    Measure(*child, nodes, text);
  }
}

}  // namespace

MetadataTree::~MetadataTree() = default;
MetadataTree::MetadataTree(MetadataTree&&) noexcept = default;
MetadataTree& MetadataTree::operator=(MetadataTree&&) noexcept = default;

std::string_view MetadataTree::NameOf(const Node& node) const {
  return std::string_view(text_).substr(node.name_offset, node.name_size);
}

std::string_view MetadataTree::TextOf(const Node& node) const {
  return std::string_view(text_).substr(node.text_offset, node.text_size);
}

const MetadataTree::Node* MetadataTree::FindChild(const Node& parent, std::string_view name) const {
  const auto first = nodes_.begin() + parent.first_child;
  const auto last = first + parent.child_count;
  const auto it = std::lower_bound(
      first, last, name,
      [this](const Node& node, std::string_view wanted) { return NameOf(node) < wanted; });
  if (it == last || NameOf(*it) != name) return nullptr;
  return &*it;
}

LookupResult MetadataTree::Lookup(std::span<const std::string_view> segments,
                                  const DynamicRequest& request) const {
  const Node* node = &nodes_.front();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (node->kind == Kind::kMount) {
      return mounts_[node->text_offset]->Lookup(request, segments.subspan(i));
    }
    node = FindChild(*node, segments[i]);
    if (node == nullptr) return {};
  }
  switch (node->kind) {
    case Kind::kMount:
      return mounts_[node->text_offset]->Lookup(request, {});
    case Kind::kLeaf:
      return {LookupResult::Kind::kValue, std::string(TextOf(*node))};
    case Kind::kDirectory:
      return {LookupResult::Kind::kListing, std::string(TextOf(*node))};
  }
  return {};
}

std::size_t MetadataTree::MemoryBytes() const {
  return sizeof(*this) + nodes_.capacity() * sizeof(Node) + text_.capacity() +
         mounts_.capacity() * sizeof(const DynamicSubtree*);
}

MetadataTreeBuilder::MetadataTreeBuilder() : root_(std::make_unique<MetadataNode>()) {}
MetadataTreeBuilder::~MetadataTreeBuilder() = default;

MetadataTreeBuilder::Dir MetadataTreeBuilder::Root() { return Dir(*this, *root_); }

Result<MetadataTree> MetadataTreeBuilder::Finish() && {
  if (!error_.ok()) return error_;
  GenerateListings(*root_);

  std::size_t node_count = 0;
  std::size_t text_size = 0;
  Measure(*root_, node_count, text_size);
  if (text_size > std::numeric_limits<std::uint32_t>::max()) {
    return InvalidArgument("metadata tree text exceeds 4 GiB");
  }
  MetadataTree tree;
  tree.nodes_.reserve(node_count);
  tree.text_.reserve(text_size);

  // Breadth first, so each directory's children are appended next to each other, in the map's
  // (byte) order, which is what FindChild's binary search needs.
  std::vector<const MetadataNode*> pending{root_.get()};
  tree.nodes_.emplace_back();
  for (std::size_t i = 0; i < pending.size(); ++i) {
    const MetadataNode& source = *pending[i];
    MetadataTree::Node& node = tree.nodes_[i];  // stable: capacity was reserved
    switch (source.kind) {
      case MetadataNode::Kind::kLeaf:
        node.kind = MetadataTree::Kind::kLeaf;
        break;
      case MetadataNode::Kind::kDirectory:
        node.kind = MetadataTree::Kind::kDirectory;
        break;
      case MetadataNode::Kind::kMount:
        node.kind = MetadataTree::Kind::kMount;
        node.text_offset = static_cast<std::uint32_t>(tree.mounts_.size());
        tree.mounts_.push_back(source.subtree);
        continue;
    }
    node.text_offset = static_cast<std::uint32_t>(tree.text_.size());
    node.text_size = static_cast<std::uint32_t>(source.text.size());
    tree.text_ += source.text;
    if (source.children.size() > std::numeric_limits<std::uint16_t>::max()) {
      return InvalidArgument("a metadata directory has more than 65535 entries");
    }
    node.first_child = static_cast<std::uint32_t>(tree.nodes_.size());
    node.child_count = static_cast<std::uint16_t>(source.children.size());
    for (const auto& [name, child] : source.children) {
      if (name.size() > std::numeric_limits<std::uint16_t>::max()) {
        return InvalidArgument("metadata entry name longer than 65535 bytes");
      }
      MetadataTree::Node& added = tree.nodes_.emplace_back();
      added.name_offset = static_cast<std::uint32_t>(tree.text_.size());
      added.name_size = static_cast<std::uint16_t>(name.size());
      tree.text_ += name;
      pending.push_back(child.get());
    }
  }
  tree.mounts_.shrink_to_fit();
  return tree;
}
MetadataNode* MetadataTreeBuilder::Dir::AddChild(std::string_view name) {
  Status& error = builder_->error_;
  if (node_->kind != MetadataNode::Kind::kDirectory) {
    if (error.ok()) error = Internal("metadata entry added below a non-directory");
    return nullptr;
  }
  if (!IsValidName(name)) {
    if (error.ok())
      error = InvalidArgument("metadata entry name '" + std::string(name) +
                              "' cannot be served as a path segment");
    return nullptr;
  }
  auto [it, inserted] = node_->children.try_emplace(std::string(name));
  if (!inserted) {
    if (error.ok()) error = InvalidArgument("duplicate metadata entry '" + std::string(name) + "'");
    return nullptr;
  }
  it->second = std::make_unique<MetadataNode>();
  return it->second.get();
}

MetadataTreeBuilder::Dir MetadataTreeBuilder::Dir::AddDirectory(std::string_view name) {
  MetadataNode* child = AddChild(name);
  if (child == nullptr) {
    // Keep the caller's code linear: hand out a detached node; Finish() reports the error.
    child = builder_->detached_.emplace_back(std::make_unique<MetadataNode>()).get();
  }
  return Dir(*builder_, *child);
}

void MetadataTreeBuilder::Dir::AddLeaf(std::string_view name, std::string value) {
  if (MetadataNode* child = AddChild(name)) {
    child->kind = MetadataNode::Kind::kLeaf;
    child->text = std::move(value);
  }
}

void MetadataTreeBuilder::Dir::Mount(std::string_view name, const DynamicSubtree& subtree) {
  if (MetadataNode* child = AddChild(name)) {
    child->kind = MetadataNode::Kind::kMount;
    child->subtree = &subtree;
  }
}

void MetadataTreeBuilder::Dir::OverrideListing(std::string listing) {
  node_->text = std::move(listing);
  node_->listing_overridden = true;
}

}  // namespace imdsd::imds
