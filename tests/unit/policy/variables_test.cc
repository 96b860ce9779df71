#include "policy/variables.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace imdsd::policy {
namespace {

class VariablesTest : public ::testing::Test {
 protected:
  VariablesTest() {
    keys_.Set(keys::kUserName, std::string("alice"));
    keys_.Set("aws:PrincipalTag/team", std::string("data"));
    keys_.Set(keys::kTagKeys, std::vector<std::string>{"a", "b"});
  }
  ConditionContext keys_;
};

TEST_F(VariablesTest, TextWithoutVariablesIsUnchanged) {
  Resolved r = ResolveVariables("home/alice/*", keys_);
  EXPECT_EQ(r.text, "home/alice/*");
  EXPECT_FALSE(r.substituted);
  EXPECT_TRUE(r.literal.empty());
  EXPECT_TRUE(r.unresolved.empty());
}

TEST_F(VariablesTest, SubstitutesKeysAndFlagsTheirText) {
  Resolved r = ResolveVariables("home/${aws:username}/*", keys_);
  EXPECT_EQ(r.text, "home/alice/*");
  EXPECT_TRUE(r.substituted);
  EXPECT_EQ(r.literal, (std::vector<bool>{false, false, false, false, false, true, true, true, true,
                                          true, false, false}));
  EXPECT_EQ(ResolveVariables("${AWS:PrincipalTag/Team}-${aws:username}", keys_).text, "data-alice");
  EXPECT_EQ(ResolveVariables("${ aws:username }", keys_).text, "alice");
}

TEST_F(VariablesTest, SpecialCharacters) {
  Resolved r = ResolveVariables("a${*}b${?}c${$}", keys_);
  EXPECT_EQ(r.text, "a*b?c$");
  EXPECT_EQ(r.literal, (std::vector<bool>{false, true, false, true, false, true}));
}

TEST_F(VariablesTest, DefaultsAndMissingValues) {
  EXPECT_EQ(ResolveVariables("${aws:PrincipalTag/owner, 'nobody'}", keys_).text, "nobody");
  EXPECT_EQ(ResolveVariables("${aws:username, 'nobody'}", keys_).text, "alice");
  EXPECT_EQ(ResolveVariables("${aws:PrincipalTag/owner,''}", keys_).text, "");
  EXPECT_EQ(ResolveVariables("x/${aws:PrincipalTag/owner}/y", keys_).unresolved,
            "${aws:PrincipalTag/owner}");
  // A multi-valued key is no value; a malformed default is no default.
  EXPECT_EQ(ResolveVariables("${aws:TagKeys}", keys_).unresolved, "${aws:TagKeys}");
  EXPECT_EQ(ResolveVariables("${aws:PrincipalTag/owner, nobody}", keys_).unresolved,
            "${aws:PrincipalTag/owner, nobody}");
}

TEST_F(VariablesTest, AnUnclosedVariableIsText) {
  Resolved r = ResolveVariables("a-${aws:username", keys_);
  EXPECT_EQ(r.text, "a-${aws:username");
  EXPECT_TRUE(r.unresolved.empty());
  EXPECT_EQ(r.literal.size(), r.text.size());
}

}  // namespace
}  // namespace imdsd::policy
