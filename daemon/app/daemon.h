#pragma once
// Run(): the imdsd process from parsed options to exit status. All wiring lives here; main.cc only
// parses the flags.
//
// kRun: loads the configuration (with the command-line overrides), sets up logging, the state
// directory, the identity signer, the instance-profile credentials (session-token key, store
// restored from state_dir/credentials.state, rotation thread; saved again on reload and stop),
// the ImdsService and one HTTP listener per endpoint, and, when the configuration enables it,
// the STS endpoint (app/sts_endpoint.h: its own listener on sts.listen, sharing the
// session-token key with IMDS's credentials); prints "imdsd listening on http://ADDR:PORT" per
// IMDS listener and "imdsd STS endpoint on http://ADDR:PORT" per STS listener on stdout and
// writes --ready-file (IMDS listeners only); then serves until SIGTERM/SIGINT (graceful stop of
// both, exit 0). SIGHUP reloads the same file with the same overrides: on success the new
// instances take effect (an instance whose profile or role changed gets new credentials at
// once, the others keep theirs), the STS endpoint's identities are swapped, and "reloaded
// configuration from FILE" is logged; on failure every error is logged and the running
// configuration is kept. Listeners, server options, state_dir and the sts section (enabled,
// listen, audit_log, region, max_clock_skew) are only read at start: a reload that changes them
// logs a warning and keeps the running values. Loader warnings are logged at start and on
// reload; --check-config prints them. systemd is told READY=1 / RELOADING=1 / STOPPING=1 when
// $NOTIFY_SOCKET is set.
//
// Exit status: 0 after a clean stop (or --help, --version, a valid --check-config), 1 when the
// configuration is invalid or start-up fails. Run() must be called from the main thread before
// any other thread exists, because it blocks the signals it waits for in every thread.

#include <memory>
#include <string>
#include <vector>

#include "app/options.h"
#include "common/net.h"
#include "config/config.h"

namespace imdsd::app {

int Run(const Options& options);

// Exposed for tests:

// `loaded` with the command-line overrides of `options` applied.
std::shared_ptr<const config::Config> ApplyOverrides(const config::Config& loaded,
                                                     const Options& options);
// `reloaded` with everything only read at start (listeners, server options, state_dir, the sts
// section but for identities) taken
// from `running`; `ignored` receives a line per setting that differed.
std::shared_ptr<const config::Config> KeepStartOnlySettings(const config::Config& running,
                                                            const config::Config& reloaded,
                                                            std::vector<std::string>* ignored);
// --ready-file's contents: one "ADDR:PORT" per line.
std::string ReadyFileContents(const std::vector<net::Endpoint>& endpoints);

}  // namespace imdsd::app
