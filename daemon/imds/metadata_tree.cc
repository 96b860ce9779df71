#include "imds/metadata_tree.h"

#include <functional>
#include <map>
#include <utility>
#include <vector>

namespace imdsd::imds {

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

}  // namespace

MetadataTree::MetadataTree(std::unique_ptr<MetadataNode> root) : root_(std::move(root)) {}
MetadataTree::~MetadataTree() = default;
MetadataTree::MetadataTree(MetadataTree&&) noexcept = default;
MetadataTree& MetadataTree::operator=(MetadataTree&&) noexcept = default;

LookupResult MetadataTree::Lookup(std::span<const std::string_view> segments,
                                  const DynamicRequest& request) const {
  const MetadataNode* node = root_.get();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (node->kind == MetadataNode::Kind::kMount) {
      return node->subtree->Lookup(request, segments.subspan(i));
    }
    const auto it = node->children.find(segments[i]);
    if (it == node->children.end()) return {};
    node = it->second.get();
  }
  switch (node->kind) {
    case MetadataNode::Kind::kMount:
      return node->subtree->Lookup(request, {});
    case MetadataNode::Kind::kLeaf:
      return {LookupResult::Kind::kValue, node->text};
    case MetadataNode::Kind::kDirectory:
      return {LookupResult::Kind::kListing, node->text};
  }
  return {};
}

MetadataTreeBuilder::MetadataTreeBuilder() : root_(std::make_unique<MetadataNode>()) {}
MetadataTreeBuilder::~MetadataTreeBuilder() = default;

MetadataTreeBuilder::Dir MetadataTreeBuilder::Root() { return Dir(*this, *root_); }

Result<MetadataTree> MetadataTreeBuilder::Finish() && {
  if (!error_.ok()) return error_;
  GenerateListings(*root_);
  return MetadataTree(std::move(root_));
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
