#include "imds/metadata_tree.h"

#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "imds/instance_tree.h"
#include "imds_fixture.h"

namespace imdsd::imds {
namespace {

using ::imdsd::testing::StatusIs;
using ::testing::ElementsAre;
using Kind = LookupResult::Kind;

class MetadataTreeTest : public ImdsFixture {
 protected:
  LookupResult Find(const MetadataTree& tree, std::vector<std::string_view> segments,
                    bool token_verified = false) const {
    return tree.Lookup(segments, DynamicRequest{instance_, token_verified});
  }

  config::Instance instance_ = WebInstance();
  RecordingSubtree subtree_;
};

TEST_F(MetadataTreeTest, ListingsAreSortedWithSlashesAndNoTrailingNewline) {
  MetadataTreeBuilder builder;
  auto root = builder.Root();
  root.AddLeaf("zeta", "z");
  root.AddDirectory("beta").AddLeaf("x", "1");
  root.AddLeaf("alpha", "a");
  root.AddDirectory("empty");
  auto tree = std::move(builder).Finish();
  ASSERT_OK(tree);

  const LookupResult listing = Find(*tree, {});
  EXPECT_EQ(listing.kind, Kind::kListing);
  EXPECT_EQ(listing.body, "alpha\nbeta/\nempty/\nzeta");
  EXPECT_EQ(Find(*tree, {"beta"}).body, "x");
  EXPECT_EQ(Find(*tree, {"empty"}).kind, Kind::kListing);
  EXPECT_EQ(Find(*tree, {"empty"}).body, "");
}

TEST_F(MetadataTreeTest, LeavesAnswerTheirValueAndNothingBelow) {
  MetadataTreeBuilder builder;
  builder.Root().AddDirectory("a").AddLeaf("b", std::string("bin\0ary", 7));
  auto tree = std::move(builder).Finish();
  ASSERT_OK(tree);
  const LookupResult leaf = Find(*tree, {"a", "b"});
  EXPECT_EQ(leaf.kind, Kind::kValue);
  EXPECT_EQ(leaf.body, std::string("bin\0ary", 7));
  EXPECT_EQ(Find(*tree, {"a", "b", "c"}).kind, Kind::kNotFound);
  EXPECT_EQ(Find(*tree, {"a", "x"}).kind, Kind::kNotFound);
  EXPECT_EQ(Find(*tree, {"b"}).kind, Kind::kNotFound);
}

TEST_F(MetadataTreeTest, OverriddenListingIsServedVerbatim) {
  MetadataTreeBuilder builder;
  auto keys = builder.Root().AddDirectory("public-keys");
  keys.AddDirectory("0").AddLeaf("openssh-key", "ssh-ed25519 AAAA");
  keys.OverrideListing("0=my-key");
  auto tree = std::move(builder).Finish();
  ASSERT_OK(tree);
  EXPECT_EQ(Find(*tree, {"public-keys"}).body, "0=my-key");
  EXPECT_EQ(Find(*tree, {"public-keys", "0"}).body, "openssh-key");
  EXPECT_EQ(Find(*tree, {"public-keys", "0=my-key"}).kind, Kind::kNotFound);
}

TEST_F(MetadataTreeTest, MountedSubtreeAnswersBelowItsMountPoint) {
  MetadataTreeBuilder builder;
  auto root = builder.Root();
  root.Mount("iam", subtree_);
  root.AddLeaf("hostname", "h");
  auto tree = std::move(builder).Finish();
  ASSERT_OK(tree);

  EXPECT_EQ(Find(*tree, {}).body, "hostname\niam/");
  EXPECT_EQ(Find(*tree, {"iam"}).body, "info\nsecurity-credentials/");
  EXPECT_THAT(subtree_.last_segments(), ElementsAre());

  const LookupResult info = Find(*tree, {"iam", "info"}, /*token_verified=*/true);
  EXPECT_EQ(info.kind, Kind::kValue);
  EXPECT_THAT(subtree_.last_segments(), ElementsAre("info"));
  EXPECT_TRUE(subtree_.last_token_verified());
  EXPECT_EQ(subtree_.last_instance(), instance_.instance_id);

  EXPECT_EQ(Find(*tree, {"iam", "security-credentials", "role"}).kind, Kind::kNotFound);
  EXPECT_THAT(subtree_.last_segments(), ElementsAre("security-credentials", "role"));
  EXPECT_FALSE(subtree_.last_token_verified());
}

TEST_F(MetadataTreeTest, NamesThatCannotBeSegmentsAreRejected) {
  for (const std::string_view bad : {"", ".", "..", "a/b"}) {
    MetadataTreeBuilder builder;
    builder.Root().AddDirectory("tags").AddLeaf(bad, "v");
    EXPECT_THAT(std::move(builder).Finish(), StatusIs(ErrorCode::kInvalidArgument)) << bad;
  }
  MetadataTreeBuilder builder;
  builder.Root().AddDirectory("a/b").AddLeaf("c", "v");  // below a rejected directory
  EXPECT_THAT(std::move(builder).Finish(), StatusIs(ErrorCode::kInvalidArgument));
}

TEST_F(MetadataTreeTest, DuplicateNamesAreRejected) {
  MetadataTreeBuilder builder;
  auto root = builder.Root();
  root.AddLeaf("ami", "1");
  root.AddDirectory("ami");
  EXPECT_THAT(std::move(builder).Finish(), StatusIs(ErrorCode::kInvalidArgument));
}

TEST_F(MetadataTreeTest, EveryEntryOfAWideAndDeepTreeIsFound) {
  MetadataTreeBuilder builder;
  auto root = builder.Root();
  // Prefixes, case and punctuation, so the binary search sees byte order at work.
  const std::vector<std::string> names = {"a", "ab", "a-b", "B", "b", "abc", "a0", "z", "Z_"};
  for (const std::string& name : names) {
    auto dir = root.AddDirectory("d" + name);
    dir.AddLeaf(name, "value of " + name);
    dir.AddDirectory("deeper").AddDirectory(name).AddLeaf("leaf", name);
    root.AddLeaf(name, name + "!");
  }
  auto tree = std::move(builder).Finish();
  ASSERT_OK(tree);
  for (const std::string& name : names) {
    const std::string dir = "d" + name;
    EXPECT_EQ(Find(*tree, {name}).body, name + "!");
    EXPECT_EQ(Find(*tree, {dir}).body, name < "deeper" ? name + "\ndeeper/" : "deeper/\n" + name);
    EXPECT_EQ(Find(*tree, {dir, name}).body, "value of " + name);
    EXPECT_EQ(Find(*tree, {dir, "deeper", name, "leaf"}).body, name);
    EXPECT_EQ(Find(*tree, {dir, "deeper", name + "x"}).kind, Kind::kNotFound);
  }
  EXPECT_EQ(Find(*tree, {"A"}).kind, Kind::kNotFound);
  EXPECT_EQ(Find(*tree, {"zz"}).kind, Kind::kNotFound);
  EXPECT_EQ(Find(*tree, {"0"}).kind, Kind::kNotFound);
}

TEST_F(MetadataTreeTest, AnInstanceTreeIsCompact) {
  auto tree = BuildInstanceTree(instance_, InstanceTreeInputs{}, subtree_);
  ASSERT_OK(tree);
  EXPECT_EQ(Find(*tree, {"meta-data", "instance-id"}).body, instance_.instance_id);
  // About 60 entries with their values and listings; the map-based tree took over 11 KB.
  EXPECT_LT(tree->MemoryBytes(), 6000u);
}

}  // namespace
}  // namespace imdsd::imds
