// imdsd: EC2 instance metadata service emulator. Everything but flag parsing lives in app/.

#include <cstdio>

#include "app/daemon.h"
#include "app/options.h"

int main(int argc, char** argv) {
  auto options = imdsd::app::ParseOptions(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "imdsd: %s\n\n%s", options.status().message().c_str(),
                 imdsd::app::UsageText().c_str());
    return 2;
  }
  return imdsd::app::Run(*options);
}
