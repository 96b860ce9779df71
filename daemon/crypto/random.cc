#include "crypto/random.h"

#include <algorithm>
#include <climits>
#include <cstdlib>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

namespace imdsd::crypto {

void OpenSslRandom::Fill(std::span<std::uint8_t> out) {
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

}  // namespace imdsd::crypto
