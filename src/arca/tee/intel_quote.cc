#include "arca/tee/intel_quote.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace arca::tee::intel {
namespace {

constexpr uint16_t kAttestationKeyEcdsaP256 = 2;
constexpr uint16_t kCertDataPckChainPem = 5;
constexpr uint16_t kCertDataQeReport = 6;

// A cursor over a byte range that refuses to read past its end; every failure names the
// field, so a truncated quote says what was cut off.
class Reader {
 public:
  Reader(ByteView bytes, size_t base) : bytes_(bytes), base_(base) {}

  Result<ByteView> Take(size_t n, std::string_view field) {
    if (n > bytes_.size() - pos_) {
      return DataLossError(
          fmt::format("Intel quote truncated: the {} needs {} bytes at offset {}, only {} remain",
                      field, n, base_ + pos_, bytes_.size() - pos_));
    }
    const ByteView out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }

  template <size_t N>
  Status Array(std::array<uint8_t, N>* out, std::string_view field) {
    ARCA_ASSIGN_OR_RETURN(const ByteView b, Take(N, field));
    std::copy(b.begin(), b.end(), out->begin());
    return OkStatus();
  }

  Result<uint16_t> U16(std::string_view field) {
    ARCA_ASSIGN_OR_RETURN(const ByteView b, Take(2, field));
    return static_cast<uint16_t>(b[0] | b[1] << 8);
  }

  Result<uint32_t> U32(std::string_view field) {
    ARCA_ASSIGN_OR_RETURN(const ByteView b, Take(4, field));
    return static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 |
           static_cast<uint32_t>(b[2]) << 16 | static_cast<uint32_t>(b[3]) << 24;
  }

  size_t offset() const { return base_ + pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  ByteView bytes_;
  size_t base_;  // offset of bytes_ in the whole quote, for messages
  size_t pos_ = 0;
};

uint16_t LoadU16(ByteView b, size_t at) { return static_cast<uint16_t>(b[at] | b[at + 1] << 8); }

template <size_t N>
std::array<uint8_t, N> Slice(ByteView b, size_t at) {
  std::array<uint8_t, N> out{};
  std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(at), N, out.begin());
  return out;
}

Result<QuoteHeader> ParseHeader(Reader& r) {
  QuoteHeader h;
  ARCA_ASSIGN_OR_RETURN(h.version, r.U16("header version"));
  ARCA_ASSIGN_OR_RETURN(h.attestation_key_type, r.U16("header attestation key type"));
  ARCA_ASSIGN_OR_RETURN(h.tee_type, r.U32("header TEE type"));
  ARCA_ASSIGN_OR_RETURN(h.qe_svn, r.U16("header QE SVN"));
  ARCA_ASSIGN_OR_RETURN(h.pce_svn, r.U16("header PCE SVN"));
  ARCA_RETURN_IF_ERROR(r.Array(&h.qe_vendor_id, "header QE vendor id"));
  ARCA_RETURN_IF_ERROR(r.Array(&h.user_data, "header user data"));
  if (h.version < 3 || h.version > 5) {
    return UnimplementedError(fmt::format(
        "Intel quote version {} is not supported (supported: 3 SGX, 4 and 5 SGX/TDX)", h.version));
  }
  if (h.attestation_key_type != kAttestationKeyEcdsaP256) {
    return UnimplementedError(fmt::format(
        "Intel quote attestation key type {} is not supported (supported: 2, ECDSA P-256)",
        h.attestation_key_type));
  }
  if (h.tee_type != kTeeTypeSgx && h.tee_type != kTeeTypeTdx) {
    return UnimplementedError(
        fmt::format("Intel quote TEE type {:#x} is unknown (0x0 is SGX, 0x81 is TDX)", h.tee_type));
  }
  if (h.version == 3 && h.tee_type != kTeeTypeSgx) {
    return DataLossError("Intel quote v3 has a non-zero TEE type; v3 quotes are SGX only");
  }
  if (h.qe_vendor_id != IntelQeVendorId()) {
    return UnimplementedError("Intel quote QE vendor id " + ToHex(h.qe_vendor_id) +
                              " is not Intel's Quoting Enclave (939a7233f79c4ca9940a0db3957f0607)");
  }
  return h;
}

Result<TdReport> ParseTdReport(ByteView b) {
  if (b.size() != kTdReport10Bytes && b.size() != kTdReport15Bytes) {
    return DataLossError(fmt::format("TD report body has {} bytes, expected {} or {}", b.size(),
                                     kTdReport10Bytes, kTdReport15Bytes));
  }
  TdReport t;
  t.tee_tcb_svn = Slice<16>(b, 0);
  t.mr_seam = Slice<48>(b, 16);
  t.mr_signer_seam = Slice<48>(b, 64);
  t.seam_attributes = Slice<8>(b, 112);
  t.td_attributes = Slice<8>(b, 120);
  t.xfam = Slice<8>(b, 128);
  t.mr_td = Slice<48>(b, 136);
  t.mr_config_id = Slice<48>(b, 184);
  t.mr_owner = Slice<48>(b, 232);
  t.mr_owner_config = Slice<48>(b, 280);
  for (size_t i = 0; i < 4; ++i) t.rtmr[i] = Slice<48>(b, 328 + 48 * i);
  t.report_data = Slice<64>(b, 520);
  if (b.size() == kTdReport15Bytes) {
    t.tee_tcb_svn2 = Slice<16>(b, 584);
    t.mr_service_td = Slice<48>(b, 600);
  }
  return t;
}

// The body and its type. v3 and v4 imply the type from the TEE type; v5 states it and its size.
Status ParseBody(Reader& r, Quote& q) {
  const bool tdx = q.header.tee_type == kTeeTypeTdx;
  size_t size = tdx ? kTdReport10Bytes : kEnclaveReportBytes;
  q.body_type = tdx ? BodyType::kTdReport10 : BodyType::kSgxEnclave;
  if (q.header.version == 5) {
    ARCA_ASSIGN_OR_RETURN(const uint16_t type, r.U16("v5 body type"));
    ARCA_ASSIGN_OR_RETURN(const uint32_t declared, r.U32("v5 body size"));
    switch (type) {
      case 1:
        q.body_type = BodyType::kSgxEnclave;
        size = kEnclaveReportBytes;
        break;
      case 2:
        q.body_type = BodyType::kTdReport10;
        size = kTdReport10Bytes;
        break;
      case 3:
        q.body_type = BodyType::kTdReport15;
        size = kTdReport15Bytes;
        break;
      default:
        return UnimplementedError(fmt::format(
            "Intel quote v5 body type {} is unknown (1 SGX, 2 TDX 1.0, 3 TDX 1.5)", type));
    }
    if (declared != size) {
      return DataLossError(
          fmt::format("Intel quote v5 body size {} does not match body type {} "
                      "({} bytes)",
                      declared, type, size));
    }
    if ((q.body_type == BodyType::kSgxEnclave) == tdx) {
      return DataLossError(fmt::format("Intel quote v5 body type {} does not fit TEE type {:#x}",
                                       type, q.header.tee_type));
    }
  }
  ARCA_ASSIGN_OR_RETURN(const ByteView body, r.Take(size, "report body"));
  if (q.body_type == BodyType::kSgxEnclave) {
    ARCA_ASSIGN_OR_RETURN(q.enclave, ParseEnclaveReport(body));
  } else {
    ARCA_ASSIGN_OR_RETURN(q.td, ParseTdReport(body));
  }
  return OkStatus();
}

// QE report, its signature, QE authentication data and the nested PCK chain: the content of
// certification data type 6 in v4/v5, and the tail of the signature data in v3.
Status ParseQeReportData(Reader& r, Quote& q) {
  ARCA_ASSIGN_OR_RETURN(const ByteView report, r.Take(kEnclaveReportBytes, "QE report"));
  q.qe_report_bytes.assign(report.begin(), report.end());
  ARCA_ASSIGN_OR_RETURN(q.qe_report, ParseEnclaveReport(report));
  ARCA_RETURN_IF_ERROR(r.Array(&q.qe_report_signature, "QE report signature"));
  ARCA_ASSIGN_OR_RETURN(const uint16_t auth_size, r.U16("QE authentication data size"));
  ARCA_ASSIGN_OR_RETURN(const ByteView auth, r.Take(auth_size, "QE authentication data"));
  q.qe_auth_data.assign(auth.begin(), auth.end());
  ARCA_ASSIGN_OR_RETURN(const uint16_t type, r.U16("PCK certification data type"));
  ARCA_ASSIGN_OR_RETURN(const uint32_t size, r.U32("PCK certification data size"));
  if (type != kCertDataPckChainPem) {
    return UnimplementedError(fmt::format(
        "Intel quote PCK certification data type {} is not supported: the quote must carry the "
        "PCK certificate chain (type 5)",
        type));
  }
  ARCA_ASSIGN_OR_RETURN(const ByteView pem, r.Take(size, "PCK certificate chain"));
  std::string_view text(reinterpret_cast<const char*>(pem.data()), pem.size());
  while (!text.empty() && text.back() == '\0') text.remove_suffix(1);
  q.pck_chain_pem.assign(text);
  if (r.remaining() != 0) {
    return DataLossError(fmt::format(
        "Intel quote has {} unexplained bytes after the PCK certificate chain at offset {}",
        r.remaining(), r.offset()));
  }
  return OkStatus();
}

Status ParseSignatureData(Reader& r, Quote& q) {
  ARCA_RETURN_IF_ERROR(r.Array(&q.signature, "quote signature"));
  ARCA_RETURN_IF_ERROR(r.Array(&q.attestation_key, "attestation key"));
  if (q.header.version == 3) return ParseQeReportData(r, q);
  ARCA_ASSIGN_OR_RETURN(const uint16_t type, r.U16("certification data type"));
  ARCA_ASSIGN_OR_RETURN(const uint32_t size, r.U32("certification data size"));
  if (type != kCertDataQeReport) {
    return UnimplementedError(fmt::format(
        "Intel quote certification data type {} is not supported (supported: 6, QE report "
        "certification data)",
        type));
  }
  const size_t at = r.offset();
  ARCA_ASSIGN_OR_RETURN(const ByteView inner, r.Take(size, "QE report certification data"));
  if (r.remaining() != 0) {
    return DataLossError(fmt::format(
        "Intel quote signature data has {} bytes after the certification data at offset {}",
        r.remaining(), r.offset()));
  }
  Reader nested(inner, at);
  return ParseQeReportData(nested, q);
}

}  // namespace

const std::array<uint8_t, 16>& IntelQeVendorId() {
  static constexpr std::array<uint8_t, 16> kId = {0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
                                                  0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07};
  return kId;
}

Result<EnclaveReport> ParseEnclaveReport(ByteView b) {
  if (b.size() != kEnclaveReportBytes) {
    return DataLossError(fmt::format("SGX enclave report body has {} bytes, expected {}", b.size(),
                                     kEnclaveReportBytes));
  }
  EnclaveReport e;
  e.cpu_svn = Slice<16>(b, 0);
  e.misc_select = Slice<4>(b, 16);
  e.isv_ext_prod_id = Slice<16>(b, 32);
  e.attributes = Slice<16>(b, 48);
  e.mr_enclave = Slice<32>(b, 64);
  e.mr_signer = Slice<32>(b, 128);
  e.config_id = Slice<64>(b, 192);
  e.isv_prod_id = LoadU16(b, 256);
  e.isv_svn = LoadU16(b, 258);
  e.config_svn = LoadU16(b, 260);
  e.isv_family_id = Slice<16>(b, 304);
  e.report_data = Slice<64>(b, 320);
  return e;
}

Result<Quote> ParseQuote(ByteView raw) {
  Quote q;
  Reader r(raw, 0);
  ARCA_ASSIGN_OR_RETURN(q.header, ParseHeader(r));
  ARCA_RETURN_IF_ERROR(ParseBody(r, q));
  const size_t signed_end = r.offset();
  q.signed_bytes.assign(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(signed_end));
  ARCA_ASSIGN_OR_RETURN(const uint32_t sig_size, r.U32("signature data length"));
  ARCA_ASSIGN_OR_RETURN(const ByteView sig_data, r.Take(sig_size, "signature data"));
  Reader sig(sig_data, signed_end + 4);
  ARCA_RETURN_IF_ERROR(ParseSignatureData(sig, q));
  return q;
}

}  // namespace arca::tee::intel
