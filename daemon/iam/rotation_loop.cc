#include "iam/rotation_loop.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

namespace imdsd::iam {

RotationLoop::RotationLoop(const Clock& clock, sts::CredentialStore& store, Options options)
    : clock_(clock), store_(store), options_(std::move(options)) {}

RotationLoop::~RotationLoop() {
  {
    std::scoped_lock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::size_t RotationLoop::Restore() {
  const std::string file = options_.state_file.string();
  Result<std::size_t> restored = store_.LoadFrom(options_.state_file);
  std::size_t count = 0;
  if (restored.ok()) {
    count = *restored;
    spdlog::info("restored {} current credential(s) from {}", count, file);
  } else if (restored.status().code() == ErrorCode::kNotFound) {
    spdlog::info("no saved credentials in {}: issuing new ones", file);
  } else {
    spdlog::warn("cannot restore credentials from {}: {}; issuing new ones and replacing it", file,
                 restored.status().ToString());
  }
  (void)Save();  // logged there; the daemon serves from memory either way
  return count;
}

void RotationLoop::Start() {
  if (thread_.joinable()) return;
  {
    std::scoped_lock lock(mutex_);
    stopping_ = false;
    woken_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void RotationLoop::Wake() {
  {
    std::scoped_lock lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void RotationLoop::Stop() {
  if (!thread_.joinable()) return;
  {
    std::scoped_lock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  (void)Save();
}

std::chrono::milliseconds RotationLoop::RunOnce() {
  const std::size_t replaced = store_.Tick();
  if (replaced > 0) {
    spdlog::debug("rotated {} credential(s)", replaced);
    (void)Save();
  }
  if (options_.on_pass) options_.on_pass(replaced);

  const std::optional<WallTime> due = store_.NextDue();
  if (!due.has_value()) return options_.max_wait;
  const auto until_due = std::chrono::ceil<std::chrono::milliseconds>(*due - clock_.Now());
  if (until_due <= std::chrono::milliseconds::zero()) {
    return std::min<std::chrono::milliseconds>(kRetryDelay, options_.max_wait);
  }
  return std::min(until_due, options_.max_wait);
}

Status RotationLoop::Save() const {
  Status saved = store_.SaveTo(options_.state_file);
  if (!saved.ok()) {
    spdlog::error("cannot save credentials to {}: {}", options_.state_file.string(),
                  saved.ToString());
  }
  return saved;
}

void RotationLoop::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    const std::chrono::milliseconds wait = RunOnce();
    lock.lock();
    wake_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
  }
}

}  // namespace imdsd::iam
