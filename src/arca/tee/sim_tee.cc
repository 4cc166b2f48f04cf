#include "arca/tee/sim_tee.h"

#include <algorithm>
#include <cstring>

#include "arca/crypto/self_signed.h"

namespace arca::tee {
namespace {

constexpr std::string_view kMagic = "ARCA-SIM";
constexpr uint32_t kVersion = 1;

void PutU32(uint8_t* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}
void PutU64(uint8_t* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
}
uint64_t GetU64(const uint8_t* in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | in[i];
  return v;
}
uint32_t GetU32(const uint8_t* in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v << 8 | in[i];
  return v;
}

template <size_t N>
void CopyOut(const uint8_t* from, std::array<uint8_t, N>& to) {
  std::copy(from, from + N, to.begin());
}

}  // namespace

Result<SimReport> ParseSimReport(ByteView bytes) {
  if (bytes.size() != kSimReportSize) {
    return DataLossError("a SIMULATED TEE report has " + std::to_string(kSimReportSize) +
                         " bytes, not " + std::to_string(bytes.size()));
  }
  if (std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0) {
    return DataLossError("not a SIMULATED TEE report (bad magic)");
  }
  const uint8_t* p = bytes.data();
  if (GetU32(p + 8) != kVersion) {
    return UnimplementedError("SIMULATED TEE report version " + std::to_string(GetU32(p + 8)) +
                              " is not supported (expected 1)");
  }
  const uint32_t flags = GetU32(p + 12);
  if ((flags & ~1u) != 0) return DataLossError("SIMULATED TEE report has unknown flags");
  SimReport report;
  report.debug = (flags & 1u) != 0;
  CopyOut(p + 16, report.measurement);
  CopyOut(p + 64, report.report_data);
  CopyOut(p + 128, report.chip_id);
  report.time = UnixTime(std::chrono::seconds(static_cast<int64_t>(GetU64(p + 160))));
  CopyOut(p + 168, report.signature);
  return report;
}

Bytes SerializeSimReport(const SimReport& report) {
  Bytes out(kSimReportSize, 0);
  std::copy(kMagic.begin(), kMagic.end(), out.begin());
  PutU32(&out[8], kVersion);
  PutU32(&out[12], report.debug ? 1u : 0u);
  std::copy(report.measurement.begin(), report.measurement.end(), out.begin() + 16);
  std::copy(report.report_data.begin(), report.report_data.end(), out.begin() + 64);
  std::copy(report.chip_id.begin(), report.chip_id.end(), out.begin() + 128);
  PutU64(&out[160], static_cast<uint64_t>(report.time.time_since_epoch().count()));
  std::copy(report.signature.begin(), report.signature.end(), out.begin() + 168);
  return out;
}

crypto::Sha384Digest MeasureProgram(ByteView binary, ByteView configuration) {
  uint8_t binary_size[8];
  uint8_t configuration_size[8];
  PutU64(binary_size, binary.size());
  PutU64(configuration_size, configuration.size());
  return crypto::Sha384({binary_size, binary, configuration_size, configuration});
}

Result<SimRoot> SimRoot::Create(const crypto::SigningKey& key) {
  // Everything in the certificate derives from the key, so every process holding the root
  // key presents the same certificate, and a policy can pin its fingerprint.
  crypto::CertificateFields fields;
  const std::array<uint8_t, 32> public_key = key.RawPublicKey();
  fields.serial = Bytes(public_key.begin(), public_key.begin() + 16);
  fields.common_name = std::string(kSimRootName);
  fields.not_before = *ParseTime("2025-01-01");
  fields.not_after = *ParseTime("2050-01-01");
  fields.is_ca = true;
  ARCA_ASSIGN_OR_RETURN(crypto::Certificate cert, crypto::SelfSignedCertificate(key, fields));
  return SimRoot(key, std::move(cert));
}

SimTee::SimTee(SimRoot root, const crypto::Sha384Digest& measurement,
               const std::array<uint8_t, 32>& chip_id, bool debug)
    : root_(std::move(root)), measurement_(measurement), chip_id_(chip_id), debug_(debug) {}

Result<Bytes> SimTee::Report(ByteView report_data, UnixTime now) const {
  if (report_data.size() > 64) {
    return InvalidArgumentError("report_data has at most 64 bytes, not " +
                                std::to_string(report_data.size()));
  }
  SimReport report;
  report.debug = debug_;
  report.measurement = measurement_;
  std::copy(report_data.begin(), report_data.end(), report.report_data.begin());
  report.chip_id = chip_id_;
  report.time = now;
  Bytes bytes = SerializeSimReport(report);
  const crypto::Ed25519Signature signature =
      root_.key().Sign(ByteView(bytes).first(kSimSignedSize));
  std::copy(signature.begin(), signature.end(), bytes.begin() + kSimSignedSize);
  return bytes;
}

crypto::Sha256Digest SimTee::SealingSecret() const {
  // The root's private seed stands for the fused chip secret.
  const crypto::Ed25519Seed seed = root_.key().Seed();
  return crypto::Sha256(
      {AsBytes("arca simulated sealing secret v1"), seed, chip_id_, measurement_});
}

}  // namespace arca::tee
