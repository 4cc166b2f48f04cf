#include "arca/cli/coordinator_flags.h"

#include <fmt/format.h>

#include <exception>

namespace arca::cli {

void CoordinatorFlags::AddTo(CLI::App& command) {
  command.add_option("--coordinator", address, "The coordinator, HOST:PORT")
      ->envname("ARCA_COORDINATOR")
      ->required();
  command
      .add_option("--coordinator-cert", certificate,
                  "The coordinator's certificate (its coordinator.crt), pinned")
      ->envname("ARCA_COORDINATOR_CERT")
      ->required()
      ->check(CLI::ExistingFile);
  command.add_option("--as", signer, "The party (or node) id that signs the requests")
      ->envname("ARCA_AS")
      ->required();
  command.add_option("--key", key, "That party's Ed25519 private key file (from arca keygen)")
      ->envname("ARCA_KEY")
      ->required()
      ->check(CLI::ExistingFile);
}

Result<crypto::SigningKey> ReadSigningKey(const std::string& path) {
  ARCA_ASSIGN_OR_RETURN(const Bytes seed, ReadFileBytes(path));
  if (seed.size() != crypto::kEd25519SeedSize) {
    return InvalidArgumentError(fmt::format(
        "{} is not an Ed25519 private key file (32 bytes, as arca keygen writes)", path));
  }
  return crypto::SigningKey::FromSeed(seed);
}

Result<std::unique_ptr<client::CoordinatorClient>> CoordinatorFlags::Connect() const {
  const size_t colon = address.rfind(':');
  int port = 0;
  try {
    if (colon == std::string::npos) throw std::invalid_argument("no port");
    port = std::stoi(address.substr(colon + 1));
  } catch (const std::exception&) {
    return InvalidArgumentError(fmt::format("--coordinator '{}' is not HOST:PORT", address));
  }
  ARCA_ASSIGN_OR_RETURN(const Bytes pem, ReadFileBytes(certificate));
  ARCA_ASSIGN_OR_RETURN(crypto::SigningKey signing_key, ReadSigningKey(key));
  return client::CoordinatorClient::Create({.host = address.substr(0, colon),
                                            .port = port,
                                            .certificate_pem = std::string(pem.begin(), pem.end()),
                                            .signer = signer,
                                            .key = std::move(signing_key)});
}

}  // namespace arca::cli
