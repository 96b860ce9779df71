#include "imds/request_path.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace imdsd::imds {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Request paths are pure functions of their input; no fakes needed, so no fixture state.
class RequestPathTest : public ::testing::Test {};

TEST_F(RequestPathTest, SplitsSegments) {
  const RequestPath path = ParseRequestPath("/latest/meta-data/instance-id");
  EXPECT_THAT(path.segments, ElementsAre("latest", "meta-data", "instance-id"));
  EXPECT_FALSE(path.trailing_slash);
  EXPECT_FALSE(path.has_dot_segment);
}

TEST_F(RequestPathTest, CollapsesLeadingAndDoubledSlashes) {
  const RequestPath path = ParseRequestPath("///latest//meta-data///");
  EXPECT_THAT(path.segments, ElementsAre("latest", "meta-data"));
  EXPECT_TRUE(path.trailing_slash);
}

TEST_F(RequestPathTest, RootHasNoSegments) {
  EXPECT_THAT(ParseRequestPath("/").segments, IsEmpty());
  EXPECT_THAT(ParseRequestPath("").segments, IsEmpty());
  EXPECT_THAT(ParseRequestPath("////").segments, IsEmpty());
  EXPECT_FALSE(ParseRequestPath("/").trailing_slash);
}

TEST_F(RequestPathTest, FlagsDotSegmentsButKeepsDottedNames) {
  EXPECT_TRUE(ParseRequestPath("/latest/../latest").has_dot_segment);
  EXPECT_TRUE(ParseRequestPath("/latest/./meta-data").has_dot_segment);
  EXPECT_TRUE(ParseRequestPath("/latest/meta-data/..").has_dot_segment);
  EXPECT_FALSE(ParseRequestPath("/latest/...").has_dot_segment);
  EXPECT_FALSE(ParseRequestPath("/latest/.hidden").has_dot_segment);
}

TEST_F(RequestPathTest, TakesPercentSequencesLiterally) {
  EXPECT_THAT(ParseRequestPath("/latest/%2e%2e").segments, ElementsAre("latest", "%2e%2e"));
  EXPECT_FALSE(ParseRequestPath("/latest/%2e%2e").has_dot_segment);
}

TEST_F(RequestPathTest, VersionsAreThe2024CaptureWithLatestLast) {
  const auto versions = MetadataVersions();
  ASSERT_EQ(versions.size(), 29u);
  EXPECT_EQ(versions.front(), "1.0");
  EXPECT_EQ(versions[versions.size() - 2], "2024-04-11");
  EXPECT_EQ(versions.back(), "latest");
  EXPECT_TRUE(IsMetadataVersion("2021-03-23"));
  EXPECT_TRUE(IsMetadataVersion("latest"));
  EXPECT_FALSE(IsMetadataVersion("2022-07-09"));  // only in the other capture
  EXPECT_FALSE(IsMetadataVersion("Latest"));
  const std::string listing(VersionListing());
  EXPECT_EQ(listing.substr(0, 15), "1.0\n2007-01-19\n");
  EXPECT_EQ(listing.substr(listing.size() - 18), "\n2024-04-11\nlatest");
}

}  // namespace
}  // namespace imdsd::imds
