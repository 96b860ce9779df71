#include "crypto/random.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <pthread.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

namespace imdsd::crypto {
namespace {

void RandBytes(std::span<std::uint8_t> out) {
  // RAND_bytes takes an int length, so very large requests go in chunks.
  while (!out.empty()) {
    const std::size_t n = std::min<std::size_t>(out.size(), INT_MAX);
    if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
      spdlog::critical(
          "RAND_bytes failed (OpenSSL error {:#x}); aborting rather than continuing "
          "with predictable secrets",
          ERR_get_error());
      std::abort();
    }
    out = out.subspan(n);
  }
}

// Incremented in the child of every fork(); a buffer filled under an older value was inherited
// from the parent, whose copy hands out the same bytes, so the child must not use it.
std::atomic<std::uint64_t> g_fork_generation{0};

void OnForkChild() { g_fork_generation.fetch_add(1, std::memory_order_relaxed); }

// Random bytes not yet handed out are bytes_[next_, kBufferBytes); bytes before next_ are zero.
class ThreadBuffer {
 public:
  ThreadBuffer() = default;
  ~ThreadBuffer() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }
  ThreadBuffer(const ThreadBuffer&) = delete;
  ThreadBuffer& operator=(const ThreadBuffer&) = delete;

  void Take(std::span<std::uint8_t> out) {
    const std::uint64_t generation = g_fork_generation.load(std::memory_order_relaxed);
    if (generation != generation_ || bytes_.size() - next_ < out.size()) {
      RandBytes(bytes_);
      next_ = 0;
      generation_ = generation;
    }
    std::memcpy(out.data(), bytes_.data() + next_, out.size());
    OPENSSL_cleanse(bytes_.data() + next_, out.size());
    next_ += out.size();
  }

 private:
  std::array<std::uint8_t, OpenSslRandom::kBufferBytes> bytes_{};
  std::size_t next_ = OpenSslRandom::kBufferBytes;  // empty until the first Take()
  std::uint64_t generation_ = 0;
};

}  // namespace

void OpenSslRandom::Fill(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  // Without the fork handler a forked child could repeat its parent's bytes, so nothing is
  // buffered then. pthread_atfork fails only when out of memory.
  static const bool fork_safe = pthread_atfork(nullptr, nullptr, &OnForkChild) == 0;
  if (out.size() > kMaxBufferedRequest || !fork_safe) {
    RandBytes(out);
    return;
  }
  thread_local ThreadBuffer buffer;
  buffer.Take(out);
}

}  // namespace imdsd::crypto
