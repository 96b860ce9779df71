#pragma once
// gtest matchers for Status and Result<T>: EXPECT_THAT(s, IsOk()); StatusIs(ErrorCode::kNotFound).

#include <gmock/gmock.h>

#include "common/status.h"

namespace imdsd::testing {

inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
Status GetStatus(const Result<T>& r) {
  return r.status();
}

MATCHER(IsOk, "is OK") {
  auto s = GetStatus(arg);
  *result_listener << s.ToString();
  return s.ok();
}

MATCHER_P(StatusIs, code, std::string("has code ") + ErrorCodeName(code)) {
  auto s = GetStatus(arg);
  *result_listener << s.ToString();
  return s.code() == code;
}

}  // namespace imdsd::testing

#define ASSERT_OK(expr) ASSERT_THAT((expr), ::imdsd::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::imdsd::testing::IsOk())
