// MPC sessions over attested links: every party a thread holding its own SIMULATED TEE and
// identity, each with its own MeshAcceptor on 127.0.0.1.
#include "arca/tee/attested_mesh.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "arca/base/thread_pool.h"
#include "arca/mpc/conformance/cases.h"
#include "arca/mpc/runner.h"
#include "arca/mpc/session.h"
#include "arca/net/tcp_socket.h"
#include "arca/tee/mesh_test_util.h"

namespace arca::tee {
namespace {

using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using testing::OpenFdCount;
using testing::SettledThreadCount;
using testing::SimNodes;
using testing::SimSelf;
using testing::ThreadCount;

constexpr std::chrono::seconds kTimeout(20);
// For sessions that are meant to fail: how long a party waits for a peer that never comes.
constexpr std::chrono::seconds kShortTimeout(3);

// One node per party: its TLS options (its TEE, the policy it judges peers by) and its
// acceptor on 127.0.0.1.
class Cluster {
 public:
  explicit Cluster(const SimNodes& nodes, int parties, MeshAcceptorOptions options = {})
      : nodes_(nodes) {
    for (int p = 0; p < parties; ++p) {
      tls_.push_back(nodes.Mutual(p));
      Result<std::unique_ptr<MeshAcceptor>> acceptor =
          MeshAcceptor::Start({"127.0.0.1", 0}, tls_.back(), options);
      EXPECT_TRUE(acceptor.ok()) << acceptor.status().ToString();
      endpoints_.push_back({"127.0.0.1", (*acceptor)->port()});
      acceptors_.push_back(*std::move(acceptor));
    }
  }

  // Replaces how party `p` proves itself (a forged or replayed evidence).
  void set_self(int p, const AttestedSelf& self) { tls_.at(static_cast<size_t>(p)).self = self; }

  Result<std::unique_ptr<net::Network>> Build(int p, const std::string& session,
                                              std::chrono::milliseconds timeout = kTimeout) {
    return BuildAttestedNetwork(p, session, endpoints_, nodes_.IdentityKeys(), acceptor(p),
                                tls_.at(static_cast<size_t>(p)), timeout);
  }

  // Runs `party(p)` for every party on its own thread; returns their statuses.
  std::vector<Status> RunParties(const std::function<Status(int)>& party) {
    std::vector<std::future<Status>> running(acceptors_.size());
    for (size_t p = 0; p < running.size(); ++p) {
      running[p] = std::async(std::launch::async, party, static_cast<int>(p));
    }
    std::vector<Status> results(running.size());
    for (size_t p = 0; p < running.size(); ++p) results[p] = running[p].get();
    return results;
  }

  MeshAcceptor& acceptor(int p) { return *acceptors_.at(static_cast<size_t>(p)); }
  const net::Endpoint& endpoint(int p) const { return endpoints_.at(static_cast<size_t>(p)); }
  std::vector<net::Endpoint>& endpoints() { return endpoints_; }

 private:
  const SimNodes& nodes_;
  std::vector<AttestedTlsOptions> tls_;
  std::vector<std::unique_ptr<MeshAcceptor>> acceptors_;
  std::vector<net::Endpoint> endpoints_;
};

const mpc::conformance::Case& FindCase(const std::string& name) {
  for (const mpc::conformance::Case& c : mpc::conformance::Cases()) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no conformance case " << name;
  return mpc::conformance::Cases().front();
}

struct Param {
  mpc::ProtocolKind kind;
  std::string case_name;
};

class AttestedConformanceTest : public ::testing::TestWithParam<Param> {};

// The conformance suite over attested links. Each case reveals its results and compares them
// with exact arithmetic, and compares every interactive call's traffic at each party with the
// protocol's declared cost (conformance/harness.h), so the counters of the attested links are
// checked against Protocol::Cost as on the other transports.
TEST_P(AttestedConformanceTest, PassesWithEveryPartyOnItsOwnSimulatedTee) {
  const Param& param = GetParam();
  const mpc::conformance::Case& conformance_case = FindCase(param.case_name);
  (void)ThreadPool::Default();  // the kernels' process-wide pool, started once
  const SimNodes nodes(3);
  const size_t threads = ThreadCount();
  const size_t fds = OpenFdCount();
  {
    Cluster cluster(nodes, mpc::PartiesOf(param.kind));
    const std::vector<Status> results = cluster.RunParties([&](int p) -> Status {
      ARCA_ASSIGN_OR_RETURN(std::unique_ptr<net::Network> network,
                            cluster.Build(p, "conformance-" + param.case_name));
      return mpc::RunParty(param.kind, network.get(), conformance_case.run);
    });
    for (size_t p = 0; p < results.size(); ++p) {
      EXPECT_TRUE(results[p].ok()) << "party " << p << ": " << results[p].ToString();
    }
  }
  EXPECT_EQ(SettledThreadCount(threads), threads) << "a thread outlived the session";
  EXPECT_EQ(OpenFdCount(), fds) << "a socket outlived the session";
}

std::vector<Param> AllParams() {
  std::vector<Param> params;
  for (mpc::ProtocolKind kind : {mpc::ProtocolKind::kDealer2pc, mpc::ProtocolKind::kRep3}) {
    for (const mpc::conformance::Case& c : mpc::conformance::Cases()) {
      params.push_back({kind, c.name});
    }
  }
  return params;
}

INSTANTIATE_TEST_SUITE_P(AttestedLinks, AttestedConformanceTest, ::testing::ValuesIn(AllParams()),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param.kind)) + "_" +
                                  param_info.param.case_name;
                         });

// The same session, twice at once on the same nodes: acceptors keep sessions apart.
TEST(AttestedMeshTest, TwoSessionsShareTheNodes) {
  const SimNodes nodes(3);
  Cluster cluster(nodes, 3);
  const auto session = [&](const std::string& name) {
    return cluster.RunParties([&](int p) -> Status {
      ARCA_ASSIGN_OR_RETURN(std::unique_ptr<net::Network> network, cluster.Build(p, name));
      return mpc::RunParty(mpc::ProtocolKind::kRep3, network.get(), FindCase("mul").run);
    });
  };
  auto first = std::async(std::launch::async, session, "first");
  const std::vector<Status> second = session("second");
  for (const std::vector<Status>& results : {first.get(), second}) {
    for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  }
}

// Party 2 runs on a machine whose reports are signed by a root the policy does not trust.
TEST(AttestedMeshTest, APeerWithForgedEvidenceIsRefused) {
  const SimNodes nodes(3);
  const SimRoot forger = *SimRoot::Create(crypto::SigningKey::Generate());
  const SimTee forged(forger, nodes.measurement(), {9});
  Cluster cluster(nodes, 3);
  cluster.set_self(2, SimSelf(nodes.identity(2), forged));
  const std::vector<Status> results = cluster.RunParties(
      [&](int p) -> Status { return cluster.Build(p, "forged", kShortTimeout).status(); });
  // The forger learns it was refused, and by whom.
  EXPECT_EQ(results[2].code(), StatusCode::kPermissionDenied) << results[2].ToString();
  EXPECT_THAT(results[2].message(), AllOf(HasSubstr("party 2 connecting to party 0"),
                                          HasSubstr("refused this side's attestation")));
  // The honest parties name the party that never came; party 0, which it dialed, also says
  // why its connection was refused.
  for (int p : {0, 1}) {
    const Status& s = results[static_cast<size_t>(p)];
    EXPECT_EQ(s.code(), StatusCode::kDeadlineExceeded) << s.ToString();
    EXPECT_THAT(s.message(), HasSubstr("party 2 of session 'forged' did not connect"));
  }
  EXPECT_THAT(results[0].message(), HasSubstr("peer attestation refused"));
}

// Party 2 replays a genuine report made for another session (another TLS exporter).
TEST(AttestedMeshTest, APeerWithStaleEvidenceIsRefused) {
  const SimNodes nodes(3);
  Cluster cluster(nodes, 3);
  const SimTee& tee = nodes.tee(2);
  const NodeIdentity& identity = nodes.identity(2);
  Result<Bytes> old_report = tee.Report(ReportData(identity.KeyDigest(), {}), Now());
  ASSERT_TRUE(old_report.ok());
  cluster.set_self(2, {&identity, [&](ByteView) -> Result<Evidence> {
                         Evidence evidence;
                         evidence.platform = Platform::kSim;
                         evidence.report = *old_report;
                         return evidence;
                       }});
  const std::vector<Status> results = cluster.RunParties(
      [&](int p) -> Status { return cluster.Build(p, "stale", kShortTimeout).status(); });
  EXPECT_THAT(results[2].message(), HasSubstr("evidence is not fresh"));
  for (int p : {0, 1}) {
    EXPECT_THAT(results[static_cast<size_t>(p)].message(),
                HasSubstr("party 2 of session 'stale' did not connect"));
  }
  EXPECT_THAT(results[0].message(), HasSubstr("evidence is not fresh"));
}

// Node 2 is genuine (same program, trusted root) but is not party 1: it dials party 0
// claiming to be party 1.
TEST(AttestedMeshTest, ANodeClaimingAnotherPartysIndexIsRefused) {
  const SimNodes nodes(3);
  Cluster cluster(nodes, 1);  // party 0's node
  Result<std::unique_ptr<MeshAcceptor>> impostor_acceptor =
      MeshAcceptor::Start({"127.0.0.1", 0}, nodes.Mutual(2));
  ASSERT_TRUE(impostor_acceptor.ok());
  const std::vector<net::Endpoint> endpoints = {cluster.endpoint(0),
                                                {"127.0.0.1", (*impostor_acceptor)->port()}};
  const std::vector<Bytes> keys = {nodes.IdentityKey(0), nodes.IdentityKey(1)};
  auto impostor = std::async(std::launch::async, [&] {
    return BuildAttestedNetwork(1, "s", endpoints, keys, **impostor_acceptor, nodes.Mutual(2),
                                kShortTimeout);
  });
  Result<std::unique_ptr<net::Network>> honest = BuildAttestedNetwork(
      0, "s", endpoints, keys, cluster.acceptor(0), nodes.Mutual(0), kShortTimeout);
  ASSERT_FALSE(honest.ok());
  EXPECT_EQ(honest.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(honest.status().message(),
              HasSubstr("party 0 refused a node that claims to be party 1 of session 's'"));
  (void)impostor.get();
}

// Party 1's list of keys gives party 0's index the key of node 2: party 1 refuses node 0.
TEST(AttestedMeshTest, ADialerRefusesANodeWithTheWrongKey) {
  const SimNodes nodes(3);
  Cluster cluster(nodes, 2);
  std::vector<Bytes> keys = {nodes.IdentityKey(2), nodes.IdentityKey(1)};
  Result<std::unique_ptr<net::Network>> network = BuildAttestedNetwork(
      1, "s", cluster.endpoints(), keys, cluster.acceptor(1), nodes.Mutual(1), kShortTimeout);
  ASSERT_FALSE(network.ok());
  EXPECT_EQ(network.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(network.status().message(),
              AllOf(HasSubstr("party 1 connecting to party 0"),
                    HasSubstr("is not the expected one: its attested identity key is")));
}

// A client outside any TEE cannot take a party's place: the TLS handshake fails (it has no
// attested certificate), and the waiting party names the refusal.
TEST(AttestedMeshTest, ANonAttestedPeerIsRefused) {
  const SimNodes nodes(2);
  Cluster cluster(nodes, 1);
  AttestedTlsOptions plain;
  plain.peer = nodes.Mutual(1).peer;
  Result<int> fd = net::ConnectTcp(cluster.endpoint(0), std::chrono::seconds(5));
  ASSERT_TRUE(fd.ok());
  EXPECT_FALSE(AttestedChannel::Connect(*fd, plain).ok());
  Result<std::unique_ptr<AttestedChannel>> awaited =
      cluster.acceptor(0).Await("s", 1, net::Clock::now() + std::chrono::milliseconds(500));
  ASSERT_FALSE(awaited.ok());
  EXPECT_THAT(awaited.status().message(),
              AllOf(HasSubstr("party 1 of session 's' did not connect"),
                    HasSubstr("the last connection this node refused")));
}

// A party that vanishes mid-session (its connections close without a close or abort frame,
// as when its process crashes): the others end promptly, naming it, instead of waiting.
class LostPartyTest : public ::testing::TestWithParam<mpc::ProtocolKind> {};

TEST_P(LostPartyTest, TheOthersReportTheLostParty) {
  const mpc::ProtocolKind kind = GetParam();
  const mpc::conformance::Case& mul = FindCase("mul");
  const mpc::conformance::Case& matmul = FindCase("matmul");
  (void)ThreadPool::Default();
  const SimNodes nodes(3);
  const size_t threads = ThreadCount();
  const size_t fds = OpenFdCount();
  std::vector<Status> results;
  {
    Cluster cluster(nodes, 3);
    results = cluster.RunParties([&](int p) -> Status {
      ARCA_ASSIGN_OR_RETURN(std::unique_ptr<net::Network> network, cluster.Build(p, "lost"));
      if (p != 1) {
        return mpc::RunParty(kind, network.get(), [&](mpc::Protocol& protocol) {
          ARCA_RETURN_IF_ERROR(mul.run(protocol));
          return matmul.run(protocol);
        });
      }
      {
        ARCA_ASSIGN_OR_RETURN(std::unique_ptr<mpc::Session> session,
                              mpc::Session::Create(network.get()));
        const std::unique_ptr<mpc::Protocol> protocol = mpc::MakeProtocol(kind, session.get());
        ARCA_RETURN_IF_ERROR(mul.run(*protocol));
      }
      network.reset();  // gone: no close frame, no abort
      return OkStatus();
    });
  }
  for (int p : {0, 2}) {
    const Status& s = results[static_cast<size_t>(p)];
    EXPECT_FALSE(s.ok()) << "party " << p;
    // Either it saw its own connection to party 1 go, or the abort of a party that did.
    EXPECT_THAT(s.message(), AnyOf(HasSubstr("party 1"), HasSubstr("party 0 aborted"),
                                   HasSubstr("party 2 aborted")))
        << s.ToString();
    EXPECT_THAT(s.message(), HasSubstr("connection lost")) << s.ToString();
  }
  EXPECT_EQ(SettledThreadCount(threads), threads);
  EXPECT_EQ(OpenFdCount(), fds);
}

INSTANTIATE_TEST_SUITE_P(AttestedLinks, LostPartyTest,
                         ::testing::Values(mpc::ProtocolKind::kDealer2pc, mpc::ProtocolKind::kRep3),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

// Dials party 0's node as party `party` of `session`, from node `node`.
Result<std::unique_ptr<AttestedChannel>> DialParty0(const SimNodes& nodes, Cluster& cluster,
                                                    int node, const std::string& session,
                                                    int party) {
  return Dial(cluster.endpoint(0), nodes.Mutual(node), session, party, nodes.IdentityKey(0),
              net::Clock::now() + std::chrono::seconds(5));
}

// Beyond the bound on pending connections, a connection is closed before its handshake; an
// accepted connection nobody awaits is closed after the acceptor's timeout, which frees its
// place.
TEST(AttestedMeshTest, TheAcceptorBoundsAndExpiresPendingConnections) {
  const SimNodes nodes(3);
  MeshAcceptorOptions options;
  options.max_pending = 1;
  options.unclaimed_timeout = std::chrono::milliseconds(500);
  Cluster cluster(nodes, 1, options);
  Result<std::unique_ptr<AttestedChannel>> first = DialParty0(nodes, cluster, 1, "s", 1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(DialParty0(nodes, cluster, 2, "t", 2).ok());

  // Nobody awaits "s": its connection is closed, which the dialer sees.
  EXPECT_FALSE((*first)->Receive().ok());
  EXPECT_EQ(cluster.acceptor(0)
                .Await("s", 1, net::Clock::now() + std::chrono::milliseconds(100))
                .status()
                .code(),
            StatusCode::kDeadlineExceeded);
  Result<std::unique_ptr<AttestedChannel>> second = DialParty0(nodes, cluster, 2, "t", 2);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(cluster.acceptor(0).Await("t", 2, net::Clock::now() + std::chrono::seconds(5)).ok());
}

// A second connection for a party of a session whose first is still pending is refused; the
// first is the one handed over.
TEST(AttestedMeshTest, TheAcceptorRefusesASecondConnectionForTheSameParty) {
  const SimNodes nodes(3);
  Cluster cluster(nodes, 1);
  Result<std::unique_ptr<AttestedChannel>> first = DialParty0(nodes, cluster, 1, "s", 1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  Result<std::unique_ptr<AttestedChannel>> again = DialParty0(nodes, cluster, 2, "s", 1);
  ASSERT_FALSE(again.ok());
  EXPECT_THAT(again.status().message(), HasSubstr("party 1 of session 's' is connected already"));
  Result<std::unique_ptr<AttestedChannel>> awaited =
      cluster.acceptor(0).Await("s", 1, net::Clock::now() + std::chrono::seconds(5));
  ASSERT_TRUE(awaited.ok());
  EXPECT_EQ((*awaited)->peer_identity_key(), nodes.IdentityKey(1));
}

}  // namespace
}  // namespace arca::tee
