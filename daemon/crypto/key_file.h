#pragma once
// Secret files in the state directory (token key, identity signing key).
//
// Secret files are created with mode 0600 (written to a temporary file in the same directory,
// fsynced and renamed, so a crash never leaves a half-written key). An existing secret file that
// is world-readable is refused: the operator must fix its mode, because the key may already have
// leaked. Thread-compatible: call at start-up/reload, not concurrently on the same path.

#include <filesystem>
#include <functional>
#include <string>

#include "common/random.h"
#include "common/status.h"
#include "crypto/digest.h"

namespace imdsd::crypto {

// Creates `dir` (mode 0700) when it does not exist. kIoError when it cannot.
Status EnsureStateDir(const std::filesystem::path& dir);

// Reads `path`. kPermissionDenied when the file is readable by others (mode & 0004),
// kNotFound when it does not exist, kIoError when it cannot be read.
Result<std::string> ReadSecretFile(const std::filesystem::path& path);

// Atomically writes `contents` to `path` with mode `mode` (0600 for secrets). kIoError on failure.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view contents,
                           unsigned mode = 0600);

// Returns the `size` random bytes stored in `path`, creating the file from `random` first when it
// does not exist. kPermissionDenied (world-readable), kDataCorrupt (wrong size), kIoError.
Result<Bytes> LoadOrCreateRandomKey(const std::filesystem::path& path, std::size_t size,
                                    RandomSource& random);

}  // namespace imdsd::crypto
