// `arca audit verify`: checks a coordinator database's audit chain offline.
#ifndef ARCA_CLI_AUDIT_COMMAND_H_
#define ARCA_CLI_AUDIT_COMMAND_H_

#include <CLI/CLI.hpp>

namespace arca::cli {

// Adds `audit verify --db FILE [--head SEQ:HASH] [--json]`: exit 0 when the chain is intact,
// 1 when it is broken (naming the first bad entry), 2 on a usage or I/O error.
void AddAuditCommand(CLI::App& app, int* exit_code);

}  // namespace arca::cli

#endif  // ARCA_CLI_AUDIT_COMMAND_H_
