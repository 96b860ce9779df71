// PolicyCache: one parse per distinct session policy text.

#include "stsservice/policy_cache.h"

#include <string>

#include <gtest/gtest.h>

namespace imdsd::stsservice {
namespace {

std::string PolicyFor(const std::string& action) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")" + action +
         R"(","Resource":"*"}]})";
}

TEST(PolicyCacheTest, SameTextSharesOneParse) {
  PolicyCache cache;
  auto first = cache.Get(PolicyFor("s3:GetObject"));
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->statements.size(), 1u);
  EXPECT_EQ(cache.Get(PolicyFor("s3:GetObject")), first);
  EXPECT_NE(cache.Get(PolicyFor("s3:PutObject")), first);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(PolicyCacheTest, InvalidTextIsNullAndNotKept) {
  PolicyCache cache;
  EXPECT_EQ(cache.Get(R"({"Statement":[{"Effect":"Allow"}]})"), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(PolicyCacheTest, StartsOverWhenFull) {
  PolicyCache cache(2);
  auto kept = cache.Get(PolicyFor("a:A"));
  ASSERT_NE(cache.Get(PolicyFor("b:B")), nullptr);
  ASSERT_NE(cache.Get(PolicyFor("c:C")), nullptr);
  EXPECT_EQ(cache.size(), 1u);
  // A caller's pointer outlives the eviction.
  EXPECT_EQ(kept->statements.size(), 1u);
}

}  // namespace
}  // namespace imdsd::stsservice
