// arca: the command line of the four roles (README.md, "The CLI").
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "arca/base/logging.h"
#include "arca/cli/attest_command.h"
#include "arca/cli/audit_command.h"
#include "arca/cli/code_command.h"
#include "arca/cli/consumer_command.h"
#include "arca/cli/owner_command.h"
#include "arca/cli/platform_command.h"
#include "arca/cli/registry_command.h"

namespace {

int Run(int argc, char** argv) {
  // A command reports through its one "arca: ..." line; the libraries' warnings would repeat it.
  arca::log::InitLogging(spdlog::level::err);
  CLI::App app("Arca: confidential computing on pooled data, with TEEs and MPC", "arca");
  app.require_subcommand(1);
  int exit_code = 0;
  arca::cli::AddAttestCommand(app, &exit_code);
  arca::cli::AddCodeCommand(app, &exit_code);
  arca::cli::AddConsumerCommand(app, &exit_code);
  arca::cli::AddOwnerCommand(app, &exit_code);
  arca::cli::AddPlatformCommand(app, &exit_code);
  arca::cli::AddAuditCommand(app, &exit_code);
  arca::cli::AddKeygenCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help on --help (exit 0) and one error line otherwise (exit 2).
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "arca: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "arca: internal error\n");
  }
  return 1;
}
