#include "crypto/key_file.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <openssl/crypto.h>

namespace imdsd::crypto {
namespace {

std::string ErrnoText(int err) { return std::generic_category().message(err); }

std::string OctalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Closes a file descriptor on scope exit unless released.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now so the caller can see close() errors (which can report delayed write failures).
  int Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

Status MakeDir(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0) {
    // mkdir's mode is filtered by the umask; the state directory must be exactly 0700.
    if (::chmod(dir.c_str(), 0700) != 0) {
      return IoError("cannot chmod 0700 " + dir.string() + ": " + ErrnoText(errno));
    }
    return Status::Ok();
  }
  if (errno != EEXIST) return IoError("cannot create " + dir.string() + ": " + ErrnoText(errno));
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return IoError(dir.string() + " exists and is not a directory");
  }
  return Status::Ok();
}

Status WriteAll(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write " + path.string() + ": " + ErrnoText(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

// Makes a completed rename durable; without it a power loss can bring back the old directory
// entry. Failure here is reported, since the caller asked for a durable write.
Status SyncDirectory(const std::filesystem::path& dir) {
  ScopedFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    return IoError("cannot fsync directory " + dir.string() + ": " + ErrnoText(errno));
  }
  return Status::Ok();
}

}  // namespace

Status EnsureStateDir(const std::filesystem::path& dir) {
  if (dir.empty()) return IoError("state directory path is empty");
  // Create each missing ancestor ourselves (rather than std::filesystem::create_directories) so
  // that every directory we create is 0700 from the start.
  std::filesystem::path partial;
  for (const auto& part : dir.lexically_normal()) {
    partial /= part;
    if (part == partial.root_path() || part.empty()) continue;
    IMDSD_RETURN_IF_ERROR(MakeDir(partial));
  }
  return Status::Ok();
}

Result<std::string> ReadSecretFile(const std::filesystem::path& path) {
  ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == ENOENT) return NotFound(path.string() + " does not exist");
    return IoError("cannot open " + path.string() + ": " + ErrnoText(err));
  }
  // fstat on the open descriptor, so the mode checked is the mode of the file we read.
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return IoError("cannot stat " + path.string() + ": " + ErrnoText(errno));
  }
  if (!S_ISREG(st.st_mode)) return IoError(path.string() + " is not a regular file");
  if ((st.st_mode & S_IROTH) != 0) {
    return PermissionDenied("refusing to use secret file " + path.string() + ": its mode is " +
                            OctalMode(st.st_mode) +
                            ", readable by every user, so the secret may have leaked; "
                            "run `chmod 600 " +
                            path.string() + "` (and consider rotating it)");
  }
  std::string contents;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      OPENSSL_cleanse(buf, sizeof(buf));
      OPENSSL_cleanse(contents.data(), contents.size());
      return IoError("cannot read " + path.string() + ": " + ErrnoText(err));
    }
    if (n == 0) break;
    contents.append(buf, static_cast<std::size_t>(n));
  }
  OPENSSL_cleanse(buf, sizeof(buf));
  return contents;
}

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view contents,
                           unsigned mode) {
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();

  // The temporary file lives in the target's directory so that rename() is atomic. O_EXCL
  // means we never write through a file (or symlink) someone else put there.
  std::filesystem::path tmp;
  int raw_fd = -1;
  for (int attempt = 0; attempt < 100 && raw_fd < 0; ++attempt) {
    tmp = dir / ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
                 std::to_string(counter++));
    raw_fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (raw_fd < 0 && errno != EEXIST) {
      return IoError("cannot create " + tmp.string() + ": " + ErrnoText(errno));
    }
  }
  if (raw_fd < 0) return IoError("cannot create a temporary file next to " + path.string());
  ScopedFd fd(raw_fd);

  auto fail = [&tmp](Status status) {
    ::unlink(tmp.c_str());
    return status;
  };
  // open()'s mode is filtered by the umask; fchmod sets exactly what was asked.
  if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) {
    return fail(IoError("cannot chmod " + tmp.string() + ": " + ErrnoText(errno)));
  }
  Status written = WriteAll(fd.get(), contents, tmp);
  if (!written.ok()) return fail(written);
  if (::fsync(fd.get()) != 0) {
    return fail(IoError("cannot fsync " + tmp.string() + ": " + ErrnoText(errno)));
  }
  if (fd.Close() != 0) {
    return fail(IoError("cannot close " + tmp.string() + ": " + ErrnoText(errno)));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return fail(IoError("cannot rename " + tmp.string() + " to " + path.string() + ": " +
                        ErrnoText(errno)));
  }
  return SyncDirectory(dir);
}

Result<Bytes> LoadOrCreateRandomKey(const std::filesystem::path& path, std::size_t size,
                                    RandomSource& random) {
  Result<std::string> existing = ReadSecretFile(path);
  if (existing.ok()) {
    std::string& text = existing.value();
    Bytes key(text.begin(), text.end());
    OPENSSL_cleanse(text.data(), text.size());
    if (key.size() != size) {
      OPENSSL_cleanse(key.data(), key.size());
      return DataCorrupt(path.string() + " holds " + std::to_string(text.size()) +
                         " bytes but a key of " + std::to_string(size) +
                         " bytes is expected; restore the file or delete it to generate a new "
                         "key (which invalidates everything signed with the old one)");
    }
    return key;
  }
  if (existing.status().code() != ErrorCode::kNotFound) return existing.status();

  Bytes key(size);
  random.Fill(key);
  const Status written = WriteFileAtomically(
      path, std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), 0600);
  if (!written.ok()) {
    OPENSSL_cleanse(key.data(), key.size());
    return written;
  }
  return key;
}

}  // namespace imdsd::crypto
