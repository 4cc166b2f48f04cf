// Test helpers of the node layer: a SIMULATED root on disk, node configurations, a policy that
// accepts given measurements, and share files made as an owner's machine makes them.
#ifndef ARCA_NODE_TEST_UTIL_H_
#define ARCA_NODE_TEST_UTIL_H_

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "arca/base/test_dir.h"
#include "arca/client/csv_table.h"
#include "arca/client/upload.h"
#include "arca/node/node_config.h"
#include "arca/tee/policy.h"
#include "arca/tee/sim_tee.h"

namespace arca::node::testing {

using arca::testing::FreshTestDir;

inline void WriteFile(const std::string& path, ByteView bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

// A SIMULATED root whose key is `dir`/sim-root.key and certificate `dir`/sim-root.pem.
class SimRootFiles {
 public:
  explicit SimRootFiles(std::string dir) : dir_(std::move(dir)) {
    const crypto::SigningKey key = crypto::SigningKey::Generate();
    const crypto::Ed25519Seed seed = key.Seed();
    WriteFile(key_path(), seed);
    root_ = std::make_unique<tee::SimRoot>(*tee::SimRoot::Create(key));
    std::ofstream(dir_ + "/sim-root.pem") << root_->certificate().Pem();
  }

  std::string key_path() const { return dir_ + "/sim-root.key"; }
  const tee::SimRoot& root() const { return *root_; }

  // A node configuration file's text, with the node's state in `dir`/state<index>.
  std::string ConfigText(int index, const std::string& role = "compute") const {
    return fmt::format(
        R"({{"role": "{}", "index": {}, "listen": "127.0.0.1:0", "state_dir": "{}/state{}",
            "sim_root_key": "{}"}})",
        role, index, dir_, index, key_path());
  }
  NodeConfig Config(int index, const std::string& role = "compute") const {
    return *NodeConfig::Parse(AsBytes(ConfigText(index, role)));
  }

  // A policy accepting the SIMULATED platform with these measurements (hex).
  tee::Policy Policy(const std::vector<std::string>& measurements) const {
    std::string list;
    for (const std::string& m : measurements) list += (list.empty() ? "\"" : ", \"") + m + "\"";
    return *tee::Policy::Parse(R"({"version": 1, "platforms": {"sim": {"measurements": [)" + list +
                                   R"(], "trust_anchors": [{"file": "sim-root.pem", "sha256": ")" +
                                   ToHex(root_->certificate().Fingerprint()) + R"("}]}}})",
                               dir_);
  }

 private:
  std::string dir_;
  std::unique_ptr<tee::SimRoot> root_;
};

inline constexpr const char* kSchema = R"({"columns": [
  {"name": "age", "type": "integer", "min": 0, "max": 150},
  {"name": "income", "type": "decimal"}]})";

// Row i of the tests' table (kSchema): ages 18..87 and incomes 1000.5..3999.5, spread.
inline int AgeOfRow(int i) { return 18 + (i * 37) % 70; }
inline double IncomeOfRow(int i) { return 1000.5 + (i * 7919) % 3000; }

// The first `rows` rows as CSV.
inline std::string PeopleCsv(int rows) {
  std::string csv = "age,income\n";
  for (int i = 0; i < rows; ++i) {
    csv += std::to_string(AgeOfRow(i)) + "," + std::to_string(IncomeOfRow(i)) + "\n";
  }
  return csv;
}

// A plan on that table (as its input `input`), and what it gives in the clear.
inline std::string IncomeOver40Plan(const std::string& input) {
  return R"({"version": 1, "name": "Income of people aged 40 or more",
    "inputs": {")" +
         input + R"(": {"columns": ["age", "income"]}},
    "nodes": [
      {"id": "rows", "op": "column", "dataset": ")" +
         input + R"(", "columns": ["age", "income"]},
      {"id": "older", "op": "filter", "inputs": ["rows"],
       "where": {"column": "age", "cmp": ">=", "value": 40}},
      {"id": "income", "op": "stats", "inputs": ["older"], "column": "income",
       "statistics": ["count", "mean", "max"]}],
    "outputs": [{"name": "income", "node": "income", "recipients": ["insurer"]}],
    "levels": ["tee", "dealer2pc", "rep3"]})";
}
struct IncomeStats {
  double count = 0, mean = 0, max = 0;
};
inline IncomeStats IncomeOver40(int rows) {
  IncomeStats out;
  double sum = 0;
  for (int i = 0; i < rows; ++i) {
    if (AgeOfRow(i) < 40) continue;
    out.count += 1;
    sum += IncomeOfRow(i);
    out.max = std::max(out.max, IncomeOfRow(i));
  }
  out.mean = sum / out.count;
  return out;
}

// Share files of `csv` (against kSchema) for the nodes of ShareFileNodes(protocol), sealed to
// `keys` in that order.
inline std::vector<Bytes> MakeShareFiles(mpc::ProtocolKind protocol, const std::string& dataset,
                                         uint64_t version, const std::string& csv,
                                         const std::vector<crypto::X25519Key>& keys) {
  const client::DatasetSchema schema = *client::DatasetSchema::Parse(kSchema);
  const client::EncodedTable table = *client::ReadCsvTable(csv, schema, fxp::kDefaultFracBits);
  client::UploadSpec spec;
  spec.dataset = dataset;
  spec.version = version;
  spec.protocol = protocol;
  spec.node_keys = keys;
  std::vector<Bytes> files(3);
  const std::vector<int> nodes = client::ShareFileNodes(protocol);
  const Status status =
      client::WriteShareFiles(spec, schema, table, [&](int node, ByteView bytes) -> Status {
        Bytes& file = files[static_cast<size_t>(node)];
        file.insert(file.end(), bytes.begin(), bytes.end());
        return OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status.ToString();
  std::vector<Bytes> out;
  out.reserve(nodes.size());
  for (const int node : nodes) out.push_back(files[static_cast<size_t>(node)]);
  return out;
}

}  // namespace arca::node::testing

#endif  // ARCA_NODE_TEST_UTIL_H_
