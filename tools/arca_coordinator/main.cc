// arca-coordinator: the registry and scheduler (DESIGN.md, "Processes"), an HTTP/JSON API over
// TLS (docs/API.md).
//
//   arca-coordinator --listen 127.0.0.1:0 --state-dir DIR [--admin-key FILE]
//
// Prints "listening on HOST:PORT" once it serves, and stops cleanly on SIGINT or SIGTERM.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "arca/base/bytes.h"
#include "arca/base/logging.h"
#include "arca/base/stop_signals.h"
#include "arca/coord/api_server.h"
#include "arca/crypto/signing_key.h"

namespace {

// A raw 32-byte key, or its 64 hex digits (a trailing newline allowed).
int Run(int argc, char** argv) {
  arca::log::InitLogging(spdlog::level::info);
  CLI::App app("arca-coordinator: the Arca registry and scheduler, an HTTP/JSON API over TLS",
               "arca-coordinator");
  std::string listen = "127.0.0.1:0";
  std::string state_dir;
  std::string admin_key_path;
  app.add_option("--listen", listen, "HOST:PORT to serve on (port 0: pick a free one)")
      ->capture_default_str();
  app.add_option("--state-dir", state_dir,
                 "Directory for the database, the TLS key and certificate, and results")
      ->required();
  app.add_option("--admin-key", admin_key_path,
                 "The platform operator's Ed25519 public key (raw or hex), registered as party "
                 "'platform' on first start")
      ->check(CLI::ExistingFile);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  const size_t colon = listen.rfind(':');
  arca::coord::ServerOptions options{.state_dir = state_dir};
  try {
    if (colon == std::string::npos) throw std::invalid_argument("no port");
    options.host = listen.substr(0, colon);
    options.port = std::stoi(listen.substr(colon + 1));
    if (options.port < 0 || options.port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    std::fprintf(stderr, "arca-coordinator: --listen '%s' is not HOST:PORT\n", listen.c_str());
    return 2;
  }
  if (!admin_key_path.empty()) {
    arca::Result<arca::Bytes> key = arca::crypto::ReadEd25519PublicKeyFile(admin_key_path);
    if (!key.ok()) {
      std::fprintf(stderr, "arca-coordinator: %s\n", key.status().message().c_str());
      return 2;
    }
    options.admin_key = *key;
  }

  // Before any thread starts, so that this one alone receives them (below).
  const arca::StopSignals stop;
  std::signal(SIGPIPE, SIG_IGN);

  arca::Result<std::unique_ptr<arca::coord::ApiServer>> server =
      arca::coord::ApiServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "arca-coordinator: %s\n", server.status().message().c_str());
    return 1;
  }
  std::printf("listening on %s:%u\n", options.host.c_str(),
              static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);
  stop.Wait();
  (*server)->Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "arca-coordinator: internal error: %s\n", e.what());
  }
  return 1;
}
