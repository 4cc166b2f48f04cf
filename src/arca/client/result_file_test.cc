#include "arca/client/result_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "arca/crypto/hpke.h"
#include "arca/mpc/result_shares.h"

namespace arca::client {
namespace {

using mpc::ProtocolKind;
using mpc::RingTensor;
using mpc::Shape;
using ::testing::HasSubstr;

constexpr int kFrac = 18;

std::string KindName(const ::testing::TestParamInfo<ProtocolKind>& info) {
  return std::string(mpc::ProtocolKindName(info.param));
}

// Random parts of `value` for each sending party of `kind`.
std::vector<RingTensor> SplitParts(ProtocolKind kind, const RingTensor& value, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const size_t n = mpc::ResultParties(kind).size();
  std::vector<RingTensor> parts;
  RingTensor last = value;
  for (size_t p = 0; p + 1 < n; ++p) {
    RingTensor part(value.shape());
    for (int64_t i = 0; i < value.numel(); ++i) {
      part.data()[i] = rng();
      last.data()[i] -= part[i];
    }
    parts.push_back(std::move(part));
  }
  parts.push_back(std::move(last));
  return parts;
}

class ResultFileTest : public ::testing::TestWithParam<ProtocolKind> {
 protected:
  // Every sending party's file of job `job`: a mean (fixed point), a count (integer) and five
  // predictions without labels.
  std::vector<Bytes> Files(ProtocolKind kind, int64_t job = 12) const {
    const std::vector<double> mean = {41.25};
    const RingTensor mean_ring =
        RingTensor::FromSigned(Shape{1}, {std::llround(41.25 * (1 << kFrac))});
    const RingTensor count = RingTensor::FromSigned(Shape{1}, {9012});
    const RingTensor predictions =
        RingTensor::FromSigned(Shape{5}, {0, 1 << kFrac, -(3 << (kFrac - 1)), 7, -1});
    const std::vector<RingTensor> mean_parts = SplitParts(kind, mean_ring, 1);
    const std::vector<RingTensor> count_parts = SplitParts(kind, count, 2);
    const std::vector<RingTensor> prediction_parts = SplitParts(kind, predictions, 3);
    std::vector<Bytes> files;
    const std::vector<int> senders = mpc::ResultParties(kind);
    for (size_t i = 0; i < senders.size(); ++i) {
      ResultFileHeader header{job,
                              senders[i],
                              kind,
                              {{"mean_age", {"mean"}, 1, kFrac, {}},
                               {"hypertensive, count", {"patients"}, 1, 0, {}},
                               {"risk", {}, 5, kFrac, {}}}};
      Result<Bytes> file = WriteResultFile(
          header, {mean_parts[i], count_parts[i], prediction_parts[i]}, key_.public_key);
      EXPECT_TRUE(file.ok()) << file.status().ToString();
      files.push_back(*std::move(file));
    }
    return files;
  }

  crypto::hpke::KeyPair key_ = crypto::hpke::GenerateKeyPair();
};

TEST_P(ResultFileTest, TheConsumerCombinesEveryNodesFileIntoTheValues) {
  std::vector<Bytes> files = Files(GetParam());
  std::reverse(files.begin(), files.end());  // any order
  Result<std::vector<NamedOutput>> outputs = CombineResultFiles(files, key_.private_key);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  ASSERT_EQ(outputs->size(), 3u);
  EXPECT_EQ((*outputs)[0].values, std::vector<double>{41.25});
  EXPECT_EQ((*outputs)[1].values, std::vector<double>{9012});
  EXPECT_EQ((*outputs)[2].values,
            (std::vector<double>{0, 1, -1.5, 7.0 / (1 << kFrac), -1.0 / (1 << kFrac)}));
  EXPECT_EQ(ResultCsv(*outputs),
            "name,label,value\r\n"
            "mean_age,mean,41.25\r\n"
            "\"hypertensive, count\",patients,9012\r\n"
            "risk,0,0\r\nrisk,1,1\r\nrisk,2,-1.5\r\n"
            "risk,3,2.6702880859375e-05\r\nrisk,4,-3.814697265625e-06\r\n");
}

TEST_P(ResultFileTest, AnyChangedByteIsRefused) {
  const std::vector<Bytes> files = Files(GetParam());
  std::mt19937_64 rng(5);
  for (size_t f = 0; f < files.size(); ++f) {
    for (size_t at = 0; at < files[f].size(); at += 1 + rng() % 7) {
      std::vector<Bytes> changed = files;
      changed[f][at] ^= static_cast<uint8_t>(1 + rng() % 255);
      EXPECT_FALSE(CombineResultFiles(changed, key_.private_key).ok())
          << "file " << f << " byte " << at;
    }
    std::vector<Bytes> cut = files;
    cut[f].pop_back();
    EXPECT_EQ(CombineResultFiles(cut, key_.private_key).status().code(), StatusCode::kDataLoss);
  }
}

TEST_P(ResultFileTest, MixedUpFilesAreRefused) {
  const ProtocolKind kind = GetParam();
  const std::vector<Bytes> files = Files(kind);
  const std::vector<Bytes> other_job = Files(kind, 13);
  if (files.size() > 1) {
    EXPECT_THAT(CombineResultFiles({files[0], other_job[1]}, key_.private_key).status().message(),
                HasSubstr("do not belong together"));
    EXPECT_THAT(CombineResultFiles({files[0], files[0]}, key_.private_key).status().message(),
                HasSubstr("needs one result file from each of parties"));
    EXPECT_THAT(CombineResultFiles({files[1]}, key_.private_key).status().message(),
                HasSubstr("needs one result file from each of parties"));
  }
  const crypto::hpke::KeyPair stranger = crypto::hpke::GenerateKeyPair();
  EXPECT_EQ(CombineResultFiles(files, stranger.private_key).status().code(), StatusCode::kDataLoss);
}

TEST_P(ResultFileTest, AReleasedTableReadsBackByItsLayout) {
  const ProtocolKind kind = GetParam();
  // Two rows, the second invalid (released as zeros): site (categorical), mean (decimal,
  // nullable), then the validity and one notice.
  frame::TableLayout layout{2, kFrac, {}, {"groups suppressed (fewer than 5 rows)"}};
  layout.columns.push_back({{"site", frame::ColumnType::kCategorical, {"north", "south"}}, false});
  layout.columns.push_back({{"mean", frame::ColumnType::kDecimal, {}}, true});
  ASSERT_EQ(layout.Elements(), 9);
  const RingTensor flat =
      RingTensor::FromSigned(Shape{9}, {1, 0, std::llround(2.5 * (1 << kFrac)), 0, 1, 0, 1, 0, 3});
  const std::vector<RingTensor> parts = SplitParts(kind, flat, 4);
  std::vector<Bytes> files;
  const std::vector<int> senders = mpc::ResultParties(kind);
  for (size_t i = 0; i < senders.size(); ++i) {
    ResultOutputInfo info{"by_site", {}, 9, kFrac, layout};
    Result<Bytes> file =
        WriteResultFile({7, senders[i], kind, {info}}, {parts[i]}, key_.public_key);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    files.push_back(*std::move(file));
  }
  Result<std::vector<NamedOutput>> outputs = CombineResultFiles(files, key_.private_key);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  ASSERT_TRUE(outputs->at(0).table.has_value());
  const frame::PlainTable& table = *outputs->at(0).table;
  EXPECT_EQ(table.valid, (std::vector<bool>{true, false}));
  EXPECT_EQ(table.columns[0].values[0], 1);
  EXPECT_EQ(table.columns[1].values[0], 2.5);
  EXPECT_EQ(table.columns[1].present, (std::vector<bool>{true, false}));
  EXPECT_EQ(table.notices.at(0).second, 3);
  EXPECT_EQ(ResultCsv(*outputs),
            "name,label,value\r\nby_site,site[0],south\r\nby_site,mean[0],2.5\r\n"
            "by_site,notice:groups suppressed (fewer than 5 rows),3\r\n");
}

TEST(ResultFileHeaderTest, ATableLayoutMustHoldTheOutputsElements) {
  ResultFileHeader header{1, 0, ProtocolKind::kDealer2pc, {{"t", {}, 4, kFrac, {}}}};
  header.outputs[0].table =
      frame::TableLayout{2, kFrac, {{{"x", frame::ColumnType::kDecimal, {}}, false}}, {}};
  EXPECT_TRUE(header.Serialize().ok());
  header.outputs[0].count = 5;
  EXPECT_THAT(header.Serialize().status().message(),
              HasSubstr("its table's layout does not hold 5 elements"));
}

INSTANTIATE_TEST_SUITE_P(AllProtocols, ResultFileTest,
                         ::testing::Values(ProtocolKind::kPlaintext, ProtocolKind::kDealer2pc,
                                           ProtocolKind::kRep3),
                         KindName);

TEST(ResultFileHeaderTest, HeadersAreChecked) {
  size_t size = 0;
  ResultFileHeader header{1, 2, ProtocolKind::kDealer2pc, {{"x", {}, 1, 0, {}}}};
  EXPECT_THAT(header.Serialize().status().message(), HasSubstr("party 2 sends no result"));
  header.party = 0;
  header.outputs.push_back({"x", {}, 1, 0, {}});
  EXPECT_THAT(header.Serialize().status().message(), HasSubstr("appears twice"));
  header.outputs[1] = {"y", {"a"}, 2, 0, {}};
  EXPECT_THAT(header.Serialize().status().message(), HasSubstr("1 labels for 2 values"));
  header.outputs[1] = {"y", {}, 2, 63, {}};
  EXPECT_THAT(header.Serialize().status().message(), HasSubstr("'frac_bits' must be 0..62"));
  header.outputs[1].frac_bits = 0;
  const Bytes bytes = *header.Serialize();
  EXPECT_TRUE(ResultFileHeader::Parse(bytes, &size).ok());
  EXPECT_EQ(size, bytes.size());
  EXPECT_THAT(ResultFileHeader::Parse(ByteView(bytes).first(12), &size).status().message(),
              HasSubstr("truncated"));
}

}  // namespace
}  // namespace arca::client
