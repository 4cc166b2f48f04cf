#include "arca/crypto/hpke.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace arca::crypto::hpke {
namespace {

using ::testing::HasSubstr;

Bytes Hex(const std::string& hex) { return FromHex(hex).value(); }

struct Encryption {
  uint64_t seq;
  std::string aad, nonce, ct;
};
struct Exported {
  std::string context;
  size_t length;
  std::string value;
};
struct Vector {
  const char* name;
  AeadId aead;
  std::string info, ikm_e, pk_em, sk_em, ikm_r, pk_rm, sk_rm, enc, shared_secret, key, base_nonce,
      exporter_secret, pt;
  std::vector<Encryption> encryptions;
  std::vector<Exported> exports;
};

// RFC 9180 appendix A.1.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM) and A.2.1
// (... ChaCha20Poly1305), base setup: every value, encryption and export listed there,
// transcribed from the RFC's source text (draft-irtf-cfrg-hpke.md in the
// github.com/cfrg/draft-irtf-cfrg-hpke repository, whose appendix is the RFC's).
std::vector<Vector> Rfc9180Vectors() {
  return {
      {"A.1.1",
       AeadId::kAes128Gcm,
       /*info=*/"4f6465206f6e2061204772656369616e2055726e",
       /*ikmE=*/"7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234",
       /*pkEm=*/"37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
       /*skEm=*/"52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736",
       /*ikmR=*/"6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037",
       /*pkRm=*/"3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d",
       /*skRm=*/"4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8",
       /*enc=*/"37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
       /*shared_secret=*/"fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc",
       /*key=*/"4531685d41d65f03dc48f6b8302c05b0",
       /*base_nonce=*/"56d890e5accaaf011cff4b7d",
       /*exporter_secret=*/"45ff1c2e220db587171952c0592d5f5ebe103f1561a2614e38f2ffd47e99e3f8",
       /*pt=*/"4265617574792069732074727574682c20747275746820626561757479",
       /*encryptions=*/
       {
           {0, "436f756e742d30", "56d890e5accaaf011cff4b7d",
            "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a9"
            "6d8770ac83d07bea87e13c512a"},
           {1, "436f756e742d31", "56d890e5accaaf011cff4b7c",
            "af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab25"
            "1c03d0c22a56b8ca42c2063b84"},
           {2, "436f756e742d32", "56d890e5accaaf011cff4b7f",
            "498dfcabd92e8acedc281e85af1cb4e3e31c7dc394a1ca20e173cb7251649158"
            "8d96a19ad4a683518973dcc180"},
           {4, "436f756e742d34", "56d890e5accaaf011cff4b79",
            "583bd32bc67a5994bb8ceaca813d369bca7b2a42408cddef5e22f880b631215a"
            "09fc0012bc69fccaa251c0246d"},
           {255, "436f756e742d323535", "56d890e5accaaf011cff4b82",
            "7175db9717964058640a3a11fb9007941a5d1757fda1a6935c805c21af32505b"
            "f106deefec4a49ac38d71c9e0a"},
           {256, "436f756e742d323536", "56d890e5accaaf011cff4a7d",
            "957f9800542b0b8891badb026d79cc54597cb2d225b54c00c5238c25d05c30e3"
            "fbeda97d2e0e1aba483a2df9f2"},
       },
       /*exports=*/
       {
           {"", 32, "3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee"},
           {"00", 32, "2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5"},
           {"54657374436f6e74657874", 32,
            "e9e43065102c3836401bed8c3c3c75ae46be1639869391d62c61f1ec7af54931"},
       }},
      {"A.2.1",
       AeadId::kChaCha20Poly1305,
       /*info=*/"4f6465206f6e2061204772656369616e2055726e",
       /*ikmE=*/"909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b",
       /*pkEm=*/"1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
       /*skEm=*/"f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600",
       /*ikmR=*/"1ac01f181fdf9f352797655161c58b75c656a6cc2716dcb66372da835542e1df",
       /*pkRm=*/"4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a",
       /*skRm=*/"8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb",
       /*enc=*/"1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
       /*shared_secret=*/"0bbe78490412b4bbea4812666f7916932b828bba79942424abb65244930d69a7",
       /*key=*/"ad2744de8e17f4ebba575b3f5f5a8fa1f69c2a07f6e7500bc60ca6e3e3ec1c91",
       /*base_nonce=*/"5c4d98150661b848853b547f",
       /*exporter_secret=*/"a3b010d4994890e2c6968a36f64470d3c824c8f5029942feb11e7a74b2921922",
       /*pt=*/"4265617574792069732074727574682c20747275746820626561757479",
       /*encryptions=*/
       {
           {0, "436f756e742d30", "5c4d98150661b848853b547f",
            "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db"
            "21993c62ce81883d2dd1b51a28"},
           {1, "436f756e742d31", "5c4d98150661b848853b547e",
            "6b53c051e4199c518de79594e1c4ab18b96f081549d45ce015be002090bb119e"
            "85285337cc95ba5f59992dc98c"},
           {2, "436f756e742d32", "5c4d98150661b848853b547d",
            "71146bd6795ccc9c49ce25dda112a48f202ad220559502cef1f34271e0cb4b02"
            "b4f10ecac6f48c32f878fae86b"},
           {4, "436f756e742d34", "5c4d98150661b848853b547b",
            "63357a2aa291f5a4e5f27db6baa2af8cf77427c7c1a909e0b37214dd47db122b"
            "b153495ff0b02e9e54a50dbe16"},
           {255, "436f756e742d323535", "5c4d98150661b848853b5480",
            "18ab939d63ddec9f6ac2b60d61d36a7375d2070c9b683861110757062c52b888"
            "0a5f6b3936da9cd6c23ef2a95c"},
           {256, "436f756e742d323536", "5c4d98150661b848853b557f",
            "7a4a13e9ef23978e2c520fd4d2e757514ae160cd0cd05e556ef692370ca53076"
            "214c0c40d4c728d6ed9e727a5b"},
       },
       /*exports=*/
       {
           {"", 32, "4bbd6243b8bb54cec311fac9df81841b6fd61f56538a775e7c80a9f40160606e"},
           {"00", 32, "8c1df14732580e5501b00f82b10a1647b40713191b7c1240ac80e2b68808ba69"},
           {"54657374436f6e74657874", 32,
            "5acb09211139c43b3090489a9da433e8a30ee7188ba8b0a9a1ccf0c229283e53"},
       }},
  };
}

TEST(HpkeTest, MatchesRfc9180Vectors) {
  for (const Vector& v : Rfc9180Vectors()) {
    SCOPED_TRACE(v.name);
    const KeyPair ephemeral = DeriveKeyPair(Hex(v.ikm_e)).value();
    EXPECT_EQ(ToHex(ephemeral.private_key), v.sk_em);
    EXPECT_EQ(ToHex(ephemeral.public_key), v.pk_em);
    const KeyPair recipient = DeriveKeyPair(Hex(v.ikm_r)).value();
    EXPECT_EQ(ToHex(recipient.private_key), v.sk_rm);
    EXPECT_EQ(ToHex(recipient.public_key), v.pk_rm);

    const Encapsulation encapsulation = Encap(recipient.public_key, ephemeral).value();
    EXPECT_EQ(ToHex(encapsulation.enc), v.enc);
    EXPECT_EQ(ToHex(encapsulation.shared_secret), v.shared_secret);
    EXPECT_EQ(ToHex(Decap(encapsulation.enc, recipient.private_key).value()), v.shared_secret);

    const KeyScheduleOutput schedule =
        KeySchedule(v.aead, Hex(v.shared_secret), Hex(v.info)).value();
    EXPECT_EQ(ToHex(schedule.key), v.key);
    EXPECT_EQ(ToHex(schedule.base_nonce), v.base_nonce);
    EXPECT_EQ(ToHex(schedule.exporter_secret), v.exporter_secret);

    SenderSetup sender = SetupBaseS(recipient.public_key, Hex(v.info), v.aead, ephemeral).value();
    EXPECT_EQ(ToHex(sender.enc), v.enc);
    RecipientContext recipient_context =
        SetupBaseR(sender.enc, recipient.private_key, Hex(v.info), v.aead).value();

    // Seal every sequence number in turn, as the RFC did, and compare those it lists.
    std::map<uint64_t, const Encryption*> listed;
    for (const Encryption& e : v.encryptions) listed[e.seq] = &e;
    for (uint64_t seq = 0; seq <= listed.rbegin()->first; ++seq) {
      const std::string aad = "Count-" + std::to_string(seq);
      ASSERT_EQ(sender.context.sequence_number(), seq);
      const Bytes ct = sender.context.Seal(AsBytes(aad), Hex(v.pt)).value();
      const Result<Bytes> pt = recipient_context.Open(AsBytes(aad), ct);
      ASSERT_TRUE(pt.ok()) << pt.status().ToString();
      EXPECT_EQ(ToHex(*pt), v.pt);
      const auto it = listed.find(seq);
      if (it == listed.end()) continue;
      SCOPED_TRACE("sequence number " + std::to_string(seq));
      EXPECT_EQ(ToHex(AsBytes(aad)), it->second->aad);
      EXPECT_EQ(ToHex(ct), it->second->ct);
    }
    // The listed nonces are base_nonce XOR the sequence number; a fresh recipient context set
    // to each listed sequence number opens the listed ciphertext.
    for (const Encryption& e : v.encryptions) {
      Bytes nonce = Hex(v.base_nonce);
      for (size_t i = 0; i < 8; ++i) nonce[11 - i] ^= static_cast<uint8_t>(e.seq >> (8 * i));
      EXPECT_EQ(ToHex(nonce), e.nonce);
      RecipientContext fresh = SetupBaseR(Hex(v.enc), Hex(v.sk_rm), Hex(v.info), v.aead).value();
      fresh.SetSequenceNumberForTesting(e.seq);
      EXPECT_EQ(ToHex(fresh.Open(Hex(e.aad), Hex(e.ct)).value()), v.pt);
    }
    for (const Exported& x : v.exports) {
      EXPECT_EQ(ToHex(sender.context.Export(Hex(x.context), x.length).value()), x.value);
      EXPECT_EQ(ToHex(recipient_context.Export(Hex(x.context), x.length).value()), x.value);
    }
  }
}

// RFC 7748 section 6.1: the Diffie-Hellman example between Alice and Bob.
TEST(X25519Test, MatchesRfc7748Example) {
  const Bytes alice = Hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const Bytes bob = Hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  const X25519Key alice_public = X25519PublicKey(alice).value();
  const X25519Key bob_public = X25519PublicKey(bob).value();
  EXPECT_EQ(ToHex(alice_public),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(ToHex(bob_public), "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  const std::string shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
  EXPECT_EQ(ToHex(X25519(alice, bob_public).value()), shared);
  EXPECT_EQ(ToHex(X25519(bob, alice_public).value()), shared);
}

TEST(X25519Test, RefusesSmallOrderPointsAndWrongSizes) {
  const X25519KeyPair pair = GenerateX25519KeyPair();
  EXPECT_EQ(X25519PublicKey(pair.private_key).value(), pair.public_key);
  // 0 and 1 are points of small order: the shared secret would be all zeros.
  X25519Key one{};
  one[0] = 1;
  EXPECT_EQ(X25519(pair.private_key, X25519Key{}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(X25519(pair.private_key, one).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(X25519(pair.private_key, Bytes(31)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(X25519PublicKey(Bytes(33)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(GenerateX25519KeyPair().private_key, pair.private_key);
}

constexpr AeadId kAeads[] = {AeadId::kAes128Gcm, AeadId::kChaCha20Poly1305};

void ExpectDataLoss(const Status& status, const std::string& message_part) {
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  EXPECT_THAT(status.message(), HasSubstr(message_part));
}

TEST(HpkeTest, SingleShotRoundTripAndRefusals) {
  const KeyPair recipient = GenerateKeyPair();
  const KeyPair other = GenerateKeyPair();
  const ByteView info = AsBytes("arca upload v1"), aad = AsBytes("dataset 7, column 2");
  const ByteView plaintext = AsBytes("a secret share");
  for (const AeadId aead : kAeads) {
    const Bytes sealed = SealBase(recipient.public_key, info, aad, plaintext, aead).value();
    ASSERT_EQ(sealed.size(), kEncSize + plaintext.size() + kTagSize);
    const Bytes opened = OpenBase(recipient.private_key, info, aad, sealed, aead).value();
    EXPECT_EQ(opened, Bytes(plaintext.begin(), plaintext.end()));
    // A fresh ephemeral key each time: sealing twice gives different messages.
    EXPECT_NE(SealBase(recipient.public_key, info, aad, plaintext, aead).value(), sealed);

    const std::string failed = "authentication failed";
    ExpectDataLoss(OpenBase(other.private_key, info, aad, sealed, aead).status(), failed);
    ExpectDataLoss(OpenBase(recipient.private_key, AsBytes("other"), aad, sealed, aead).status(),
                   failed);
    ExpectDataLoss(OpenBase(recipient.private_key, info, AsBytes("other"), sealed, aead).status(),
                   failed);
    const AeadId wrong_aead =
        aead == AeadId::kAes128Gcm ? AeadId::kChaCha20Poly1305 : AeadId::kAes128Gcm;
    ExpectDataLoss(OpenBase(recipient.private_key, info, aad, sealed, wrong_aead).status(), failed);
    for (size_t i = 0; i < sealed.size(); ++i) {
      Bytes tampered = sealed;
      tampered[i] ^= 0x04;
      EXPECT_EQ(OpenBase(recipient.private_key, info, aad, tampered, aead).status().code(),
                StatusCode::kDataLoss)
          << "byte " << i;
    }
    ExpectDataLoss(
        OpenBase(recipient.private_key, info, aad, ByteView(sealed).first(47), aead).status(),
        "fewer than enc and a tag");
    // An all-zero enc is a small-order point.
    Bytes zero_enc = sealed;
    std::fill(zero_enc.begin(), zero_enc.begin() + kEncSize, 0);
    ExpectDataLoss(OpenBase(recipient.private_key, info, aad, zero_enc, aead).status(),
                   "small-order");
  }
}

TEST(HpkeTest, ContextsKeepMessagesInOrder) {
  const KeyPair recipient = GenerateKeyPair();
  SenderSetup sender =
      SetupBaseS(recipient.public_key, AsBytes("info"), AeadId::kChaCha20Poly1305).value();
  RecipientContext opener =
      SetupBaseR(sender.enc, recipient.private_key, AsBytes("info"), AeadId::kChaCha20Poly1305)
          .value();
  const Bytes first = sender.context.Seal({}, AsBytes("first")).value();
  const Bytes second = sender.context.Seal({}, AsBytes("second")).value();
  // The second message cannot be opened first, and the failure does not advance the context.
  ExpectDataLoss(opener.Open({}, second).status(), "authentication failed");
  EXPECT_EQ(opener.sequence_number(), 0u);
  EXPECT_EQ(opener.Open({}, first).value(), Bytes({'f', 'i', 'r', 's', 't'}));
  // Nor can a message be replayed.
  ExpectDataLoss(opener.Open({}, first).status(), "authentication failed");
  EXPECT_EQ(opener.Open({}, second).value().size(), 6u);
  ExpectDataLoss(opener.Open({}, Bytes(15)).status(), "authentication failed");

  EXPECT_EQ(sender.context.Export(AsBytes("ctx"), 64).value(),
            opener.Export(AsBytes("ctx"), 64).value());
  EXPECT_NE(sender.context.Export(AsBytes("ctx"), 32).value(),
            opener.Export(AsBytes("ctx2"), 32).value());
  constexpr size_t kMaxExport = size_t{255} * 32;
  EXPECT_EQ(sender.context.Export({}, kMaxExport).value().size(), kMaxExport);
  EXPECT_EQ(sender.context.Export({}, kMaxExport + 1).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(HpkeTest, RefusesToSealOrOpenPastTheLastSequenceNumber) {
  const KeyPair recipient = GenerateKeyPair();
  SenderSetup sender = SetupBaseS(recipient.public_key, {}, AeadId::kAes128Gcm).value();
  RecipientContext opener =
      SetupBaseR(sender.enc, recipient.private_key, {}, AeadId::kAes128Gcm).value();
  const uint64_t last = std::numeric_limits<uint64_t>::max() - 1;
  sender.context.SetSequenceNumberForTesting(last);
  opener.SetSequenceNumberForTesting(last);
  const Bytes sealed = sender.context.Seal({}, AsBytes("last")).value();
  EXPECT_TRUE(opener.Open({}, sealed).ok());
  const Result<Bytes> overflow = sender.context.Seal({}, AsBytes("one too many"));
  EXPECT_EQ(overflow.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(overflow.status().message(), HasSubstr("message limit"));
  EXPECT_EQ(opener.Open({}, sealed).status().code(), StatusCode::kResourceExhausted);
}

TEST(HpkeTest, DeriveKeyPairNeedsEnoughIkm) {
  EXPECT_EQ(DeriveKeyPair(Bytes(31, 1)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DeriveKeyPair(Bytes(32, 1)).value().public_key,
            DeriveKeyPair(Bytes(32, 1)).value().public_key);
  EXPECT_EQ(SetupBaseS(Bytes(31), {}, AeadId::kAes128Gcm).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SetupBaseS(GenerateKeyPair().public_key, {}, static_cast<AeadId>(2)).status().code(),
            StatusCode::kInvalidArgument);
}

// --- Chunked streams ---

class HpkeStreamTest : public ::testing::Test {
 protected:
  static constexpr size_t kChunk = 64;

  Bytes Plaintext(size_t size) const {
    Bytes out(size);
    for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(i * 31 + 7);
    return out;
  }
  Bytes Seal(ByteView plaintext, AeadId aead = AeadId::kAes128Gcm) const {
    return SealStream(recipient_.public_key, info_, aad_, plaintext, aead, kChunk).value();
  }
  Result<Bytes> Open(ByteView stream) const {
    return OpenStream(recipient_.private_key, info_, aad_, stream);
  }
  // The stream split into its header and sealed chunks.
  static std::vector<Bytes> Split(const Bytes& stream) {
    std::vector<Bytes> parts = {Bytes(stream.begin(), stream.begin() + kStreamHeaderSize)};
    for (size_t at = kStreamHeaderSize; at < stream.size(); at += kChunk + kTagSize) {
      const size_t end = std::min(stream.size(), at + kChunk + kTagSize);
      parts.emplace_back(stream.begin() + static_cast<ptrdiff_t>(at),
                         stream.begin() + static_cast<ptrdiff_t>(end));
    }
    return parts;
  }
  static Bytes Join(const std::vector<Bytes>& parts) {
    Bytes out;
    for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  }

  KeyPair recipient_ = GenerateKeyPair();
  Bytes info_ = {'u', 'p', 'l', 'o', 'a', 'd'};
  Bytes aad_ = {'d', 's', '1'};
};

TEST_F(HpkeStreamTest, RoundTripsEverySizeInAnyPieces) {
  std::mt19937 rng(42);
  for (const AeadId aead : kAeads) {
    for (const size_t size :
         {size_t{0}, size_t{1}, kChunk - 1, kChunk, kChunk + 1, 3 * kChunk, 3 * kChunk + 5}) {
      SCOPED_TRACE("size " + std::to_string(size));
      const Bytes plaintext = Plaintext(size);
      const Bytes stream = Seal(plaintext, aead);
      const size_t chunks = size == 0 ? 1 : (size + kChunk - 1) / kChunk;
      EXPECT_EQ(stream.size(), kStreamHeaderSize + size + chunks * kTagSize);
      EXPECT_EQ(Open(stream).value(), plaintext);

      // The same through Update calls of random sizes on both sides.
      StreamSealer sealer =
          StreamSealer::Create(recipient_.public_key, info_, aad_, aead, kChunk).value();
      Bytes pieced;
      for (size_t at = 0; at < size;) {
        const size_t n = std::min<size_t>(size - at, rng() % (2 * kChunk + 2));
        ASSERT_TRUE(sealer.Update(ByteView(plaintext).subspan(at, n), &pieced).ok());
        at += n;
      }
      ASSERT_TRUE(sealer.Finish(&pieced).ok());
      EXPECT_EQ(pieced.size(), stream.size());
      StreamOpener opener = StreamOpener::Create(recipient_.private_key, info_, aad_).value();
      Bytes opened;
      for (size_t at = 0; at < pieced.size();) {
        const size_t n = std::min<size_t>(pieced.size() - at, rng() % (2 * kChunk + 2));
        ASSERT_TRUE(opener.Update(ByteView(pieced).subspan(at, n), &opened).ok());
        at += n;
      }
      ASSERT_TRUE(opener.Finish(&opened).ok());
      EXPECT_EQ(opened, plaintext);
    }
  }
}

// Output leaves the sealer chunk by chunk, so memory stays at one chunk.
TEST_F(HpkeStreamTest, SealerEmitsWholeChunksAsSoonAsTheyAreKnownNotToBeLast) {
  StreamSealer sealer =
      StreamSealer::Create(recipient_.public_key, info_, aad_, AeadId::kAes128Gcm, kChunk).value();
  Bytes out;
  ASSERT_TRUE(sealer.Update(Plaintext(kChunk), &out).ok());
  EXPECT_EQ(out.size(), kStreamHeaderSize);  // that chunk may be the last one
  ASSERT_TRUE(sealer.Update(Plaintext(2 * kChunk + 1), &out).ok());
  EXPECT_EQ(out.size(), kStreamHeaderSize + 3 * (kChunk + kTagSize));
  ASSERT_TRUE(sealer.Finish(&out).ok());
  EXPECT_EQ(out.size(), kStreamHeaderSize + 3 * (kChunk + kTagSize) + 1 + kTagSize);
  EXPECT_EQ(sealer.Update(Plaintext(1), &out).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(sealer.Finish(&out).code(), StatusCode::kFailedPrecondition);
}

TEST_F(HpkeStreamTest, RefusesTruncation) {
  const Bytes stream = Seal(Plaintext(3 * kChunk + 5));
  std::vector<Bytes> parts = Split(stream);
  ASSERT_EQ(parts.size(), 5u);
  parts.pop_back();
  ExpectDataLoss(Open(Join(parts)).status(),
                 "truncated: it ends after chunk 2, which is not the final chunk");
  ExpectDataLoss(Open(ByteView(stream).first(stream.size() - 1)).status(), "chunk 3");
  ExpectDataLoss(Open(ByteView(stream).first(kStreamHeaderSize + 10)).status(),
                 "shorter than a tag");
  ExpectDataLoss(Open(ByteView(stream).first(kStreamHeaderSize)).status(),
                 "no chunk after its header");
  ExpectDataLoss(Open(ByteView(stream).first(20)).status(), "ends inside its 47-byte header");
  ExpectDataLoss(Open({}).status(), "ends inside its 47-byte header");
}

TEST_F(HpkeStreamTest, RefusesReorderingDuplicationAndRemoval) {
  const std::vector<Bytes> parts = Split(Seal(Plaintext(3 * kChunk + 5)));
  std::vector<Bytes> swapped = parts;
  std::swap(swapped[1], swapped[2]);
  ExpectDataLoss(Open(Join(swapped)).status(), "chunk 0 does not authenticate");
  std::vector<Bytes> duplicated = parts;
  duplicated.insert(duplicated.begin() + 2, parts[1]);
  ExpectDataLoss(Open(Join(duplicated)).status(), "chunk 1 does not authenticate");
  std::vector<Bytes> removed = parts;
  removed.erase(removed.begin() + 2);
  ExpectDataLoss(Open(Join(removed)).status(), "chunk 1 does not authenticate");
  std::vector<Bytes> extended = parts;
  extended.push_back(parts.back());
  ExpectDataLoss(Open(Join(extended)).status(), "chunk 3 does not authenticate");
  // A full final chunk followed by more bytes is named as such.
  Bytes full = Seal(Plaintext(3 * kChunk));
  full.push_back(0);
  ExpectDataLoss(Open(full).status(), "data after its final chunk (chunk 2)");
}

TEST_F(HpkeStreamTest, RefusesChunksFromAnotherStream) {
  const Bytes plaintext = Plaintext(2 * kChunk);
  std::vector<Bytes> parts = Split(Seal(plaintext));
  const std::vector<Bytes> other = Split(Seal(plaintext));
  parts[2] = other[2];
  ExpectDataLoss(Open(Join(parts)).status(), "chunk 1");
  // Another stream's header with this stream's chunks: another enc, hence another key.
  parts = Split(Seal(plaintext));
  parts[0] = other[0];
  ExpectDataLoss(Open(Join(parts)).status(), "chunk 0 does not authenticate");
}

TEST_F(HpkeStreamTest, RefusesWrongKeyInfoOrAad) {
  const Bytes stream = Seal(Plaintext(100));
  const std::string failed = "chunk 0 does not authenticate";
  ExpectDataLoss(OpenStream(GenerateKeyPair().private_key, info_, aad_, stream).status(), failed);
  ExpectDataLoss(OpenStream(recipient_.private_key, AsBytes("x"), aad_, stream).status(), failed);
  ExpectDataLoss(OpenStream(recipient_.private_key, info_, AsBytes("x"), stream).status(), failed);
  ExpectDataLoss(OpenStream(recipient_.private_key, info_, aad_, stream, kChunk - 1).status(),
                 "chunk size 64 is outside 1..63");
}

// Any single-byte change anywhere in the stream, header included, is refused.
TEST_F(HpkeStreamTest, RefusesEveryTamperedByte) {
  for (const AeadId aead : kAeads) {
    const Bytes stream = Seal(Plaintext(kChunk + 3), aead);
    for (size_t i = 0; i < stream.size(); ++i) {
      for (const uint8_t flip : {0x01, 0x80}) {
        Bytes tampered = stream;
        tampered[i] ^= flip;
        EXPECT_EQ(Open(tampered).status().code(), StatusCode::kDataLoss) << "byte " << i;
      }
    }
  }
  Bytes bad_magic = Seal(Plaintext(1));
  bad_magic[0] = 'X';
  ExpectDataLoss(Open(bad_magic).status(), "not an HPKE stream");
  Bytes bad_version = Seal(Plaintext(1));
  bad_version[4] = 2;
  ExpectDataLoss(Open(bad_version).status(), "format version 2 is not supported");
}

TEST_F(HpkeStreamTest, OpenerRefusesInputAfterAnError) {
  Bytes stream = Seal(Plaintext(3 * kChunk));
  stream[kStreamHeaderSize] ^= 1;
  StreamOpener opener = StreamOpener::Create(recipient_.private_key, info_, aad_).value();
  Bytes out;
  EXPECT_EQ(opener.Update(stream, &out).code(), StatusCode::kDataLoss);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(opener.Update(stream, &out).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(opener.Finish(&out).code(), StatusCode::kFailedPrecondition);
}

TEST_F(HpkeStreamTest, RefusesBadParameters) {
  EXPECT_EQ(
      StreamSealer::Create(recipient_.public_key, {}, {}, AeadId::kAes128Gcm, 0).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(
      StreamSealer::Create(recipient_.public_key, {}, {}, AeadId::kAes128Gcm, kMaxChunkSize + 1)
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(StreamOpener::Create(Bytes(16), {}, {}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace arca::crypto::hpke
