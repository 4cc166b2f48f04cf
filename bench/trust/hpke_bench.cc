// Throughput of the chunked HPKE stream (crypto/hpke.h): seal and open of 1 MiB and 1 GiB with
// each AEAD, in bytes per second. Memory stays bounded at 1 GiB: the input is one 1 MiB
// buffer fed repeatedly, and each piece of output is dropped once produced.
//
// Times are wall-clock. A seal iteration includes setting up the context (one X25519 key
// generation and DH). An open iteration times only the opener: the stream it reads is sealed
// piece by piece alongside, outside the timed region (manual time).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "arca/crypto/hpke.h"

namespace arca::crypto::hpke {
namespace {

constexpr size_t kPiece = size_t{1} << 20;
constexpr int64_t kMiB = int64_t{1} << 20;
constexpr int64_t kGiB = int64_t{1} << 30;

const Bytes& Piece() {
  static const Bytes piece = [] {
    Bytes bytes(kPiece);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 131 + 17);
    return bytes;
  }();
  return piece;
}

const KeyPair& Recipient() {
  static const KeyPair pair = GenerateKeyPair();
  return pair;
}

const ByteView kInfo = AsBytes("arca bench upload");
const ByteView kAad = AsBytes("dataset 1, share 0");

void BM_HpkeStreamSeal(benchmark::State& state, AeadId aead, int64_t total) {
  Bytes out;
  out.reserve(kPiece + kPiece / 8);
  for (auto _ : state) {
    StreamSealer sealer = StreamSealer::Create(Recipient().public_key, kInfo, kAad, aead).value();
    for (int64_t done = 0; done < total; done += kMiB) {
      if (!sealer.Update(Piece(), &out).ok()) state.SkipWithError("seal failed");
      benchmark::DoNotOptimize(out.data());
      out.clear();
    }
    if (!sealer.Finish(&out).ok()) state.SkipWithError("seal failed");
    benchmark::ClobberMemory();
    out.clear();
  }
  state.SetBytesProcessed(state.iterations() * total);
}

void BM_HpkeStreamOpen(benchmark::State& state, AeadId aead, int64_t total) {
  Bytes sealed, opened;
  sealed.reserve(kPiece + kPiece / 8);
  opened.reserve(kPiece + kPiece / 8);
  for (auto _ : state) {
    StreamSealer sealer = StreamSealer::Create(Recipient().public_key, kInfo, kAad, aead).value();
    StreamOpener opener = StreamOpener::Create(Recipient().private_key, kInfo, kAad).value();
    std::chrono::steady_clock::duration opening{};
    for (int64_t done = 0; done <= total; done += kMiB) {
      // One more round than there are pieces: the last one finishes the stream.
      const bool last = done == total;
      const bool sealed_ok =
          last ? sealer.Finish(&sealed).ok() : sealer.Update(Piece(), &sealed).ok();
      const auto start = std::chrono::steady_clock::now();
      bool opened_ok = opener.Update(sealed, &opened).ok();
      if (last) opened_ok = opened_ok && opener.Finish(&opened).ok();
      opening += std::chrono::steady_clock::now() - start;
      if (!sealed_ok || !opened_ok) state.SkipWithError("seal or open failed");
      benchmark::DoNotOptimize(opened.data());
      sealed.clear();
      opened.clear();
    }
    state.SetIterationTime(std::chrono::duration<double>(opening).count());
  }
  state.SetBytesProcessed(state.iterations() * total);
}

BENCHMARK_CAPTURE(BM_HpkeStreamSeal, aes128gcm_1MiB, AeadId::kAes128Gcm, kMiB)->UseRealTime();
BENCHMARK_CAPTURE(BM_HpkeStreamSeal, chacha20poly1305_1MiB, AeadId::kChaCha20Poly1305, kMiB)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_HpkeStreamSeal, aes128gcm_1GiB, AeadId::kAes128Gcm, kGiB)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_HpkeStreamSeal, chacha20poly1305_1GiB, AeadId::kChaCha20Poly1305, kGiB)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_HpkeStreamOpen, aes128gcm_1MiB, AeadId::kAes128Gcm, kMiB)->UseManualTime();
BENCHMARK_CAPTURE(BM_HpkeStreamOpen, chacha20poly1305_1MiB, AeadId::kChaCha20Poly1305, kMiB)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_HpkeStreamOpen, aes128gcm_1GiB, AeadId::kAes128Gcm, kGiB)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_HpkeStreamOpen, chacha20poly1305_1GiB, AeadId::kChaCha20Poly1305, kGiB)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace arca::crypto::hpke
