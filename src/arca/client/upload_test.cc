#include "arca/client/upload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "arca/client/mock_data.h"
#include "arca/crypto/hpke.h"
#include "arca/fxp/encoding.h"
#include "arca/mpc/upload_shares.h"

namespace arca::client {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
namespace hpke = crypto::hpke;

constexpr const char* kSchema = R"({"columns": [
  {"name": "age", "type": "integer", "min": 0, "max": 150},
  {"name": "income", "type": "decimal"},
  {"name": "smoker", "type": "boolean"},
  {"name": "region", "type": "categorical", "categories": ["north", "south"]}]})";

constexpr const char* kCsv =
    "age,income,smoker,region\r\n"
    "42,52000.5,true,north\r\n"
    "37,-1250.25,false,south\r\n"
    "90,0.125,1,\"south\"\r\n";

const DatasetSchema& Schema() {
  static const DatasetSchema schema = DatasetSchema::Parse(kSchema).value();
  return schema;
}

// An upload to fresh node keys: the files by node, and the keys to open them.
struct Uploaded {
  UploadSpec spec;
  std::vector<hpke::KeyPair> keys;  // by position in ShareFileNodes
  std::map<int, Bytes> files;       // by node
  // How many pieces the sink received for each node.
  std::map<int, int> pieces;
};

Uploaded Upload(mpc::ProtocolKind protocol, const EncodedTable& table,
                const std::string& dataset = "clinic-a") {
  Uploaded up;
  up.spec.dataset = dataset;
  up.spec.version = 3;
  up.spec.protocol = protocol;
  for (size_t i = 0; i < ShareFileNodes(protocol).size(); ++i) {
    up.keys.push_back(hpke::GenerateKeyPair());
    up.spec.node_keys.push_back(up.keys.back().public_key);
  }
  const Status status =
      WriteShareFiles(up.spec, Schema(), table, [&](int node, ByteView bytes) -> Status {
        Bytes& file = up.files[node];
        file.insert(file.end(), bytes.begin(), bytes.end());
        ++up.pieces[node];
        return OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return up;
}

ExpectedShareFile Expected(const Uploaded& up, int node) {
  return {up.spec.dataset, up.spec.version, up.spec.protocol, node, Schema().Hash()};
}

Result<NodeShares> Open(const Uploaded& up, int node, const Bytes& file) {
  return OpenShareFile(file, up.keys[static_cast<size_t>(node)].private_key, Expected(up, node));
}

EncodedTable Table() { return ReadCsvTable(kCsv, Schema(), fxp::kDefaultFracBits).value(); }

// CSV -> shares -> encrypted files -> each node decrypts -> the parties (threads) reveal every
// column -> the encoded CSV, and its values decode to the CSV's.
void ExpectRoundTrip(mpc::ProtocolKind protocol, const EncodedTable& table) {
  const Uploaded up = Upload(protocol, table);
  ASSERT_EQ(up.files.size(), ShareFileNodes(protocol).size());

  std::map<int, NodeShares> nodes;
  for (const auto& [node, file] : up.files) {
    Result<NodeShares> opened = Open(up, node, file);
    ASSERT_TRUE(opened.ok()) << "node " << node << ": " << opened.status().ToString();
    EXPECT_EQ(opened->header.rows, table.rows);
    EXPECT_EQ(opened->header.dataset, "clinic-a");
    nodes.emplace(node, *std::move(opened));
  }
  std::vector<std::vector<mpc::RingTensor>> revealed(static_cast<size_t>(mpc::PartiesOf(protocol)));
  const std::vector<Status> results = mpc::RunInProcess(protocol, [&](mpc::Protocol& p) -> Status {
    std::vector<mpc::Shared> columns;
    if (nodes.contains(p.party())) {
      columns = nodes.at(p.party()).columns;
    } else {  // the dealer: shapes only, no file
      for (size_t c = 0; c < table.columns.size(); ++c) {
        ARCA_ASSIGN_OR_RETURN(mpc::Shared shared,
                              mpc::ImportUploaded(protocol, p.party(), mpc::Shape{table.rows}, {}));
        columns.push_back(std::move(shared));
      }
    }
    for (const mpc::Shared& column : columns) {
      ARCA_ASSIGN_OR_RETURN(mpc::RingTensor value, p.Reveal(column));
      revealed[static_cast<size_t>(p.party())].push_back(std::move(value));
    }
    return OkStatus();
  });
  for (size_t party = 0; party < results.size(); ++party) {
    ASSERT_TRUE(results[party].ok()) << "party " << party << ": " << results[party].ToString();
    ASSERT_EQ(revealed[party].size(), table.columns.size());
    for (size_t c = 0; c < table.columns.size(); ++c) {
      EXPECT_EQ(revealed[party][c], table.columns[c]) << "party " << party << " column " << c;
    }
  }
}

class UploadRoundTripTest : public ::testing::TestWithParam<mpc::ProtocolKind> {};

TEST_P(UploadRoundTripTest, RevealedColumnsAreTheCsvs) {
  const EncodedTable table = Table();
  // The values, decoded, are the CSV's.
  EXPECT_EQ(fxp::Decode(table.columns[1], fxp::kDefaultFracBits),
            (std::vector<double>{52000.5, -1250.25, 0.125}));
  EXPECT_EQ(table.columns[3], mpc::RingTensor::FromValues(mpc::Shape{3}, {0, 1, 1}));
  ExpectRoundTrip(GetParam(), table);
}

// Larger than one 1 MiB stream chunk per node, so the files are written and read in pieces.
TEST_P(UploadRoundTripTest, LargeTablesStreamInChunks) {
  const EncodedTable table =
      ReadCsvTable(MockCsv(Schema(), 40000, 11).value(), Schema(), fxp::kDefaultFracBits).value();
  const Uploaded up = Upload(GetParam(), table);
  for (const auto& [node, count] : up.pieces) EXPECT_GT(count, 3) << "node " << node;
  ExpectRoundTrip(GetParam(), table);
}

INSTANTIATE_TEST_SUITE_P(Protocols, UploadRoundTripTest,
                         ::testing::Values(mpc::ProtocolKind::kPlaintext,
                                           mpc::ProtocolKind::kDealer2pc, mpc::ProtocolKind::kRep3),
                         [](const auto& param_info) {
                           return std::string(mpc::ProtocolKindName(param_info.param));
                         });

TEST(ShareFileTest, FilesGoToEveryNodeButTheDealer) {
  EXPECT_EQ(ShareFileNodes(mpc::ProtocolKind::kPlaintext), std::vector<int>{0});
  EXPECT_EQ(ShareFileNodes(mpc::ProtocolKind::kDealer2pc), (std::vector<int>{0, 1}));
  EXPECT_EQ(ShareFileNodes(mpc::ProtocolKind::kRep3), (std::vector<int>{0, 1, 2}));
}

// The header is in clear (metadata), and the shares are not: no column's encoded bytes
// appear in a file.
TEST(ShareFileTest, HeaderIsMetadataAndSharesAreEncrypted) {
  const EncodedTable table = Table();
  const Uploaded up = Upload(mpc::ProtocolKind::kPlaintext, table);
  const Bytes& file = up.files.at(0);
  size_t size = 0;
  Result<ShareFileHeader> header = ShareFileHeader::Parse(file, &size);
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  EXPECT_EQ(size, kShareFileFixedHeader + 8);
  EXPECT_EQ(header->Serialize(), Bytes(file.begin(), file.begin() + static_cast<ptrdiff_t>(size)));
  EXPECT_EQ(header->version, 3u);
  EXPECT_EQ(header->columns, 4);
  EXPECT_EQ(header->frac_bits, fxp::kDefaultFracBits);
  EXPECT_EQ(header->schema_hash, Schema().Hash());
  for (const mpc::RingTensor& column : table.columns) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(column.data());
    const size_t n = static_cast<size_t>(column.numel()) * 8;
    EXPECT_EQ(std::search(file.begin(), file.end(), bytes, bytes + n), file.end());
  }
}

TEST(ShareFileTest, HeaderParserRefusesMalformedHeaders) {
  ShareFileHeader header;
  header.protocol = mpc::ProtocolKind::kRep3;
  header.node = 2;
  header.rows = 5;
  header.columns = 2;
  header.dataset = "d";
  const Bytes good = header.Serialize();
  size_t size = 0;
  ASSERT_TRUE(ShareFileHeader::Parse(good, &size).ok());
  const auto parse_error = [&](size_t offset, uint8_t value, size_t length = 0) {
    Bytes bad = good;
    if (offset < bad.size()) bad[offset] = value;
    if (length > 0) bad.resize(length);
    Result<ShareFileHeader> parsed = ShareFileHeader::Parse(bad, &size);
    EXPECT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), StatusCode::kDataLoss);
    return parsed.status().message();
  };
  EXPECT_THAT(parse_error(0, 0, 10), HasSubstr("10 bytes is shorter than a header"));
  EXPECT_THAT(parse_error(0, 'X'), HasSubstr("not a share file"));
  EXPECT_THAT(parse_error(4, 2), HasSubstr("format version 2 is not supported"));
  EXPECT_THAT(parse_error(6, 7), HasSubstr("unknown protocol code 7"));
  EXPECT_THAT(parse_error(7, 3), HasSubstr("node 3 holds no parts under rep3"));
  EXPECT_THAT(parse_error(8, 60), HasSubstr("fractional bits"));
  EXPECT_THAT(parse_error(17, 0), HasSubstr("0 rows of 2 columns"));
  EXPECT_THAT(parse_error(61, 9), HasSubstr("truncated in the dataset name"));
  EXPECT_THAT(parse_error(63, ' '), HasSubstr("dataset name ' ' is not valid"));

  header.protocol = mpc::ProtocolKind::kDealer2pc;  // node 2 is the dealer
  EXPECT_THAT(ShareFileHeader::Parse(header.Serialize(), &size).status().message(),
              HasSubstr("node 2 holds no parts under dealer2pc"));
}

// A file opened by the wrong node, or for the wrong upload, is refused before decryption
// with an error that names the mismatch.
TEST(ShareFileTest, MisroutedFilesAreRefusedByName) {
  const Uploaded up = Upload(mpc::ProtocolKind::kRep3, Table());
  const Bytes& file0 = up.files.at(0);

  Result<NodeShares> at_node1 = Open(up, 1, file0);
  EXPECT_EQ(at_node1.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(at_node1.status().message(),
              HasSubstr("share file is for node 0, not this node (1)"));

  ExpectedShareFile other = Expected(up, 0);
  other.dataset = "clinic-b";
  EXPECT_THAT(
      OpenShareFile(file0, up.keys[0].private_key, other).status().message(),
      HasSubstr("share file is for dataset 'clinic-a' version 3, not 'clinic-b' version 3"));
  other = Expected(up, 0);
  other.version = 4;
  EXPECT_THAT(OpenShareFile(file0, up.keys[0].private_key, other).status().message(),
              HasSubstr("not 'clinic-a' version 4"));
  other = Expected(up, 0);
  other.protocol = mpc::ProtocolKind::kDealer2pc;
  EXPECT_THAT(
      OpenShareFile(file0, up.keys[0].private_key, other).status().message(),
      HasSubstr("share file holds rep3 shares, but the upload is registered for dealer2pc"));
  other = Expected(up, 0);
  other.schema_hash[0] ^= 1;
  EXPECT_THAT(OpenShareFile(file0, up.keys[0].private_key, other).status().message(),
              HasSubstr("differs from the registered schema's"));
}

// The header is the ciphertext's associated data: rewriting it to pass a node's checks (even
// with one key shared by every node) breaks authentication, as does any change to the stream.
TEST(ShareFileTest, TamperedFilesDoNotAuthenticate) {
  const EncodedTable table = Table();
  Uploaded up;
  up.spec = {"clinic-a", 3, mpc::ProtocolKind::kDealer2pc, fxp::kDefaultFracBits, {}};
  const hpke::KeyPair shared_key = hpke::GenerateKeyPair();
  up.keys = {shared_key, shared_key};
  up.spec.node_keys = {shared_key.public_key, shared_key.public_key};
  ASSERT_TRUE(WriteShareFiles(up.spec, Schema(), table, [&](int node, ByteView bytes) {
                Bytes& file = up.files[node];
                file.insert(file.end(), bytes.begin(), bytes.end());
                return OkStatus();
              }).ok());
  const Bytes& file0 = up.files.at(0);
  ASSERT_TRUE(Open(up, 0, file0).ok());

  const auto expect_refused = [&](const Bytes& file, const ExpectedShareFile& expected,
                                  const std::string& what) {
    Result<NodeShares> opened = OpenShareFile(file, shared_key.private_key, expected);
    ASSERT_FALSE(opened.ok()) << what;
    EXPECT_EQ(opened.status().code(), StatusCode::kDataLoss) << what;
    EXPECT_THAT(opened.status().message(), StartsWith("share file for dataset")) << what;
    EXPECT_THAT(opened.status().message(), HasSubstr("does not authenticate")) << what;
  };

  Bytes replayed = file0;
  replayed[7] = 1;  // node index 0 -> 1: node 0's shares replayed to node 1
  expect_refused(replayed, Expected(up, 1), "replayed to another node");

  ExpectedShareFile other_dataset = Expected(up, 0);
  other_dataset.dataset = "clinic-b";
  Bytes renamed = file0;
  renamed[kShareFileFixedHeader + 7] = 'b';  // "clinic-a" -> "clinic-b"
  expect_refused(renamed, other_dataset, "replayed to another dataset");

  ExpectedShareFile other_version = Expected(up, 0);
  other_version.version = 4;
  Bytes reversioned = file0;
  reversioned[9] = 4;
  expect_refused(reversioned, other_version, "replayed to another version");

  Bytes flipped = file0;
  flipped[flipped.size() - 20] ^= 0x01;  // a ciphertext byte
  expect_refused(flipped, Expected(up, 0), "a flipped ciphertext byte");

  const Bytes truncated(file0.begin(), file0.end() - 1);  // the last tag cut short
  Result<NodeShares> short_file = Open(up, 0, truncated);
  EXPECT_EQ(short_file.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(short_file.status().message(), HasSubstr("does not authenticate"));

  // A header that claims more rows than the file holds is refused before any allocation.
  Bytes inflated = file0;
  inflated[17 + 5] = 1;  // rows += 2^40
  Result<NodeShares> big = Open(up, 0, inflated);
  EXPECT_EQ(big.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(big.status().message(), HasSubstr("share file is truncated: its header declares"));

  // With distinct node keys, node 1 cannot open node 0's file even if its header is rewritten.
  const Uploaded distinct = Upload(mpc::ProtocolKind::kDealer2pc, table);
  Bytes redirected = distinct.files.at(0);
  redirected[7] = 1;
  Result<NodeShares> wrong_key = Open(distinct, 1, redirected);
  EXPECT_EQ(wrong_key.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(wrong_key.status().message(), HasSubstr("does not authenticate"));
}

TEST(ShareFileTest, WriterRefusesBadSpecs) {
  const EncodedTable table = Table();
  const auto sink = [](int, ByteView) { return OkStatus(); };
  UploadSpec spec = {"clinic a",
                     1,
                     mpc::ProtocolKind::kDealer2pc,
                     18,
                     {hpke::GenerateKeyPair().public_key, hpke::GenerateKeyPair().public_key}};
  EXPECT_THAT(WriteShareFiles(spec, Schema(), table, sink).message(),
              HasSubstr("dataset name 'clinic a' is not valid"));
  spec.dataset = "clinic-a";
  spec.node_keys.pop_back();
  EXPECT_THAT(WriteShareFiles(spec, Schema(), table, sink).message(),
              HasSubstr("dealer2pc needs the keys of 2 nodes, got 1"));
  spec.protocol = mpc::ProtocolKind::kPlaintext;
  EncodedTable narrow = table;
  narrow.columns.pop_back();
  EXPECT_THAT(WriteShareFiles(spec, Schema(), narrow, sink).message(),
              HasSubstr("the table has 3 rows and 3 columns; the schema has 4 columns"));
  // A failing sink stops the upload with its error.
  EXPECT_THAT(WriteShareFiles(spec, Schema(), table,
                              [](int, ByteView) { return UnavailableError("disk full"); })
                  .message(),
              HasSubstr("disk full"));
}

TEST(ShareFileTest, BodyMustHaveTheDeclaredSize) {
  ShareFileHeader header;
  header.protocol = mpc::ProtocolKind::kRep3;
  header.node = 1;
  header.rows = 2;
  header.columns = 3;
  header.dataset = "d";
  Bytes body(96, 0x11);  // 2 rows · 3 columns · 2 parts · 8 bytes
  Result<std::vector<mpc::Shared>> columns = ParseShareBody(header, body);
  ASSERT_TRUE(columns.ok()) << columns.status().ToString();
  ASSERT_EQ(columns->size(), 3u);
  EXPECT_EQ((*columns)[2].parts().size(), 2u);
  body.pop_back();
  EXPECT_THAT(ParseShareBody(header, body).status().message(),
              HasSubstr("the body has 95 bytes, its header declares 96"));
}

}  // namespace
}  // namespace arca::client
