#include "arca/node/share_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "arca/base/test_dir.h"
#include "arca/crypto/hash.h"

namespace arca::node {
namespace {

using ::testing::HasSubstr;

tee::SealingKey KeyFor(std::string_view measurement) {
  const Bytes secret(32, 7);
  return *tee::SealingKey::Derive(secret, AsBytes(measurement), "node store");
}

Bytes Random(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes out(n);
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

Bytes ReadAll(const std::string& path) { return *ReadFileBytes(path); }

void WriteAll(const std::string& path, const Bytes& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

class ShareStoreTest : public ::testing::Test {
 protected:
  ShareStoreTest() {
    dir_ = arca::testing::FreshTestDir("share_store_test");
    store_ = *ShareStore::Open(dir_, KeyFor("program A"));
  }

  static BlobInfo Dataset() {
    BlobInfo info;
    info.kind = BlobKind::kDataset;
    info.name = "clinic-a";
    info.version = 3;
    info.protocol = mpc::ProtocolKind::kRep3;
    info.owner_key = Bytes(32, 0xab);
    return info;
  }

  std::string PathOf(const std::string& location, const char* suffix) const {
    return dir_ + "/" + location.substr(5) + suffix;
  }

  size_t FileCount() const {
    return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir_),
                                             std::filesystem::directory_iterator()));
  }

  std::string dir_;
  std::unique_ptr<ShareStore> store_;
};

// Sizes around the record boundary, so that records of every fill (and an empty blob) occur.
TEST_F(ShareStoreTest, BlobsComeBackAsPutWithTheirMetadata) {
  for (const size_t size : {size_t{0}, size_t{1}, kRecordBytes - 1, kRecordBytes, kRecordBytes + 1,
                            2 * kRecordBytes + 12345}) {
    const Bytes bytes = Random(size, size);
    Result<StoredBlob> stored = store_->Put(Dataset(), bytes);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_TRUE(CheckLocation(stored->location).ok());
    EXPECT_EQ(stored->info.sha256, crypto::Sha256(bytes));
    EXPECT_EQ(*store_->Get(stored->location), bytes) << "size " << size;
    const BlobInfo info = *store_->Info(stored->location);
    EXPECT_EQ(info.name, "clinic-a");
    EXPECT_EQ(info.version, 3u);
    EXPECT_EQ(info.protocol, mpc::ProtocolKind::kRep3);
    EXPECT_EQ(info.owner_key, Bytes(32, 0xab));
    EXPECT_EQ(info.size, size);
    EXPECT_EQ(info.sha256, crypto::Sha256(bytes));
  }
  EXPECT_EQ(store_->List()->size(), 6u);
}

TEST_F(ShareStoreTest, ThePlaintextNeverReachesTheDisk) {
  const Bytes bytes(3 * kRecordBytes, 'x');
  const std::string location = store_->Put(Dataset(), bytes)->location;
  const Bytes data = ReadAll(PathOf(location, ".data"));
  const std::string text(data.begin(), data.end());
  EXPECT_EQ(text.find("xxxxxxxx"), std::string::npos);
  const Bytes meta = ReadAll(PathOf(location, ".meta"));
  EXPECT_EQ(std::string(meta.begin(), meta.end()).find("clinic-a"), std::string::npos);
}

TEST_F(ShareStoreTest, ATamperedBlobIsRefusedAndLeftUntouched) {
  const Bytes bytes = Random(2 * kRecordBytes + 10, 1);
  const std::string location = store_->Put(Dataset(), bytes)->location;
  const std::string data_path = PathOf(location, ".data");
  for (const size_t offset : {size_t{2}, size_t{100}, kRecordBytes + 500}) {
    Bytes data = ReadAll(data_path);
    const Bytes original = data;
    data[offset] ^= 1;
    WriteAll(data_path, data);
    const Result<Bytes> got = store_->Get(location);
    EXPECT_EQ(got.status().code(), StatusCode::kDataLoss) << "offset " << offset;
    EXPECT_THAT(got.status().message(), HasSubstr("does not authenticate"));
    EXPECT_EQ(ReadAll(data_path), data) << "the refused blob was changed";
    WriteAll(data_path, original);
  }
  // Cut off after the first record; with its last record dropped; with a record appended.
  const Bytes data = ReadAll(data_path);
  const size_t first = 4 + (size_t{data[0]} | size_t{data[1]} << 8 | size_t{data[2]} << 16);
  for (const Bytes& changed : {Bytes(data.begin(), data.begin() + static_cast<ptrdiff_t>(first)),
                               Bytes(data.begin(), data.end() - 3)}) {
    WriteAll(data_path, changed);
    EXPECT_EQ(store_->Get(location).status().code(), StatusCode::kDataLoss);
  }
  Bytes longer = data;
  longer.insert(longer.end(), data.begin(), data.begin() + static_cast<ptrdiff_t>(first));
  WriteAll(data_path, longer);
  EXPECT_EQ(store_->Get(location).status().code(), StatusCode::kDataLoss);
  WriteAll(data_path, data);
  EXPECT_EQ(*store_->Get(location), bytes);
}

TEST_F(ShareStoreTest, RecordsCannotMoveBetweenBlobs) {
  const Bytes a = Random(100, 1), b = Random(100, 2);
  const std::string la = store_->Put(Dataset(), a)->location;
  const std::string lb = store_->Put(Dataset(), b)->location;
  WriteAll(PathOf(la, ".data"), ReadAll(PathOf(lb, ".data")));
  EXPECT_EQ(store_->Get(la).status().code(), StatusCode::kDataLoss);
  WriteAll(PathOf(la, ".meta"), ReadAll(PathOf(lb, ".meta")));
  EXPECT_THAT(store_->Info(la).status().message(), HasSubstr("metadata of another blob"));
}

TEST_F(ShareStoreTest, AnotherProgramCannotReadTheStore) {
  const std::string location = store_->Put(Dataset(), Random(1000, 3))->location;
  std::unique_ptr<ShareStore> foreign = *ShareStore::Open(dir_, KeyFor("program B"));
  EXPECT_EQ(foreign->Get(location).status().code(), StatusCode::kDataLoss);
  const std::vector<StoredBlob> listed = *foreign->List();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].status.code(), StatusCode::kDataLoss);
  // Refused, not removed: the right program still reads it.
  EXPECT_TRUE(store_->Get(location).ok());
}

TEST_F(ShareStoreTest, DestroyRemovesTheBlobAndMayBeRepeated) {
  const std::string keep = store_->Put(Dataset(), Random(10, 4))->location;
  const std::string location = store_->Put(Dataset(), Random(kRecordBytes + 1, 5))->location;
  ASSERT_TRUE(store_->Destroy(location).ok());
  EXPECT_FALSE(std::filesystem::exists(PathOf(location, ".data")));
  EXPECT_FALSE(std::filesystem::exists(PathOf(location, ".meta")));
  EXPECT_EQ(store_->Get(location).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->Destroy(location).ok());
  EXPECT_EQ(store_->List()->size(), 1u);
  EXPECT_TRUE(store_->Get(keep).ok());
}

TEST_F(ShareStoreTest, AnUnfinishedWriteLeavesNothing) {
  {
    std::unique_ptr<BlobWriter> writer = *store_->Begin();
    ASSERT_TRUE(writer->Append(Random(kRecordBytes * 2, 6)).ok());
  }
  EXPECT_EQ(FileCount(), 0u);
  // A crash after the data landed but before its metadata: the next Open removes it.
  const std::string location = store_->Put(Dataset(), Random(10, 7))->location;
  std::filesystem::remove(PathOf(location, ".meta"));
  WriteAll(dir_ + "/0123.meta.tmp-abcdef", Bytes(5, 1));
  store_ = *ShareStore::Open(dir_, KeyFor("program A"));
  EXPECT_EQ(FileCount(), 0u);
}

TEST_F(ShareStoreTest, LocationsAreChecked) {
  for (const char* bad :
       {"", "blob:", "blob:../../etc/passwd", "file:0123456789abcdef0123456789abcdef",
        "blob:0123456789ABCDEF0123456789ABCDEF"}) {
    EXPECT_EQ(store_->Get(bad).status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(store_->Destroy(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(store_->Get("blob:0123456789abcdef0123456789abcdef").status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace arca::node
