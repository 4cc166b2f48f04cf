#include "arca/node/node_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace arca::node {
namespace {

using ::testing::HasSubstr;

constexpr const char* kBase =
    R"("role": "dealer", "index": 0, "listen": "127.0.0.1:0", "state_dir": "/s",
       "sim_root_key": "/k")";

Result<NodeConfig> Parse(const std::string& extra) {
  // Appended piece by piece: GCC 12 mis-warns (-Wrestrict) on "{" + std::string under ASan.
  std::string text = "{";
  text += kBase;
  text += extra;
  text += "}";
  return NodeConfig::Parse(AsBytes(text));
}

TEST(NodeConfigTest, ANodeOfThePlatformNamesItsCoordinatorAndMeshEndpoint) {
  const Result<NodeConfig> config = Parse(
      R"(, "node_id": "dealer", "mesh_listen": "127.0.0.1:7100",
         "coordinator": {"address": "127.0.0.1:8443", "certificate": "/c.crt"})");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->role, "dealer");
  EXPECT_EQ(config->node_id, "dealer");
  EXPECT_EQ(config->mesh_listen->port, 7100);
  EXPECT_EQ(config->coordinator->address.port, 8443);
  EXPECT_EQ(config->coordinator->certificate, "/c.crt");
  // Without them the node only serves uploads.
  const Result<NodeConfig> standalone = Parse("");
  ASSERT_TRUE(standalone.ok());
  EXPECT_FALSE(standalone->coordinator.has_value());
}

TEST(NodeConfigTest, MistakesAreNamed) {
  EXPECT_THAT(Parse(R"(, "node_id": "n")").status().message(),
              HasSubstr("'node_id', 'mesh_listen' and 'coordinator' go together"));
  EXPECT_THAT(Parse(R"(, "node_id": "n", "mesh_listen": "127.0.0.1:1",
                      "coordinator": {"address": "127.0.0.1:2", "cert": "/c"})")
                  .status()
                  .message(),
              HasSubstr("unknown field 'coordinator.cert'"));
  EXPECT_THAT(Parse(R"(, "ports": 3)").status().message(), HasSubstr("unknown field 'ports'"));
  EXPECT_THAT(NodeConfig::Parse(AsBytes(R"({"role": "judge", "index": 0})")).status().message(),
              HasSubstr("'role' must be"));
}

TEST(NodeConfigTest, TheMeasurementCoversTheProgramAndTheRoleOnly) {
  EXPECT_EQ(MeasureNode(AsBytes("binary"), "compute"), MeasureNode(AsBytes("binary"), "compute"));
  EXPECT_NE(MeasureNode(AsBytes("binary"), "compute"), MeasureNode(AsBytes("binary"), "dealer"));
  EXPECT_NE(MeasureNode(AsBytes("binary"), "compute"), MeasureNode(AsBytes("binar2"), "compute"));
}

}  // namespace
}  // namespace arca::node
