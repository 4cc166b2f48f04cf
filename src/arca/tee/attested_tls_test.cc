#include "arca/tee/attested_tls.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>
#include <future>

#include "arca/base/test_dir.h"
#include "arca/tee/sim_tee.h"

namespace arca::tee {
namespace {

using ::testing::HasSubstr;

// Two SIMULATED nodes' worth of keys and TEEs, and a policy that accepts the node program.
class AttestedTlsTest : public ::testing::Test {
 protected:
  AttestedTlsTest()
      : root_(*SimRoot::Create(crypto::SigningKey::Generate())),
        node_tee_(root_, MeasureProgram(AsBytes("arca-node"), AsBytes("{}")), {1}),
        rogue_tee_(root_, MeasureProgram(AsBytes("rogue"), AsBytes("{}")), {2}) {
    const std::string dir = arca::testing::FreshTestDir("attested_tls_test");
    std::ofstream(dir + "/sim-root.pem") << root_.certificate().Pem();
    policy_ = *Policy::Parse(R"({"version": 1, "platforms": {"sim": {
        "measurements": [")" + ToHex(node_tee_.measurement()) +
                                 R"("],
        "trust_anchors": [{"file": "sim-root.pem", "sha256": ")" +
                                 ToHex(root_.certificate().Fingerprint()) + R"("}]}}})",
                             dir);
  }

  static AttestedSelf Self(const NodeIdentity& identity, const SimTee& tee) {
    return {&identity, [&tee](ByteView report_data) -> Result<Evidence> {
              Evidence evidence;
              evidence.platform = Platform::kSim;
              ARCA_ASSIGN_OR_RETURN(evidence.report, tee.Report(report_data, Now()));
              return evidence;
            }};
  }
  PeerCheck Check() const { return {&policy_, {}, Now}; }

  struct Outcome {
    Result<std::unique_ptr<AttestedChannel>> client;
    Result<std::unique_ptr<AttestedChannel>> server;
  };
  static Outcome Run(const AttestedTlsOptions& client, const AttestedTlsOptions& server) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    auto accepted =
        std::async(std::launch::async, [&] { return AttestedChannel::Accept(fds[1], server); });
    auto connected = AttestedChannel::Connect(fds[0], client);
    return {std::move(connected), accepted.get()};
  }

  SimRoot root_;
  SimTee node_tee_;
  SimTee rogue_tee_;
  Policy policy_;
  NodeIdentity node_ = NodeIdentity::Generate();
  NodeIdentity other_node_ = NodeIdentity::Generate();
};

TEST_F(AttestedTlsTest, AClientChecksTheNodeAndTheyTalk) {
  AttestedTlsOptions client;
  client.peer = Check();
  AttestedTlsOptions server;
  server.self = Self(node_, node_tee_);
  Outcome o = Run(client, server);
  ASSERT_TRUE(o.client.ok()) << o.client.status().ToString();
  ASSERT_TRUE(o.server.ok()) << o.server.status().ToString();
  const AttestedChannel& channel = **o.client;
  ASSERT_TRUE(channel.peer_statement().has_value());
  EXPECT_EQ(channel.peer_statement()->claims.platform, Platform::kSim);
  EXPECT_EQ(channel.peer_hpke_key(),
            Bytes(node_.hpke_key().public_key.begin(), node_.hpke_key().public_key.end()));
  ASSERT_TRUE((*o.client)->Send(AsBytes("hello node")).ok());
  EXPECT_EQ(*(*o.server)->Receive(),
            Bytes(AsBytes("hello node").begin(), AsBytes("hello node").end()));
  ASSERT_TRUE((*o.server)->Send(Bytes(100000, 7)).ok());
  EXPECT_EQ((*o.client)->Receive()->size(), 100000u);
}

TEST_F(AttestedTlsTest, NodesCheckEachOther) {
  AttestedTlsOptions a{Self(node_, node_tee_), Check(), std::chrono::seconds(10)};
  AttestedTlsOptions b{Self(other_node_, node_tee_), Check(), std::chrono::seconds(10)};
  Outcome o = Run(a, b);
  ASSERT_TRUE(o.client.ok()) << o.client.status().ToString();
  ASSERT_TRUE(o.server.ok()) << o.server.status().ToString();
  EXPECT_TRUE((*o.client)->peer_statement().has_value());
  EXPECT_TRUE((*o.server)->peer_statement().has_value());
}

TEST_F(AttestedTlsTest, ANodeRunningAnotherProgramIsDisconnectedBeforeAnyData) {
  AttestedTlsOptions client;
  client.peer = Check();
  AttestedTlsOptions server;
  server.self = Self(node_, rogue_tee_);
  Outcome o = Run(client, server);
  ASSERT_FALSE(o.client.ok());
  EXPECT_THAT(o.client.status().message(), HasSubstr("peer attestation refused: measurement"));
  ASSERT_FALSE(o.server.ok());
  EXPECT_THAT(o.server.status().message(),
              HasSubstr("the peer refused this side's attestation: measurement"));
}

TEST_F(AttestedTlsTest, EvidenceRelayedFromAnotherKeyOrSessionIsRefused) {
  // A man in the middle holds its own TLS key but relays a genuine node's evidence, made for
  // that node's key and a session of its own.
  AttestedSelf relay{&other_node_, [this](ByteView) -> Result<Evidence> {
                       Evidence evidence;
                       evidence.platform = Platform::kSim;
                       ARCA_ASSIGN_OR_RETURN(
                           evidence.report,
                           node_tee_.Report(ReportData(node_.KeyDigest(), {}), Now()));
                       return evidence;
                     }};
  AttestedTlsOptions client;
  client.peer = Check();
  AttestedTlsOptions server;
  server.self = relay;
  Outcome o = Run(client, server);
  ASSERT_FALSE(o.client.ok());
  EXPECT_THAT(o.client.status().message(), HasSubstr("does not bind the offered key"));

  // The right key but an old session: not fresh.
  AttestedSelf replay{&node_, [this](ByteView) -> Result<Evidence> {
                        Evidence evidence;
                        evidence.platform = Platform::kSim;
                        ARCA_ASSIGN_OR_RETURN(
                            evidence.report,
                            node_tee_.Report(ReportData(node_.KeyDigest(), {}), Now()));
                        return evidence;
                      }};
  server.self = replay;
  o = Run(client, server);
  ASSERT_FALSE(o.client.ok());
  EXPECT_THAT(o.client.status().message(), HasSubstr("evidence is not fresh"));
}

TEST_F(AttestedTlsTest, ANodeRequiringAttestationRefusesAPlainClient) {
  AttestedTlsOptions client;
  client.peer = Check();
  AttestedTlsOptions server{Self(node_, node_tee_), Check(), std::chrono::seconds(10)};
  // The plain client has no certificate: the TLS handshake itself fails.
  Outcome o = Run(client, server);
  EXPECT_FALSE(o.server.ok());
  EXPECT_FALSE(o.client.ok());
}

}  // namespace
}  // namespace arca::tee
