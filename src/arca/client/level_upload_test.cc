#include "arca/client/level_upload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace arca::client {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// The coordinator's node list: compute nodes registered out of order, and a dealer.
json Nodes() {
  return json::parse(R"({"nodes": [
    {"id": "dealer", "role": "dealer", "index": 0, "endpoint": "127.0.0.1:7009"},
    {"id": "node-2", "role": "compute", "index": 2, "endpoint": "127.0.0.1:7002"},
    {"id": "node-0", "role": "compute", "index": 0, "endpoint": "127.0.0.1:7000"},
    {"id": "node-1", "role": "compute", "index": 1, "endpoint": "127.0.0.1:7001"}]})");
}

std::vector<std::string> Ids(const std::vector<LevelNode>& nodes) {
  std::vector<std::string> ids;
  ids.reserve(nodes.size());
  for (const LevelNode& node : nodes) ids.push_back(node.id);
  return ids;
}

TEST(LevelNodeIndexes, AreTheComputeNodesAJobAtTheLevelPins) {
  EXPECT_EQ(LevelNodeIndexes("tee").value(), std::vector<int>({0}));
  EXPECT_EQ(LevelNodeIndexes("dealer2pc").value(), std::vector<int>({0, 1}));
  EXPECT_EQ(LevelNodeIndexes("rep3").value(), std::vector<int>({0, 1, 2}));
  const Status unknown = LevelNodeIndexes("plaintext").status();
  EXPECT_EQ(unknown.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.message(), HasSubstr("unknown security level 'plaintext'"));
}

TEST(SelectLevelNodes, TakesEachNeededComputeNodeInIndexOrderAndNeverTheDealer) {
  EXPECT_EQ(Ids(SelectLevelNodes(Nodes(), "tee").value()), std::vector<std::string>({"node-0"}));
  EXPECT_EQ(Ids(SelectLevelNodes(Nodes(), "dealer2pc").value()),
            std::vector<std::string>({"node-0", "node-1"}));
  const std::vector<LevelNode> rep3 = SelectLevelNodes(Nodes(), "rep3").value();
  EXPECT_EQ(Ids(rep3), std::vector<std::string>({"node-0", "node-1", "node-2"}));
  EXPECT_EQ(rep3[2].index, 2);
  EXPECT_EQ(rep3[2].endpoint, "127.0.0.1:7002");
  EXPECT_EQ(rep3[1].Name(), "node 'node-1' (127.0.0.1:7001)");
}

TEST(SelectLevelNodes, NamesTheMissingNode) {
  json nodes = Nodes();
  nodes["nodes"].erase(1);  // node-2
  EXPECT_TRUE(SelectLevelNodes(nodes, "dealer2pc").ok());
  const Status missing = SelectLevelNodes(nodes, "rep3").status();
  EXPECT_EQ(missing.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(missing.message(),
            "level rep3 needs compute node 2, but the coordinator has none registered");
}

TEST(SelectLevelNodes, RefusesAMalformedList) {
  EXPECT_EQ(SelectLevelNodes(json::array(), "tee").status().code(), StatusCode::kDataLoss);
  const json no_endpoint =
      json::parse(R"({"nodes": [{"id": "n", "role": "compute", "index": 0}]})");
  EXPECT_THAT(SelectLevelNodes(no_endpoint, "tee").status().message(),
              HasSubstr("compute node 0 lacks an id or endpoint"));
}

}  // namespace
}  // namespace arca::client
