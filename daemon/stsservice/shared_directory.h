#pragma once
// SharedDirectory: the current Directory of a running daemon, replaced whole on reload.
//
// Readers take a snapshot (a shared_ptr copy) at the start of a request and use it to the end,
// so a reload never changes the identities under a request. Thread-safe: Get() and Set() may be
// called from any thread; the lock only guards the pointer copy.

#include <memory>
#include <mutex>
#include <utility>

#include "stsservice/directory.h"

namespace imdsd::stsservice {

class SharedDirectory {
 public:
  explicit SharedDirectory(std::shared_ptr<const Directory> directory)
      : directory_(std::move(directory)) {}
  SharedDirectory(const SharedDirectory&) = delete;
  SharedDirectory& operator=(const SharedDirectory&) = delete;

  std::shared_ptr<const Directory> Get() const {
    std::scoped_lock lock(mutex_);
    return directory_;
  }
  void Set(std::shared_ptr<const Directory> directory) {
    std::scoped_lock lock(mutex_);
    directory_.swap(directory);
    // The old Directory (now in `directory`) is released after the lock: its destructor frees a
    // whole Config's worth of entries.
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Directory> directory_;  // guarded by mutex_; never null
};

}  // namespace imdsd::stsservice
