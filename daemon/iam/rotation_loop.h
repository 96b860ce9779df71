#pragma once
// RotationLoop: the daemon's timer for credential rotation. One background thread calls
// CredentialStore::Tick() when the next credential falls due (CredentialStore::NextDue(), at most
// `max_wait` apart, so a wall-clock step is noticed within a minute) and saves the store to the
// state file whenever Tick() replaced something, so a restart serves what was current.
//
// The store does the rotating; this only decides when. Requests never wait for it: Tick() mints
// outside the store's reader lock, and CredentialStore::Current() covers a late timer by minting
// for the one tenant that asks. Time comes from the injected Clock (wall time, because due times
// are the credentials' expiry times); the thread itself waits on a condition variable so Stop()
// and Wake() take effect at once. Tests drive RunOnce() with a FakeClock, or run the thread and
// Wake() it after moving the clock.
//
// Borrows the clock and the store, which must outlive it; owns its thread. Thread-safe: Wake()
// from any thread; Start() and Stop() from one controlling thread.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "common/status.h"
#include "sts/rotation.h"

namespace imdsd::iam {

class RotationLoop {
 public:
  static constexpr std::chrono::seconds kDefaultMaxWait = std::chrono::seconds(60);
  // How long to wait when credentials are still due after a pass (minting failed and was logged).
  static constexpr std::chrono::seconds kRetryDelay = std::chrono::seconds(1);

  struct Options {
    std::filesystem::path state_file;  // usually state_dir / CredentialStore::kStateFile
    std::chrono::milliseconds max_wait = kDefaultMaxWait;
    // Called on the loop's thread after every pass with the number of credentials replaced;
    // for tests and status. Must not call back into the loop.
    std::function<void(std::size_t replaced)> on_pass;
  };

  RotationLoop(const Clock& clock, sts::CredentialStore& store, Options options);
  ~RotationLoop();  // Stop() without the final save when still running
  RotationLoop(const RotationLoop&) = delete;
  RotationLoop& operator=(const RotationLoop&) = delete;

  // Brings the store back to what was saved: CredentialStore::LoadFrom(state_file) into the
  // tenants assigned so far, then SaveTo() so the file matches what is served. A missing,
  // unreadable, foreign or corrupt file is logged (missing: info; others: warning) and replaced:
  // never an error. Returns how many credentials were restored. Call before Start().
  std::size_t Restore();

  // Starts the thread, which runs a pass at once. No-op when running.
  void Start();
  // Makes the thread run a pass now and re-read NextDue(), e.g. after tenants were assigned.
  void Wake();
  // Wakes and joins the thread, then saves the store. No-op (no save) when not running.
  void Stop();

  // One pass: Tick(), SaveTo() when something was replaced. Returns how long to wait before the
  // next one: until NextDue() (kRetryDelay when that is already past), at most max_wait.
  std::chrono::milliseconds RunOnce();

  // Writes the store to the state file; logs and returns kIoError on failure.
  Status Save() const;

 private:
  void Run();

  const Clock& clock_;
  sts::CredentialStore& store_;
  const Options options_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  bool woken_ = false;     // guarded by mutex_
  std::thread thread_;     // touched by Start()/Stop() only
};

}  // namespace imdsd::iam
