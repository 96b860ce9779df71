#include "crypto/hmac_key.h"

#include <array>
#include <cstddef>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/digest.h"

namespace imdsd::crypto {
namespace {

Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(HmacSha256KeyTest, Rfc4231TestCase2) {
  const HmacSha256Key key(ToBytes("Jefe"));
  EXPECT_EQ(HexEncode(key.Compute(AsBytes("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256KeyTest, Rfc4231TestCase6KeyLongerThanBlock) {
  const HmacSha256Key key(Bytes(131, 0xaa));
  EXPECT_EQ(
      HexEncode(key.Compute(AsBytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256KeyTest, AcceptsEmptyKeyAndMessage) {
  const HmacSha256Key key(Bytes{});
  EXPECT_EQ(HexEncode(key.Compute(Bytes{})),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  EXPECT_EQ(key.Compute({}), HmacSha256(Bytes{}, ""));
}

TEST(HmacSha256KeyTest, PartsAreHashedAsTheirConcatenation) {
  const Bytes secret = ToBytes("token-key-0123456789abcdef012345");
  const HmacSha256Key key(secret);
  EXPECT_EQ(key.Compute({AsBytes("imdsd-"), AsBytes(""), AsBytes("token-v1"), AsBytes("i-0abc")}),
            HmacSha256(secret, "imdsd-token-v1i-0abc"));
}

TEST(HmacSha256KeyTest, ReusedContextMatchesAFreshMacEveryTime) {
  const Bytes secret = ToBytes("reuse");
  const HmacSha256Key key(secret);
  for (int i = 0; i < 100; ++i) {
    const std::string message = "message " + std::to_string(i);
    ASSERT_EQ(key.Compute(AsBytes(message)), HmacSha256(secret, message)) << message;
  }
}

TEST(HmacSha256KeyTest, KeysDoNotShareState) {
  const HmacSha256Key a(ToBytes("key a"));
  const HmacSha256Key b(ToBytes("key b"));
  for (int i = 0; i < 3; ++i) {  // interleaved on one thread, after each has been used
    EXPECT_EQ(a.Compute(AsBytes("m")), HmacSha256(ToBytes("key a"), "m"));
    EXPECT_EQ(b.Compute(AsBytes("m")), HmacSha256(ToBytes("key b"), "m"));
  }
}

TEST(HmacSha256KeyTest, ThreadsGetTheSameResultsAsAFreshMac) {
  const Bytes secret = ToBytes("shared between threads");
  const HmacSha256Key key(secret);
  constexpr int kThreads = 8;
  constexpr int kMessages = 200;
  std::vector<std::vector<Sha256Digest>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&key, &results, t] {
      for (int i = 0; i < kMessages; ++i) {
        results[t].push_back(key.Compute(AsBytes("message " + std::to_string(i))));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kMessages; ++i) {
    const auto expected = HmacSha256(secret, "message " + std::to_string(i));
    for (int t = 0; t < kThreads; ++t) ASSERT_EQ(results[t][i], expected) << t << " " << i;
  }
}

TEST(HmacSha256KeyTest, ThreadsTakeOverTheSlotsOfExitedThreads) {
  // Threads come and go; later ones take over the slots (and contexts) of earlier ones, and a
  // new key on a reused slot must not see the old key's context.
  const Bytes secret = ToBytes("slots");
  for (int round = 0; round < 100; ++round) {
    const HmacSha256Key key(round % 2 == 0 ? secret : ToBytes("other"));
    Sha256Digest got{};
    std::thread([&key, &got] { got = key.Compute(AsBytes("x")); }).join();
    EXPECT_EQ(got, HmacSha256(round % 2 == 0 ? secret : ToBytes("other"), "x")) << round;
  }
}

TEST(HmacSha256KeyTest, MoreLiveThreadsThanSlots) {
  // Beyond 64 live threads, the rest duplicate the keyed context per call.
  const Bytes secret = ToBytes("many threads");
  const HmacSha256Key key(secret);
  constexpr int kThreads = 80;
  std::vector<Sha256Digest> results(kThreads);
  std::vector<std::thread> threads;
  std::latch all_started(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      results[t] = key.Compute(AsBytes("first"));
      // Stay alive until every thread holds a slot or found none left.
      all_started.arrive_and_wait();
      results[t] = key.Compute(AsBytes("second"));
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(results[t], HmacSha256(secret, "second")) << t;
}

}  // namespace
}  // namespace imdsd::crypto
