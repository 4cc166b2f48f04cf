#include "arca/cli/audit_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "arca/coord/audit_log.h"
#include "arca/coord/sqlite_db.h"

namespace arca::cli {
namespace {

Result<coord::AuditHead> ParseHead(const std::string& text) {
  const size_t colon = text.find(':');
  coord::AuditHead head;
  try {
    if (colon == std::string::npos) throw std::invalid_argument("no colon");
    size_t used = 0;
    head.seq = std::stoll(text.substr(0, colon), &used);
    if (used != colon || head.seq < 1) throw std::invalid_argument("seq");
  } catch (const std::exception&) {
    return InvalidArgumentError(fmt::format("--head '{}' is not SEQ:HASH", text));
  }
  head.entry_hash = text.substr(colon + 1);
  Result<Bytes> hash = FromHex(head.entry_hash);
  if (!hash.ok() || hash->size() != 32) {
    return InvalidArgumentError(fmt::format("--head '{}': HASH is not 64 hex digits", text));
  }
  return head;
}

int Verify(const std::string& db_path, const std::string& head_text, bool as_json) {
  std::optional<coord::AuditHead> head;
  if (!head_text.empty()) {
    Result<coord::AuditHead> parsed = ParseHead(head_text);
    if (!parsed.ok()) {
      std::fprintf(stderr, "arca: %s\n", parsed.status().message().c_str());
      return 2;
    }
    head = *parsed;
  }
  if (!std::filesystem::is_regular_file(db_path)) {
    std::fprintf(stderr, "arca: %s is not a file\n", db_path.c_str());
    return 2;
  }
  Result<coord::SqliteDb> db = coord::SqliteDb::Open(db_path, {.read_only = true});
  Result<coord::AuditVerification> verification =
      db.ok() ? coord::VerifyAuditChain(*db, head) : Result<coord::AuditVerification>(db.status());
  if (!verification.ok()) {
    std::fprintf(stderr, "arca: cannot read the audit log of %s: %s\n", db_path.c_str(),
                 verification.status().message().c_str());
    return 2;
  }
  if (as_json) {
    nlohmann::json out = {{"intact", verification->intact}, {"entries", verification->entries}};
    out["head"] = verification->head
                      ? nlohmann::json{{"seq", verification->head->seq},
                                       {"entry_hash", verification->head->entry_hash}}
                      : nlohmann::json(nullptr);
    if (!verification->intact) {
      out["first_broken_seq"] = verification->first_broken_seq;
      out["problem"] = verification->problem;
    }
    std::printf("%s\n", out.dump(2).c_str());
  } else if (verification->intact) {
    std::printf(
        "intact: %lld entries, head %s\n", static_cast<long long>(verification->entries),
        verification->head
            ? fmt::format("{}:{}", verification->head->seq, verification->head->entry_hash).c_str()
            : "(empty log)");
  } else {
    std::printf("BROKEN at entry %lld: %s\n",
                static_cast<long long>(verification->first_broken_seq),
                verification->problem.c_str());
  }
  return verification->intact ? 0 : 1;
}

}  // namespace

void AddAuditCommand(CLI::App& app, int* exit_code) {
  CLI::App* audit = app.add_subcommand("audit", "Audit: check the coordinator's audit log");
  audit->require_subcommand(1);
  auto db = std::make_shared<std::string>();
  auto head = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* verify = audit->add_subcommand(
      "verify",
      "Verify the hash chain of a coordinator database, offline (exit 0 intact, 1 broken)");
  verify->add_option("--db", *db, "The coordinator's database (coordinator.db)")->required();
  verify->add_option("--head", *head,
                     "A head kept earlier, SEQ:HASH: the log must still hold it unchanged");
  verify->add_flag("--json", *as_json, "Print the verdict as JSON");
  verify->callback([=] { *exit_code = Verify(*db, *head, *as_json); });
}

}  // namespace arca::cli
