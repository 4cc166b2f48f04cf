// Uploads and withdrawals over a node's attested endpoint: the owner's client
// (client/node_upload.h) against a NodeServer on 127.0.0.1.
#include "arca/client/node_upload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "arca/crypto/hash.h"
#include "arca/node/node_server.h"
#include "arca/node/test_util.h"

namespace arca::node {
namespace {

using ::testing::HasSubstr;

std::string Csv(int rows) {
  std::string csv = "age,income\n";
  for (int i = 0; i < rows; ++i) {
    csv += std::to_string(20 + i % 60) + "," + std::to_string(1000 + i % 977) + ".25\n";
  }
  return csv;
}

class NodeUploadTest : public ::testing::Test {
 protected:
  NodeUploadTest() : dir_(testing::FreshTestDir("node_upload_test")), root_(dir_) {
    server_ = *NodeServer::Start(root_.Config(1));
    policy_ = root_.Policy({ToHex(*MeasureThisProgram("compute"))});
  }

  // The dealer2pc share files of a table; node 1's is sealed to the server, node 0's elsewhere.
  std::vector<Bytes> Files(int rows) const {
    return testing::MakeShareFiles(
        mpc::ProtocolKind::kDealer2pc, "clinic-a", 1, Csv(rows),
        {crypto::GenerateX25519KeyPair().public_key, server_->identity().hpke_key().public_key});
  }

  std::string Save(const Bytes& file, const std::string& name) const {
    std::string path = dir_ + "/" + name;
    testing::WriteFile(path, file);
    return path;
  }

  std::unique_ptr<tee::AttestedChannel> Connect() const {
    Result<std::unique_ptr<tee::AttestedChannel>> channel =
        client::ConnectToNode({"127.0.0.1", server_->port()}, policy_);
    EXPECT_TRUE(channel.ok()) << channel.status().ToString();
    return *std::move(channel);
  }

  size_t StoredFiles() const {
    const std::string store = server_->store().dir();
    return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(store),
                                             std::filesystem::directory_iterator()));
  }

  std::string dir_;
  testing::SimRootFiles root_;
  std::unique_ptr<NodeServer> server_;
  tee::Policy policy_;
  crypto::SigningKey owner_ = crypto::SigningKey::Generate();
};

// A file of several chunks arrives whole, sealed in the store, and opens with the node's key.
TEST_F(NodeUploadTest, AnOwnerUploadsAShareFileAndTheNodeStoresIt) {
  const Bytes file = Files(150000)[1];
  ASSERT_GT(file.size(), 2 * client::kUploadChunk);
  std::vector<uint64_t> progress;
  const std::unique_ptr<tee::AttestedChannel> channel = Connect();
  Result<client::UploadAnswer> answer = client::UploadShareFile(
      *channel, Save(file, "node1.share"), "dataset", owner_, [&](uint64_t sent, uint64_t total) {
        EXPECT_EQ(total, file.size());
        progress.push_back(sent);
      });
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->sha256, crypto::Sha256(file));
  EXPECT_EQ(answer->rows, 150000);
  EXPECT_EQ(answer->columns, 2);
  ASSERT_FALSE(progress.empty());
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  EXPECT_EQ(progress.back(), file.size());

  const BlobInfo info = *server_->store().Info(answer->location);
  EXPECT_EQ(info.kind, BlobKind::kDataset);
  EXPECT_EQ(info.name, "clinic-a");
  EXPECT_EQ(info.sha256, crypto::Sha256(file));
  const auto owner_key = owner_.RawPublicKey();
  EXPECT_EQ(info.owner_key, Bytes(owner_key.begin(), owner_key.end()));
  const Bytes stored = *server_->store().Get(answer->location);
  EXPECT_EQ(stored, file);
  const client::ExpectedShareFile expected{"clinic-a", 1, mpc::ProtocolKind::kDealer2pc, 1,
                                           client::DatasetSchema::Parse(testing::kSchema)->Hash()};
  Result<client::NodeShares> shares =
      client::OpenShareFile(stored, server_->identity().hpke_key().private_key, expected);
  ASSERT_TRUE(shares.ok()) << shares.status().ToString();
  EXPECT_EQ(shares->columns.size(), 2u);
}

TEST_F(NodeUploadTest, ATamperedCiphertextIsRefusedAndNothingIsStored) {
  for (const bool late : {false, true}) {
    Bytes file = Files(150000)[1];
    // A byte in the first chunk, or in the last one (found only at the end of the stream).
    file[late ? file.size() - 5 : 500] ^= 0x40;
    const std::unique_ptr<tee::AttestedChannel> channel = Connect();
    Result<client::UploadAnswer> answer =
        client::UploadShareFile(*channel, Save(file, "tampered.share"), "dataset", owner_, {});
    EXPECT_THAT(answer.status().message(), HasSubstr("does not authenticate")) << late;
    EXPECT_THAT(answer.status().message(), HasSubstr("nothing was stored"));
    EXPECT_TRUE(server_->store().List()->empty());
    EXPECT_EQ(StoredFiles(), 0u);
    // The connection is still usable.
    EXPECT_TRUE(
        client::UploadShareFile(*channel, Save(Files(10)[1], "ok.share"), "dataset", owner_, {})
            .ok());
    ASSERT_TRUE(server_->store().Destroy(server_->store().List()->at(0).location).ok());
  }
}

TEST_F(NodeUploadTest, AFileForAnotherNodeIsRefused) {
  const std::unique_ptr<tee::AttestedChannel> channel = Connect();
  Result<client::UploadAnswer> answer =
      client::UploadShareFile(*channel, Save(Files(100)[0], "node0.share"), "dataset", owner_, {});
  EXPECT_THAT(answer.status().message(),
              HasSubstr("the share file is for node 0, not this node (1)"));
  EXPECT_TRUE(server_->store().List()->empty());
  EXPECT_EQ(StoredFiles(), 0u);
}

TEST_F(NodeUploadTest, OnlyTheUploadersKeyWithdraws) {
  const std::unique_ptr<tee::AttestedChannel> channel = Connect();
  const std::string location =
      client::UploadShareFile(*channel, Save(Files(100)[1], "node1.share"), "model", owner_, {})
          ->location;
  EXPECT_EQ(server_->store().Info(location)->kind, BlobKind::kModel);
  const crypto::SigningKey stranger = crypto::SigningKey::Generate();
  EXPECT_THAT(client::WithdrawUpload(*channel, location, stranger, Now()).status().message(),
              HasSubstr("the signature is not by the key that uploaded"));
  EXPECT_TRUE(server_->store().Get(location).ok());
  // A stale withdrawal (a replayed message) is refused too.
  EXPECT_THAT(client::WithdrawUpload(*channel, location, owner_, Now() - std::chrono::hours(1))
                  .status()
                  .message(),
              HasSubstr("from the node's clock"));
  EXPECT_TRUE(*client::WithdrawUpload(*channel, location, owner_, Now()));
  EXPECT_EQ(server_->store().Get(location).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(*client::WithdrawUpload(*channel, location, owner_, Now()));
}

TEST_F(NodeUploadTest, ADealerTakesNoUploads) {
  const NodeConfig config = root_.Config(2, "dealer");
  std::unique_ptr<NodeServer> dealer = *NodeServer::Start(config);
  const tee::Policy policy = root_.Policy({ToHex(*MeasureThisProgram(config.role))});
  std::unique_ptr<tee::AttestedChannel> channel =
      *client::ConnectToNode({"127.0.0.1", dealer->port()}, policy);
  EXPECT_THAT(
      client::UploadShareFile(*channel, Save(Files(10)[1], "x.share"), "dataset", owner_, {})
          .status()
          .message(),
      HasSubstr("this node is a dealer"));
}

}  // namespace
}  // namespace arca::node
