#include "common/status.h"

#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace imdsd {
namespace {

using ::imdsd::testing::IsOk;
using ::imdsd::testing::StatusIs;

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  IMDSD_ASSIGN_OR_RETURN(int half, Half(x));
  return Half(half);
}

TEST(StatusTest, OkAndErrorCarryCodeAndMessage) {
  EXPECT_THAT(Status::Ok(), IsOk());
  Status s = NotFound("no such thing");
  EXPECT_THAT(s, StatusIs(ErrorCode::kNotFound));
  EXPECT_EQ(s.ToString(), "NotFound: no such thing");
}

TEST(StatusTest, ResultFromOkStatusBecomesInternalError) {
  Result<int> r(Status::Ok());
  EXPECT_THAT(r, StatusIs(ErrorCode::kInternal));
}

TEST(StatusTest, AssignOrReturnPropagatesTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_THAT(Quarter(6), StatusIs(ErrorCode::kInvalidArgument));  // 6/2 = 3 is odd
  EXPECT_THAT(Quarter(5), StatusIs(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace imdsd
