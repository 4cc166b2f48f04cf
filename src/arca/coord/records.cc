#include "arca/coord/records.h"

#include <array>
#include <string>
#include <utility>

namespace arca::coord {
namespace {

template <typename Enum, size_t N>
using Names = std::array<std::pair<Enum, std::string_view>, N>;

constexpr Names<PartyRole, 4> kPartyRoles = {{{PartyRole::kOwner, "owner"},
                                              {PartyRole::kCode, "code"},
                                              {PartyRole::kConsumer, "consumer"},
                                              {PartyRole::kPlatform, "platform"}}};
constexpr Names<NodeRole, 2> kNodeRoles = {
    {{NodeRole::kCompute, "compute"}, {NodeRole::kDealer, "dealer"}}};
constexpr Names<NodeStatus, 4> kNodeStatuses = {{{NodeStatus::kRegistered, "registered"},
                                                 {NodeStatus::kAttested, "attested"},
                                                 {NodeStatus::kRejected, "rejected"},
                                                 {NodeStatus::kOffline, "offline"}}};
constexpr Names<SecurityLevel, 3> kLevels = {{{SecurityLevel::kTee, "tee"},
                                              {SecurityLevel::kDealer2pc, "dealer2pc"},
                                              {SecurityLevel::kRep3, "rep3"}}};
constexpr Names<JobStatus, 5> kJobStatuses = {{{JobStatus::kPending, "pending"},
                                               {JobStatus::kRunning, "running"},
                                               {JobStatus::kSucceeded, "succeeded"},
                                               {JobStatus::kFailed, "failed"},
                                               {JobStatus::kCancelled, "cancelled"}}};
constexpr Names<ModelKind, 2> kModelKinds = {
    {{ModelKind::kLogistic, "logistic"}, {ModelKind::kLinear, "linear"}}};
constexpr Names<InputSupplier, 2> kSuppliers = {
    {{InputSupplier::kOwner, "owner"}, {InputSupplier::kConsumer, "consumer"}}};
constexpr Names<JobNodeState, 3> kJobNodeStates = {{{JobNodeState::kAssigned, "assigned"},
                                                    {JobNodeState::kCompleted, "completed"},
                                                    {JobNodeState::kFailed, "failed"}}};

template <typename Enum, size_t N>
std::string_view NameOf(const Names<Enum, N>& names, Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) return name;
  }
  return "unknown";
}

template <typename Enum, size_t N>
Result<Enum> Parse(const Names<Enum, N>& names, std::string_view what, std::string_view text) {
  std::string accepted;
  for (const auto& [value, name] : names) {
    if (name == text) return value;
    accepted += accepted.empty() ? "" : ", ";
    accepted += name;
  }
  return InvalidArgumentError("unknown " + std::string(what) + " '" + std::string(text) +
                              "': expected one of " + accepted);
}

}  // namespace

std::string_view Name(PartyRole role) { return NameOf(kPartyRoles, role); }
std::string_view Name(NodeRole role) { return NameOf(kNodeRoles, role); }
std::string_view Name(NodeStatus status) { return NameOf(kNodeStatuses, status); }
std::string_view Name(SecurityLevel level) { return NameOf(kLevels, level); }
std::string_view Name(JobStatus status) { return NameOf(kJobStatuses, status); }
std::string_view Name(ModelKind kind) { return NameOf(kModelKinds, kind); }
std::string_view Name(InputSupplier supplier) { return NameOf(kSuppliers, supplier); }
std::string_view Name(JobNodeState state) { return NameOf(kJobNodeStates, state); }

Result<PartyRole> ParsePartyRole(std::string_view name) {
  return Parse(kPartyRoles, "party role", name);
}
Result<NodeRole> ParseNodeRole(std::string_view name) {
  return Parse(kNodeRoles, "node role", name);
}
Result<NodeStatus> ParseNodeStatus(std::string_view name) {
  return Parse(kNodeStatuses, "node status", name);
}
Result<SecurityLevel> ParseSecurityLevel(std::string_view name) {
  return Parse(kLevels, "security level", name);
}
Result<JobStatus> ParseJobStatus(std::string_view name) {
  return Parse(kJobStatuses, "job status", name);
}

Result<ModelKind> ParseModelKind(std::string_view name) {
  return Parse(kModelKinds, "model kind", name);
}
Result<InputSupplier> ParseInputSupplier(std::string_view name) {
  return Parse(kSuppliers, "input supplier", name);
}
Result<JobNodeState> ParseJobNodeState(std::string_view name) {
  return Parse(kJobNodeStates, "job node state", name);
}

std::vector<LevelParty> LevelParties(SecurityLevel level) {
  switch (level) {
    case SecurityLevel::kTee:
      return {{NodeRole::kCompute, 0}};
    case SecurityLevel::kDealer2pc:
      return {{NodeRole::kCompute, 0}, {NodeRole::kCompute, 1}, {NodeRole::kDealer, 0}};
    case SecurityLevel::kRep3:
      return {{NodeRole::kCompute, 0}, {NodeRole::kCompute, 1}, {NodeRole::kCompute, 2}};
  }
  return {};
}

size_t ComputeNodesAt(SecurityLevel level) {
  size_t count = 0;
  for (const LevelParty& party : LevelParties(level)) {
    if (party.role == NodeRole::kCompute) ++count;
  }
  return count;
}

bool IsFinal(JobStatus status) {
  return status == JobStatus::kSucceeded || status == JobStatus::kFailed ||
         status == JobStatus::kCancelled;
}

}  // namespace arca::coord
