#include "arca/net/frame.h"

#include <gtest/gtest.h>

namespace arca::net {
namespace {

TEST(FrameTest, HeaderRoundTrips) {
  const MessageTag tag{123456, 7, Traffic::kPreprocessing};
  const FrameHeader h = EncodeHeader(FrameKind::kData, tag, 4096);
  Result<DecodedHeader> d = DecodeHeader(h);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->kind, FrameKind::kData);
  EXPECT_EQ(d->tag, tag);
  EXPECT_EQ(d->payload_bytes, 4096u);
}

TEST(FrameTest, RejectsEveryMalformedField) {
  const FrameHeader good = EncodeHeader(FrameKind::kData, {1, 0, Traffic::kOnline}, 8);
  FrameHeader bad_magic = good;
  bad_magic[0] ^= 1;
  FrameHeader bad_kind = good;
  bad_kind[4] = 9;
  FrameHeader bad_traffic = good;
  bad_traffic[5] = 2;
  FrameHeader reserved = good;
  reserved[13] = 1;
  const FrameHeader too_long =
      EncodeHeader(FrameKind::kData, {1, 0, Traffic::kOnline}, kMaxPayloadBytes + 1);
  for (const FrameHeader& h : {bad_magic, bad_kind, bad_traffic, reserved, too_long}) {
    Result<DecodedHeader> d = DecodeHeader(h);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), StatusCode::kDataLoss);
  }
  EXPECT_NE(DecodeHeader(too_long).status().message().find("exceeds the limit"), std::string::npos);
}

TEST(FrameTest, AbortNoticeRoundTripsAndTruncationIsRefused) {
  const AbortNotice notice{2, "fxp.sigmoid > less_than", OutOfRangeError("input too large")};
  const Buffer encoded = EncodeAbort(notice);
  Result<AbortNotice> decoded = DecodeAbort(encoded);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->origin_party, 2);
  EXPECT_EQ(decoded->operation, notice.operation);
  EXPECT_EQ(decoded->error, notice.error);
  for (size_t cut = 0; cut < encoded.size(); ++cut) {
    const Buffer truncated = Buffer::CopyOf(encoded.bytes().first(cut));
    EXPECT_FALSE(DecodeAbort(truncated).ok()) << "cut at " << cut;
  }
}

TEST(FrameTest, HelloRoundTripsAndRejectsNonsense) {
  const Hello hello{0xfeedbeef, 1, 3};
  Result<Hello> decoded = DecodeHello(EncodeHello(hello));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->session, hello.session);
  EXPECT_EQ(decoded->party, 1);
  EXPECT_EQ(decoded->parties, 3);
  EXPECT_FALSE(DecodeHello(EncodeHello(Hello{1, 3, 3})).ok());  // party out of range
}

}  // namespace
}  // namespace arca::net
