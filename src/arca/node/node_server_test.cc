#include "arca/node/node_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "arca/base/test_dir.h"
#include "arca/net/tcp_socket.h"
#include "arca/tee/attested_tls.h"

namespace arca::node {
namespace {

using ::testing::HasSubstr;

// A node on 127.0.0.1 with a fresh SIMULATED root, and a client policy for it.
class NodeServerTest : public ::testing::Test {
 protected:
  NodeServerTest() {
    dir_ = arca::testing::FreshTestDir("node_server_test");
    const crypto::SigningKey root_key = crypto::SigningKey::Generate();
    const crypto::Ed25519Seed seed = root_key.Seed();
    std::ofstream(dir_ + "/sim-root.key", std::ios::binary)
        .write(reinterpret_cast<const char*>(seed.data()), seed.size());
    root_ = std::make_unique<tee::SimRoot>(*tee::SimRoot::Create(root_key));
    std::ofstream(dir_ + "/sim-root.pem") << root_->certificate().Pem();
    const std::string text = R"({"role": "compute", "index": 1, "listen": "127.0.0.1:0",
        "state_dir": ")" + dir_ +
                             R"(/state", "sim_root_key": ")" + dir_ + R"(/sim-root.key"})";
    config_ = *NodeConfig::Parse(AsBytes(text));
  }

  tee::Policy PolicyAccepting(const std::string& measurement_hex) const {
    return *tee::Policy::Parse(R"({"version": 1, "platforms": {"sim": {"measurements": [")" +
                                   measurement_hex + R"("], "trust_anchors": [{"file":
        "sim-root.pem", "sha256": ")" +
                                   ToHex(root_->certificate().Fingerprint()) + R"("}]}}})",
                               dir_);
  }

  Result<std::unique_ptr<tee::AttestedChannel>> Connect(const NodeServer& server,
                                                        const tee::Policy& policy) const {
    ARCA_ASSIGN_OR_RETURN(const int fd,
                          net::ConnectTcp({"127.0.0.1", server.port()}, std::chrono::seconds(5)));
    tee::AttestedTlsOptions options;
    options.peer = tee::PeerCheck{&policy, {}, Now};
    return tee::AttestedChannel::Connect(fd, options);
  }

  std::string dir_;
  std::unique_ptr<tee::SimRoot> root_;
  NodeConfig config_;
};

TEST_F(NodeServerTest, AClientAttestsTheNodeAndAsksItsStatus) {
  std::unique_ptr<NodeServer> server = *NodeServer::Start(config_);
  const tee::Policy policy = PolicyAccepting(ToHex(*MeasureThisProgram(config_.role)));
  Result<std::unique_ptr<tee::AttestedChannel>> channel = Connect(*server, policy);
  ASSERT_TRUE(channel.ok()) << channel.status().ToString();
  EXPECT_EQ((*channel)->peer_statement()->claims.product, "SIMULATED");
  ASSERT_TRUE((*channel)->Send(AsBytes(R"({"op": "status"})")).ok());
  const Bytes answer = *(*channel)->Receive();
  const nlohmann::json status = nlohmann::json::parse(answer.begin(), answer.end());
  EXPECT_EQ(status["index"], 1);
  EXPECT_EQ(status["simulated"], true);
  ASSERT_TRUE((*channel)->Send(AsBytes(R"({"op": "steal"})")).ok());
  const Bytes refusal = *(*channel)->Receive();
  EXPECT_THAT(std::string(refusal.begin(), refusal.end()), HasSubstr("unknown request op"));
}

TEST_F(NodeServerTest, AnIdleClientDelaysNobodyAndStopWakesIt) {
  std::unique_ptr<NodeServer> server = *NodeServer::Start(config_);
  const tee::Policy policy = PolicyAccepting(ToHex(*MeasureThisProgram(config_.role)));
  // An attested client that sends nothing, and a raw TCP connection that never handshakes.
  Result<std::unique_ptr<tee::AttestedChannel>> idle = Connect(*server, policy);
  ASSERT_TRUE(idle.ok()) << idle.status().ToString();
  const int silent = *net::ConnectTcp({"127.0.0.1", server->port()}, std::chrono::seconds(5));
  Result<std::unique_ptr<tee::AttestedChannel>> busy = Connect(*server, policy);
  ASSERT_TRUE(busy.ok()) << busy.status().ToString();
  ASSERT_TRUE((*busy)->Send(AsBytes(R"({"op": "status"})")).ok());
  EXPECT_TRUE((*busy)->Receive().ok());
  const auto before = std::chrono::steady_clock::now();
  // Stopping wakes the idle connections instead of waiting out their 10 s read timeouts.
  server.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
  ::close(silent);
}

TEST_F(NodeServerTest, AnotherRoleIsAnotherMeasurement) {
  std::unique_ptr<NodeServer> server = *NodeServer::Start(config_);
  const tee::Policy policy = PolicyAccepting(ToHex(*MeasureThisProgram("dealer")));
  EXPECT_THAT(Connect(*server, policy).status().message(),
              HasSubstr("peer attestation refused: measurement"));
}

TEST_F(NodeServerTest, TheSealedIdentitySurvivesARestart) {
  crypto::Sha256Digest first{};
  {
    std::unique_ptr<NodeServer> server = *NodeServer::Start(config_);
    first = server->identity().KeyDigest();
  }
  std::unique_ptr<NodeServer> again = *NodeServer::Start(config_);
  EXPECT_EQ(again->identity().KeyDigest(), first);
}

TEST(NodeConfigTest, ErrorsNameTheField) {
  EXPECT_THAT(NodeConfig::Parse(AsBytes(R"({"index": 0, "colour": 1})")).status().message(),
              HasSubstr("unknown field 'colour'"));
  EXPECT_THAT(NodeConfig::Parse(AsBytes(R"({"role": "boss", "index": 0})")).status().message(),
              HasSubstr("'role' must be"));
  EXPECT_FALSE(NodeConfig::Parse(AsBytes("{")).ok());
}

}  // namespace
}  // namespace arca::node
