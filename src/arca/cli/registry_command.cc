#include "arca/cli/registry_command.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "arca/cli/attest_node.h"
#include "arca/cli/command_output.h"
#include "arca/cli/coordinator_flags.h"

namespace arca::cli {
namespace {

using nlohmann::json;

int Keygen(const std::string& out) {
  if (std::filesystem::exists(out)) {
    std::fprintf(stderr, "arca: %s exists already; keygen never overwrites a key\n", out.c_str());
    return 1;
  }
  const crypto::SigningKey key = crypto::SigningKey::Generate();
  const crypto::Ed25519Seed seed = key.Seed();
  {
    std::ofstream file(out, std::ios::binary);
    ::chmod(out.c_str(), 0600);
    file.write(reinterpret_cast<const char*>(seed.data()),
               static_cast<std::streamsize>(seed.size()));
    if (!file.good()) return Fail(InternalError(fmt::format("cannot write {}", out)));
  }
  const std::string public_hex = ToHex(key.RawPublicKey());
  std::ofstream(out + ".pub") << public_hex << "\n";
  std::printf("private key  %s (keep it secret)\npublic key   %s.pub  %s\n", out.c_str(),
              out.c_str(), public_hex.c_str());
  return 0;
}

void PrintNodes(const json& answer) {
  std::printf("%-12s %-8s %-5s %-22s %-11s %-8s %s\n", "id", "role", "index", "endpoint", "status",
              "platform", "measurement");
  for (const json& node : answer.at("nodes")) {
    const json attestation = node.contains("attestation") && node["attestation"].is_object()
                                 ? node["attestation"]
                                 : json::object();
    std::string measurement = Field(attestation, "measurement");
    if (measurement.size() > 24) measurement = measurement.substr(0, 24) + "...";
    std::printf("%-12s %-8s %-5s %-22s %-11s %-8s %s\n", Field(node, "id").c_str(),
                Field(node, "role").c_str(), Field(node, "index").c_str(),
                Field(node, "endpoint").c_str(), Field(node, "status").c_str(),
                Field(attestation, "platform").c_str(), measurement.c_str());
  }
}

// Attests every registered node live, from this machine, with the operator's policy, and
// records the verdict as the node's status (attested or rejected).
Result<json> AttestNodes(client::CoordinatorClient& client, const std::string& policy_path) {
  Result<tee::Policy> policy = tee::Policy::Load(policy_path);
  if (!policy.ok()) return policy.status().WithContext(policy_path);
  ARCA_ASSIGN_OR_RETURN(const json nodes, client.ListNodes());
  json verdicts = json::array();
  for (const json& node : nodes.at("nodes")) {
    const std::string id = node.at("id").get<std::string>();
    const Result<tee::Statement> statement =
        AttestNode(node.at("endpoint").get<std::string>(), *policy);
    ARCA_RETURN_IF_ERROR(
        client.SetNodeStatus(id, statement.ok() ? "attested" : "rejected").status());
    verdicts.push_back(
        statement.ok()
            ? json{{"id", id},
                   {"status", "attested"},
                   {"measurement", ToHex(statement->claims.measurement)}}
            : json{{"id", id}, {"status", "rejected"}, {"error", statement.status().message()}});
  }
  return json{{"nodes", verdicts}};
}

void PrintVerdicts(const json& answer) {
  for (const json& node : answer.at("nodes")) {
    std::printf("%-12s %-9s %s\n", Field(node, "id").c_str(), Field(node, "status").c_str(),
                node.contains("error") ? Field(node, "error").c_str()
                                       : Field(node, "measurement").substr(0, 24).c_str());
  }
}

}  // namespace

void AddKeygenCommand(CLI::App& app, int* exit_code) {
  auto out = std::make_shared<std::string>();
  CLI::App* keygen = app.add_subcommand(
      "keygen", "Make an Ed25519 key pair that signs a party's requests (FILE and FILE.pub)");
  keygen
      ->add_option("--out", *out, "Where to write the private key; the public key goes to FILE.pub")
      ->required();
  keygen->callback([=] { *exit_code = Keygen(*out); });
}

void AddRegistryCommands(CLI::App& platform, int* exit_code) {
  {
    auto flags = std::make_shared<CoordinatorFlags>();
    auto id = std::make_shared<std::string>();
    auto role = std::make_shared<std::string>();
    auto key = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    auto as_json = std::make_shared<bool>(false);
    CLI::App* command =
        platform.add_subcommand("add-party", "Register a party with its role and key");
    flags->AddTo(*command);
    command->add_option("--id", *id, "The party's id, e.g. hospital-a")->required();
    command->add_option("--role", *role, "owner, code, consumer or platform")
        ->required()
        ->check(CLI::IsMember({"owner", "code", "consumer", "platform"}));
    command->add_option("--key-file", *key, "Its Ed25519 public key (FILE.pub from arca keygen)")
        ->required()
        ->check(CLI::ExistingFile);
    command->add_option("--name", *name, "A display name (default: the id)");
    command->add_flag("--json", *as_json, "Print the registered party as JSON");
    command->callback([=] {
      Result<Bytes> public_key = crypto::ReadEd25519PublicKeyFile(*key);
      if (!public_key.ok()) {
        *exit_code = Fail(public_key.status());
        return;
      }
      Result<std::unique_ptr<client::CoordinatorClient>> client = flags->Connect();
      if (!client.ok()) {
        *exit_code = Fail(client.status());
        return;
      }
      *exit_code = Print((*client)->RegisterParty({.id = *id,
                                                   .display_name = name->empty() ? *id : *name,
                                                   .role = *role,
                                                   .public_key = *public_key}),
                         *as_json, [](const json& party) {
                           std::printf("registered party %s (%s)\n", Field(party, "id").c_str(),
                                       Field(party, "role").c_str());
                         });
    });
  }
  {
    auto flags = std::make_shared<CoordinatorFlags>();
    auto spec = std::make_shared<client::NodeRegistration>();
    auto key = std::make_shared<std::string>();
    auto as_json = std::make_shared<bool>(false);
    CLI::App* command =
        platform.add_subcommand("add-node", "Register a compute node or the dealer");
    flags->AddTo(*command);
    command->add_option("--id", spec->id, "The node's id, e.g. node-0")->required();
    command->add_option("--role", spec->role, "compute or dealer")
        ->required()
        ->check(CLI::IsMember({"compute", "dealer"}));
    command
        ->add_option("--index", spec->index, "Its index within its role (compute 0..2, dealer 0)")
        ->required();
    command->add_option("--endpoint", spec->endpoint, "HOST:PORT of its attested endpoint")
        ->required();
    command->add_option("--mesh-endpoint", spec->mesh_endpoint, "HOST:PORT of its MPC links")
        ->required();
    command->add_option("--signing-key", *key, "Its identity's Ed25519 public key file")
        ->required()
        ->check(CLI::ExistingFile);
    command->add_flag("--json", *as_json, "Print the registered node as JSON");
    command->callback([=] {
      Result<Bytes> public_key = crypto::ReadEd25519PublicKeyFile(*key);
      if (!public_key.ok()) {
        *exit_code = Fail(public_key.status());
        return;
      }
      spec->signing_key = *public_key;
      Result<std::unique_ptr<client::CoordinatorClient>> client = flags->Connect();
      if (!client.ok()) {
        *exit_code = Fail(client.status());
        return;
      }
      *exit_code = Print((*client)->RegisterNode(*spec), *as_json, [](const json& node) {
        std::printf("registered %s node %s as index %s\n", Field(node, "role").c_str(),
                    Field(node, "id").c_str(), Field(node, "index").c_str());
      });
    });
  }
  {
    auto flags = std::make_shared<CoordinatorFlags>();
    auto as_json = std::make_shared<bool>(false);
    CLI::App* command = platform.add_subcommand(
        "nodes", "List the nodes: role, index, endpoint, status, platform and measurement");
    flags->AddTo(*command);
    command->add_flag("--json", *as_json, "Print the nodes as JSON");
    command->callback([=] {
      Result<std::unique_ptr<client::CoordinatorClient>> client = flags->Connect();
      if (!client.ok()) {
        *exit_code = Fail(client.status());
        return;
      }
      *exit_code = Print((*client)->ListNodes(), *as_json, PrintNodes);
    });
  }
  {
    auto flags = std::make_shared<CoordinatorFlags>();
    auto policy = std::make_shared<std::string>();
    auto as_json = std::make_shared<bool>(false);
    CLI::App* command = platform.add_subcommand(
        "attest-nodes",
        "Attest every registered node from this machine with your policy and record the\n"
        "verdict as its status (attested or rejected). Exit status 1 if any is rejected.");
    flags->AddTo(*command);
    command->add_option("--policy", *policy, "Your reference-value policy for the nodes")
        ->required()
        ->check(CLI::ExistingFile);
    command->add_flag("--json", *as_json, "Print the verdicts as JSON");
    command->callback([=] {
      Result<std::unique_ptr<client::CoordinatorClient>> client = flags->Connect();
      if (!client.ok()) {
        *exit_code = Fail(client.status());
        return;
      }
      const Result<json> verdicts = AttestNodes(**client, *policy);
      *exit_code = Print(verdicts, *as_json, PrintVerdicts);
      if (*exit_code == 0) {
        for (const json& node : verdicts->at("nodes")) {
          if (node.at("status") == "rejected") *exit_code = 1;
        }
      }
    });
  }
}

}  // namespace arca::cli
