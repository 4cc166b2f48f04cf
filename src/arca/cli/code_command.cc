#include "arca/cli/code_command.h"

#include "arca/cli/upload_command.h"

namespace arca::cli {

void AddCodeCommand(CLI::App& app, int* exit_code) {
  CLI::App* code = app.add_subcommand("code", "Code owner: upload models");
  code->require_subcommand(1);
  AddModelUploadCommand(*code, exit_code);
}

}  // namespace arca::cli
