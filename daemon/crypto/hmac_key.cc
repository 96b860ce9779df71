#include "crypto/hmac_key.h"

#include <array>
#include <atomic>
#include <bit>
#include <cstdlib>
#include <mutex>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "crypto/openssl_ptr.h"

namespace imdsd::crypto {
namespace {

// No error channel, as in digest.cc: OpenSSL failing to MAC in memory is unrecoverable.
[[noreturn]] void DieOpenSsl() { std::abort(); }

// Threads that compute MACs each hold a small integer, their slot, so that a key can keep one
// context per thread in a plain array, found without a lock or a map. A thread takes the lowest
// free slot on first use and frees it when it exits; a later thread may then take the slot over,
// and with it the contexts the exited thread left in each key. That is harmless: a context holds
// only its key's state, no thread affinity. Beyond kThreadSlots live threads, a thread gets no
// slot and duplicates the keyed context per call (slower, still correct).
constexpr int kThreadSlots = 64;
std::atomic<std::uint64_t> g_taken_slots{0};  // bit i set: slot i belongs to a live thread

class ThreadSlot {
 public:
  ThreadSlot() {
    std::uint64_t taken = g_taken_slots.load(std::memory_order_relaxed);
    while (taken != ~std::uint64_t{0}) {
      const int slot = std::countr_one(taken);
      // Acquire pairs with the release in the destructor: the previous owner's writes to the
      // contexts of this slot happen before ours.
      if (g_taken_slots.compare_exchange_weak(taken, taken | (std::uint64_t{1} << slot),
                                              std::memory_order_acquire,
                                              std::memory_order_relaxed)) {
        index_ = slot;
        return;
      }
    }
  }
  ~ThreadSlot() {
    if (index_ >= 0) {
      g_taken_slots.fetch_and(~(std::uint64_t{1} << index_), std::memory_order_release);
    }
  }
  ThreadSlot(const ThreadSlot&) = delete;
  ThreadSlot& operator=(const ThreadSlot&) = delete;

  int index() const { return index_; }

 private:
  int index_ = -1;  // -1: every slot is taken
};

int CurrentThreadSlot() {
  static_assert(kThreadSlots == 64, "g_taken_slots has one bit per slot");
  thread_local const ThreadSlot slot;
  return slot.index();
}

}  // namespace

struct HmacSha256Key::Contexts {
  // Keyed once in the constructor and never used to compute; only duplicated, under dup_mutex
  // (OpenSSL does not promise that duplicating one context from several threads is safe).
  EvpMacCtxPtr keyed;
  std::mutex dup_mutex;
  // [i] belongs to the thread holding slot i; only that thread creates or uses it.
  std::array<EvpMacCtxPtr, kThreadSlots> per_thread;

  EvpMacCtxPtr Duplicate() {
    std::scoped_lock lock(dup_mutex);
    EvpMacCtxPtr copy(EVP_MAC_CTX_dup(keyed.get()));
    if (copy == nullptr) DieOpenSsl();
    return copy;
  }
};

HmacSha256Key::HmacSha256Key(std::span<const std::uint8_t> key)
    : contexts_(std::make_unique<Contexts>()) {
  const EvpMacPtr hmac(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr));
  if (hmac == nullptr) DieOpenSsl();
  contexts_->keyed.reset(EVP_MAC_CTX_new(hmac.get()));  // holds its own reference to `hmac`
  if (contexts_->keyed == nullptr) DieOpenSsl();
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  // A null key would mean "keep the previous key" to EVP_MAC_init; an empty one needs a pointer.
  static const std::uint8_t kEmpty = 0;
  if (EVP_MAC_init(contexts_->keyed.get(), key.empty() ? &kEmpty : key.data(), key.size(),
                   params) != 1) {
    DieOpenSsl();
  }
}

HmacSha256Key::~HmacSha256Key() = default;

Sha256Digest HmacSha256Key::Compute(
    std::initializer_list<std::span<const std::uint8_t>> parts) const {
  EvpMacCtxPtr unslotted;  // only for a thread without a slot
  EVP_MAC_CTX* ctx = nullptr;
  const int slot = CurrentThreadSlot();
  if (slot >= 0) {
    EvpMacCtxPtr& mine = contexts_->per_thread[static_cast<std::size_t>(slot)];
    if (mine == nullptr) mine = contexts_->Duplicate();
    ctx = mine.get();
  } else {
    unslotted = contexts_->Duplicate();
    ctx = unslotted.get();
  }
  // Without a key, EVP_MAC_init restarts from the keyed state: no digest fetch, no key schedule.
  if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1) DieOpenSsl();
  for (const auto part : parts) {
    if (!part.empty() && EVP_MAC_update(ctx, part.data(), part.size()) != 1) DieOpenSsl();
  }
  Sha256Digest out{};
  std::size_t length = 0;
  if (EVP_MAC_final(ctx, out.data(), &length, out.size()) != 1 || length != out.size()) {
    DieOpenSsl();
  }
  return out;
}

}  // namespace imdsd::crypto
