#include "http/message.h"

#include <gtest/gtest.h>

namespace imdsd::http {
namespace {

Request WithHeaders(std::vector<std::pair<std::string_view, std::string_view>> headers) {
  Request request;
  request.headers = std::move(headers);
  return request;
}

TEST(RequestTest, HeaderLookupIgnoresCase) {
  const Request request = WithHeaders({{"x-aws-ec2-metadata-token", "abc"}});
  EXPECT_EQ(request.Header("X-aws-ec2-metadata-token"), "abc");
  EXPECT_EQ(request.Header("X-AWS-EC2-METADATA-TOKEN"), "abc");
}

TEST(RequestTest, HeaderLookupNeedsTheWholeName) {
  const Request request = WithHeaders({{"X-aws-ec2-metadata-token-ttl-seconds", "60"}});
  EXPECT_EQ(request.Header("X-aws-ec2-metadata-token"), std::nullopt);
  EXPECT_EQ(request.Header("X-aws-ec2-metadata-token-ttl-seconds-extra"), std::nullopt);
}

TEST(RequestTest, HeaderLookupReturnsTheFirstOccurrence) {
  const Request request = WithHeaders({{"Host", "a"}, {"host", "b"}});
  EXPECT_EQ(request.Header("HOST"), "a");
}

TEST(RequestTest, EmptyValueIsPresent) {
  const Request request = WithHeaders({{"X-Forwarded-For", ""}});
  ASSERT_TRUE(request.Header("x-forwarded-for").has_value());
  EXPECT_EQ(*request.Header("x-forwarded-for"), "");
}

}  // namespace
}  // namespace imdsd::http
