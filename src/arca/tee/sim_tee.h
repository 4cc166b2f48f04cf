// The SIMULATED TEE: software stands in for the hardware root of trust.
//
// No TEE hardware exists where Arca is built and tested, so a node can run on this backend,
// and everything that uses it says SIMULATED. A SimRoot is an Ed25519 key with a self-signed
// certificate ("Arca SIMULATED TEE root") that plays the part of AMD's ARK or Intel's root;
// whoever holds its private key can forge reports, so it protects nothing against the
// platform operator. It exists to run the real protocol end to end: reports bind a
// measurement and report_data exactly as hardware reports do, and the verifier and the policy
// treat them like any other evidence.
//
// Report format (232 bytes, integers big-endian):
//   0  "ARCA-SIM"   8   magic
//   8  version      4   1
//   12 flags        4   bit 0: debug
//   16 measurement  48  SHA-384 of the program binary and its configuration
//   64 report_data  64  chosen by the program (Arca: key digest, then the client's nonce)
//   128 chip_id     32  identifies the simulated machine
//   160 time        8   seconds since the Unix epoch
//   168 signature   64  Ed25519 by the root over bytes [0, 168)
#ifndef ARCA_TEE_SIM_TEE_H_
#define ARCA_TEE_SIM_TEE_H_

#include <array>
#include <string>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/crypto/hash.h"
#include "arca/crypto/signing_key.h"
#include "arca/crypto/x509.h"

namespace arca::tee {

inline constexpr size_t kSimReportSize = 232;
inline constexpr size_t kSimSignedSize = 168;
inline constexpr std::string_view kSimRootName = "Arca SIMULATED TEE root";

struct SimReport {
  bool debug = false;
  crypto::Sha384Digest measurement{};
  std::array<uint8_t, 64> report_data{};
  std::array<uint8_t, 32> chip_id{};
  UnixTime time;
  std::array<uint8_t, 64> signature{};
};

// Exactly kSimReportSize bytes with the magic and version 1; the signature is not checked.
Result<SimReport> ParseSimReport(ByteView bytes);
Bytes SerializeSimReport(const SimReport& report);

// SHA-384 of the binary, then of the configuration, each prefixed by its 8-byte length.
crypto::Sha384Digest MeasureProgram(ByteView binary, ByteView configuration);

class SimRoot {
 public:
  static Result<SimRoot> Create(const crypto::SigningKey& key);
  const crypto::Certificate& certificate() const { return certificate_; }
  const crypto::SigningKey& key() const { return key_; }

 private:
  SimRoot(crypto::SigningKey key, crypto::Certificate certificate)
      : key_(std::move(key)), certificate_(std::move(certificate)) {}
  crypto::SigningKey key_;
  crypto::Certificate certificate_;
};

// One simulated machine running one measured program.
class SimTee {
 public:
  SimTee(SimRoot root, const crypto::Sha384Digest& measurement,
         const std::array<uint8_t, 32>& chip_id, bool debug = false);

  // A signed report binding `report_data` (at most 64 bytes; zero-padded) at time `now`.
  Result<Bytes> Report(ByteView report_data, UnixTime now) const;
  // The secret sealing keys derive from: only this program on this machine gets it (what
  // the hardware derives from its fused secret and the measurement).
  crypto::Sha256Digest SealingSecret() const;
  const crypto::Sha384Digest& measurement() const { return measurement_; }
  const SimRoot& root() const { return root_; }

 private:
  SimRoot root_;
  crypto::Sha384Digest measurement_;
  std::array<uint8_t, 32> chip_id_;
  bool debug_;
};

}  // namespace arca::tee

#endif  // ARCA_TEE_SIM_TEE_H_
