#include "crypto/random.h"

#include <array>
#include <cstdint>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

namespace imdsd::crypto {
namespace {

using Chunk = std::array<std::uint8_t, 16>;

TEST(OpenSslRandomTest, FillsTheWholeBufferWithFreshBytes) {
  OpenSslRandom random;
  std::array<std::uint8_t, 32> a{};
  std::array<std::uint8_t, 32> b{};
  random.Fill(a);
  random.Fill(b);
  // 256-bit draws: a collision or an all-zero result means the buffer was not filled.
  EXPECT_NE(a, b);
  EXPECT_NE(a, (std::array<std::uint8_t, 32>{}));
  EXPECT_NE(b, (std::array<std::uint8_t, 32>{}));
}

TEST(OpenSslRandomTest, EmptyBufferIsANoOp) {
  OpenSslRandom random;
  random.Fill(std::span<std::uint8_t>());
}

TEST(OpenSslRandomTest, LargeRequestsBypassTheBuffer) {
  OpenSslRandom random;
  std::vector<std::uint8_t> a(OpenSslRandom::kBufferBytes * 2);
  std::vector<std::uint8_t> b(OpenSslRandom::kMaxBufferedRequest + 1);
  random.Fill(a);
  random.Fill(b);
  EXPECT_NE(std::vector<std::uint8_t>(a.begin(), a.begin() + 16),
            std::vector<std::uint8_t>(a.end() - 16, a.end()));
  EXPECT_NE(b, std::vector<std::uint8_t>(b.size()));
}

TEST(OpenSslRandomTest, SmallDrawsNeverRepeatAcrossRefillsAndInstances) {
  // More than one buffer's worth of 16-byte draws from two instances (which share the thread's
  // buffer): a repeated 128-bit value means bytes were handed out twice.
  OpenSslRandom a;
  OpenSslRandom b;
  std::set<Chunk> seen;
  const std::size_t draws = 3 * OpenSslRandom::kBufferBytes / sizeof(Chunk) + 7;
  for (std::size_t i = 0; i < draws; ++i) {
    Chunk chunk{};
    (i % 2 == 0 ? a : b).Fill(chunk);
    EXPECT_TRUE(seen.insert(chunk).second) << "repeated at draw " << i;
  }
}

TEST(OpenSslRandomTest, ThreadsGetDistinctBytes) {
  OpenSslRandom random;
  constexpr int kThreads = 8;
  constexpr int kDraws = 500;
  std::vector<std::vector<Chunk>> drawn(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&random, &drawn, t] {
      for (int i = 0; i < kDraws; ++i) {
        Chunk chunk{};
        random.Fill(chunk);
        drawn[t].push_back(chunk);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<Chunk> seen;
  for (const auto& chunks : drawn) {
    for (const auto& chunk : chunks) EXPECT_TRUE(seen.insert(chunk).second);
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kDraws));
}

TEST(OpenSslRandomTest, ForkedChildDoesNotRepeatTheParentsBytes) {
  OpenSslRandom random;
  Chunk first{};
  random.Fill(first);  // the thread's buffer now holds bytes not yet handed out
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Chunk in_child{};
    random.Fill(in_child);
    const bool written = ::write(pipe_fds[1], in_child.data(), in_child.size()) ==
                         static_cast<ssize_t>(in_child.size());
    ::_exit(written ? 0 : 1);
  }
  ::close(pipe_fds[1]);
  Chunk in_parent{};
  random.Fill(in_parent);
  Chunk from_child{};
  const ssize_t got = ::read(pipe_fds[0], from_child.data(), from_child.size());
  ::close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(got, static_cast<ssize_t>(from_child.size()));
  EXPECT_NE(from_child, in_parent);
  EXPECT_NE(from_child, first);
}

}  // namespace
}  // namespace imdsd::crypto
