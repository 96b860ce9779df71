#include "imds/instance_identity.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "imds/identity_document.h"
#include "imds_fixture.h"

namespace imdsd::imds {
namespace {

using ::imdsd::testing::IsOk;
using ::imdsd::testing::StatusIs;
using Kind = LookupResult::Kind;

class InstanceIdentityTest : public ImdsFixture {
 protected:
  LookupResult Find(std::vector<std::string_view> segments) const {
    return identity_.Lookup(DynamicRequest{instance_, true}, segments);
  }

  config::Instance instance_ = WebInstance();
  InstanceIdentity identity_{instance_, signer_};
};

TEST_F(InstanceIdentityTest, NothingIsSignedUntilAsked) {
  EXPECT_EQ(Find({}).body, "document\npkcs7\nrsa2048\nsignature");
  EXPECT_EQ(Find({}).kind, Kind::kListing);
  EXPECT_EQ(Find({"dsa2048"}).kind, Kind::kNotFound);
  EXPECT_EQ(Find({"document", "x"}).kind, Kind::kNotFound);
  EXPECT_EQ(signer_.sign_calls(), 0);
}

TEST_F(InstanceIdentityTest, ServesTheDocumentAndItsSignaturesSignedOnce) {
  const std::string document = BuildIdentityDocument(instance_);
  const auto expected = *signer_.Sign(document);
  EXPECT_EQ(Find({"signature"}).body, expected.signature);
  EXPECT_EQ(Find({"pkcs7"}).body, expected.pkcs7);
  EXPECT_EQ(Find({"rsa2048"}).body, expected.rsa2048);
  const LookupResult found = Find({"document"});
  EXPECT_EQ(found.kind, Kind::kValue);
  EXPECT_EQ(found.body, document);
  EXPECT_EQ(signer_.sign_calls(), 2);  // ours above, and the identity's one
  EXPECT_THAT(identity_.Prepare(), IsOk());
  EXPECT_EQ(signer_.sign_calls(), 2);
}

TEST_F(InstanceIdentityTest, ConcurrentFirstRequestsSignOnce) {
  const std::string expected = signer_.Sign(BuildIdentityDocument(instance_))->signature;
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (Find({"signature"}).body != expected) ++mismatches;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(signer_.sign_calls(), 2);
}

TEST_F(InstanceIdentityTest, FailureKeepsNothingAndIsRetried) {
  signer_.set_fail(true);
  EXPECT_THAT(identity_.Prepare(), StatusIs(ErrorCode::kInternal));
  EXPECT_EQ(Find({"document"}).kind, Kind::kNotFound);
  signer_.set_fail(false);
  EXPECT_THAT(identity_.Prepare(), IsOk());
  EXPECT_EQ(Find({"document"}).body, BuildIdentityDocument(instance_));
}

}  // namespace
}  // namespace imdsd::imds
