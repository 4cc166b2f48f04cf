// libFuzzer target: the recipient side of HPKE on arbitrary bytes.
//
// The first input byte picks what the rest is: a single-shot message (enc || ciphertext), a
// context's message sequence, a chunked stream fed in pieces of varying size, or a plaintext to
// seal as a stream and open again. Any input must give a value or an error, never a crash, an
// out-of-bounds access or unbounded memory; a round trip must give back its plaintext.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "arca/crypto/hpke.h"

namespace {

using arca::Bytes;
using arca::ByteView;
namespace hpke = arca::crypto::hpke;

const hpke::KeyPair& Recipient() {
  static const hpke::KeyPair pair = hpke::DeriveKeyPair(Bytes(32, 0x42)).value();
  return pair;
}

const ByteView kInfo = arca::AsBytes("fuzz info");
const ByteView kAad = arca::AsBytes("fuzz aad");

// enc (32 bytes), then messages each prefixed by a one-byte length.
void OpenSequence(ByteView input, hpke::AeadId aead) {
  if (input.size() < hpke::kEncSize) return;
  auto context =
      hpke::SetupBaseR(input.first(hpke::kEncSize), Recipient().private_key, kInfo, aead);
  if (!context.ok()) return;
  input = input.subspan(hpke::kEncSize);
  while (!input.empty()) {
    const size_t size = std::min<size_t>(input[0], input.size() - 1);
    static_cast<void>(context->Open(kAad, input.subspan(1, size)));
    input = input.subspan(1 + size);
  }
}

// A stream fed to the opener in pieces of `piece` bytes; chunks are capped at 4 KiB.
void OpenStreamInPieces(ByteView input, size_t piece) {
  auto opener = hpke::StreamOpener::Create(Recipient().private_key, kInfo, kAad, 4096);
  if (!opener.ok()) std::abort();
  Bytes out;
  for (size_t at = 0; at < input.size(); at += piece) {
    if (!opener->Update(input.subspan(at, std::min(piece, input.size() - at)), &out).ok()) {
      return;
    }
  }
  static_cast<void>(opener->Finish(&out));
}

void RoundTrip(ByteView plaintext, hpke::AeadId aead, size_t chunk_size) {
  const auto stream =
      hpke::SealStream(Recipient().public_key, kInfo, kAad, plaintext, aead, chunk_size);
  if (!stream.ok()) std::abort();
  const auto opened = hpke::OpenStream(Recipient().private_key, kInfo, kAad, *stream);
  if (!opened.ok() ||
      !std::equal(opened->begin(), opened->end(), plaintext.begin(), plaintext.end())) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const ByteView input(data + 1, size - 1);
  const hpke::AeadId aead =
      (selector & 0x04) != 0 ? hpke::AeadId::kChaCha20Poly1305 : hpke::AeadId::kAes128Gcm;
  const size_t variant = 1 + (selector >> 3);  // 1..32
  switch (selector & 0x03) {
    case 0:
      static_cast<void>(hpke::OpenBase(Recipient().private_key, kInfo, kAad, input, aead));
      break;
    case 1:
      OpenSequence(input, aead);
      break;
    case 2:
      OpenStreamInPieces(input, variant * 7);
      break;
    default:
      RoundTrip(input, aead, variant);
      break;
  }
  return 0;
}
