// The flags every command that talks to the coordinator takes, and the client they make.
//
//   --coordinator HOST:PORT  --coordinator-cert FILE (its coordinator.crt, pinned)
//   --as ID (the party or node that signs)  --key FILE (its Ed25519 private seed, 32 bytes)
//
// Each may come from the environment instead: ARCA_COORDINATOR, ARCA_COORDINATOR_CERT,
// ARCA_AS, ARCA_KEY (a flag given wins).
#ifndef ARCA_CLI_COORDINATOR_FLAGS_H_
#define ARCA_CLI_COORDINATOR_FLAGS_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "arca/base/status.h"
#include "arca/client/coordinator_client.h"

namespace arca::cli {

struct CoordinatorFlags {
  std::string address;
  std::string certificate;
  std::string signer;
  std::string key;

  void AddTo(CLI::App& command);
  Result<std::unique_ptr<client::CoordinatorClient>> Connect() const;
};

// Reads a 32-byte Ed25519 seed file (as `arca keygen` writes it).
Result<crypto::SigningKey> ReadSigningKey(const std::string& path);

}  // namespace arca::cli

#endif  // ARCA_CLI_COORDINATOR_FLAGS_H_
