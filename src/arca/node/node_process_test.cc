// A real arca-node process on 127.0.0.1: an owner uploads to it, a tampered upload is refused,
// and after a restart the sealed store still holds the upload, which the owner withdraws.
// Every process started here is stopped before the test ends.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <string_view>

#include "arca/client/node_upload.h"
#include "arca/crypto/hash.h"
#include "arca/node/test_util.h"

namespace arca::node {
namespace {

using ::testing::HasSubstr;

// An arca-node child process; the destructor stops it (SIGTERM, then SIGKILL if it lingers).
class NodeProcess {
 public:
  explicit NodeProcess(const std::string& config_path) {
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::execl(ARCA_NODE_BINARY, ARCA_NODE_BINARY, "--config", config_path.c_str(), nullptr);
      ::_exit(127);
    }
    ::close(out[1]);
    // The node prints one line once it listens.
    std::string line;
    char c = 0;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    constexpr std::string_view kListening = "listening on 127.0.0.1:";
    const size_t at = line.find(kListening);
    if (at != std::string::npos) {
      port_ = static_cast<uint16_t>(std::atoi(line.c_str() + at + kListening.size()));
    }
    EXPECT_THAT(line, HasSubstr("SIMULATED TEE"));
  }

  ~NodeProcess() { EXPECT_EQ(Stop(), 0); }
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  uint16_t port() const { return port_; }

  // Stops the node; its exit status (0 after SIGTERM), or -1 if it had to be killed.
  int Stop() {
    if (pid_ <= 0) return 0;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      ::usleep(50000);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
  }

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

TEST(NodeProcessTest, AnOwnerUploadsToARealNodeAndWithdrawsAfterItsRestart) {
  const std::string dir = testing::FreshTestDir("node_process_test");
  const testing::SimRootFiles root(dir);
  const std::string config_path = dir + "/node0.json";
  testing::WriteFile(config_path, AsBytes(root.ConfigText(0)));
  const tee::Policy policy =
      root.Policy({ToHex(MeasureNode(*ReadFileBytes(ARCA_NODE_BINARY), "compute"))});
  const crypto::SigningKey owner = crypto::SigningKey::Generate();

  std::string location;
  {
    NodeProcess node(config_path);
    ASSERT_NE(node.port(), 0);
    std::unique_ptr<tee::AttestedChannel> channel =
        *client::ConnectToNode({"127.0.0.1", node.port()}, policy);
    // The owner seals to the key the node's attestation bound.
    crypto::X25519Key key{};
    ASSERT_EQ(channel->peer_hpke_key().size(), key.size());
    std::copy(channel->peer_hpke_key().begin(), channel->peer_hpke_key().end(), key.begin());
    std::string csv = "age,income\n";
    for (int i = 0; i < 2000; ++i) csv += std::to_string(i % 90) + ",12.5\n";
    const std::vector<Bytes> files =
        testing::MakeShareFiles(mpc::ProtocolKind::kRep3, "clinic-a", 2, csv,
                                {key, crypto::GenerateX25519KeyPair().public_key,
                                 crypto::GenerateX25519KeyPair().public_key});
    testing::WriteFile(dir + "/node0.share", files[0]);
    Bytes tampered = files[0];
    tampered[tampered.size() / 2] ^= 1;
    testing::WriteFile(dir + "/tampered.share", tampered);

    EXPECT_THAT(client::UploadShareFile(*channel, dir + "/tampered.share", "dataset", owner, {})
                    .status()
                    .message(),
                HasSubstr("does not authenticate"));
    Result<client::UploadAnswer> answer =
        client::UploadShareFile(*channel, dir + "/node0.share", "dataset", owner, {});
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    EXPECT_EQ(answer->sha256, crypto::Sha256(files[0]));
    EXPECT_EQ(answer->rows, 2000);
    location = answer->location;
  }
  NodeProcess node(config_path);
  std::unique_ptr<tee::AttestedChannel> channel =
      *client::ConnectToNode({"127.0.0.1", node.port()}, policy);
  Result<bool> destroyed = client::WithdrawUpload(*channel, location, owner, Now());
  ASSERT_TRUE(destroyed.ok()) << destroyed.status().ToString();
  EXPECT_TRUE(*destroyed);
  EXPECT_FALSE(*client::WithdrawUpload(*channel, location, owner, Now()));
}

}  // namespace
}  // namespace arca::node
