#include "arca/tee/intel_collateral.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "arca/crypto/public_key.h"

namespace arca::tee::intel {
namespace {

using nlohmann::json;

// ---- Locating a top-level value in the raw JSON text ----

// A minimal structural scan of JSON text: enough to find where a value begins and ends
// (strings with escapes, nesting). Validity is checked separately by the full parser.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // A string starting at the current position, returned without its quotes, raw.
  bool String(std::string_view* out) {
    if (pos_ >= text_.size() || text_[pos_] != '"') return false;
    const size_t start = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') pos_ += text_[pos_] == '\\' ? 2 : 1;
    if (pos_ >= text_.size()) return false;
    *out = text_.substr(start, pos_ - start);
    ++pos_;
    return true;
  }
  // Skips one value; returns false on unbalanced or truncated text.
  bool Value() {
    SkipSpace();
    if (pos_ >= text_.size()) return false;
    std::string_view ignored;
    if (text_[pos_] == '"') return String(&ignored);
    if (text_[pos_] != '{' && text_[pos_] != '[') {
      const size_t start = pos_;
      while (pos_ < text_.size() &&
             std::string_view(",}] \t\r\n").find(text_[pos_]) == std::string_view::npos) {
        ++pos_;
      }
      return pos_ > start;
    }
    size_t depth = 0;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"') {
        if (!String(&ignored)) return false;
        continue;
      }
      ++pos_;
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return true;
    }
    return false;
  }
  size_t pos() const { return pos_; }
  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// The exact text of the value of top-level key `key` in the JSON object `text`. The key must
// occur exactly once, spelled literally.
Result<std::string_view> TopLevelValue(std::string_view text, std::string_view key,
                                       std::string_view document) {
  const Status malformed = DataLossError(fmt::format("{} is not a JSON object", document));
  Scanner s(text);
  if (!s.Eat('{')) return malformed;
  std::optional<std::string_view> found;
  if (!s.Eat('}')) {
    do {
      s.SkipSpace();
      std::string_view name;
      if (!s.String(&name) || !s.Eat(':')) return malformed;
      s.SkipSpace();
      const size_t start = s.pos();
      if (!s.Value()) return malformed;
      if (name == key) {
        if (found) return DataLossError(fmt::format("{} has \"{}\" twice", document, key));
        found = text.substr(start, s.pos() - start);
      }
    } while (s.Eat(','));
    if (!s.Eat('}')) return malformed;
  }
  if (!s.AtEnd()) return malformed;
  if (!found) return DataLossError(fmt::format("{} has no \"{}\"", document, key));
  return *found;
}

// ---- Typed field access with one-line errors ----

class Fields {
 public:
  Fields(const json& object, std::string where) : object_(object), where_(std::move(where)) {}

  Result<const json*> Get(const char* key, json::value_t type) const {
    if (!object_.is_object()) return DataLossError(where_ + " is not a JSON object");
    const auto it = object_.find(key);
    if (it == object_.end()) return DataLossError(fmt::format("{} has no \"{}\"", where_, key));
    const bool ok =
        type == json::value_t::number_unsigned ? it->is_number_unsigned() : it->type() == type;
    if (!ok) return DataLossError(fmt::format("{}: \"{}\" has the wrong type", where_, key));
    return &*it;
  }
  bool Has(const char* key) const { return object_.is_object() && object_.contains(key); }

  Result<std::string> String(const char* key) const {
    ARCA_ASSIGN_OR_RETURN(const json* v, Get(key, json::value_t::string));
    return v->get<std::string>();
  }
  Result<uint64_t> Unsigned(const char* key, uint64_t max) const {
    ARCA_ASSIGN_OR_RETURN(const json* v, Get(key, json::value_t::number_unsigned));
    const auto n = v->get<uint64_t>();
    if (n > max) return DataLossError(fmt::format("{}: \"{}\" exceeds {}", where_, key, max));
    return n;
  }
  Result<UnixTime> Time(const char* key) const {
    ARCA_ASSIGN_OR_RETURN(const std::string text, String(key));
    Result<UnixTime> t = ParseTime(text);
    if (!t.ok()) return DataLossError(fmt::format("{}: \"{}\" is not a time", where_, key));
    return t;
  }
  Result<Bytes> Hex(const char* key, size_t size) const {
    ARCA_ASSIGN_OR_RETURN(const std::string text, String(key));
    Result<Bytes> b = FromHex(text);
    if (!b.ok() || b->size() != size) {
      return DataLossError(fmt::format("{}: \"{}\" is not {} hex bytes", where_, key, size));
    }
    return b;
  }
  template <size_t N>
  Status HexArray(const char* key, std::array<uint8_t, N>* out) const {
    ARCA_ASSIGN_OR_RETURN(const Bytes b, Hex(key, N));
    std::copy(b.begin(), b.end(), out->begin());
    return OkStatus();
  }
  Result<std::vector<std::string>> OptionalStrings(const char* key) const {
    std::vector<std::string> out;
    if (!Has(key)) return out;
    ARCA_ASSIGN_OR_RETURN(const json* list, Get(key, json::value_t::array));
    for (const json& item : *list) {
      if (!item.is_string())
        return DataLossError(fmt::format("{}: \"{}\" holds a non-string", where_, key));
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  const std::string& where() const { return where_; }

 private:
  const json& object_;
  std::string where_;
};

// The signed value of a collateral document, as text and parsed, and the signature over it.
struct SignedDocument {
  std::string signed_text;
  json body;
  Bytes signature;
};

Result<SignedDocument> ParseSigned(std::string_view text, const char* key,
                                   std::string_view document) {
  const json whole = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (whole.is_discarded() || !whole.is_object()) {
    return DataLossError(fmt::format("{} is not valid JSON", document));
  }
  ARCA_ASSIGN_OR_RETURN(const std::string_view value, TopLevelValue(text, key, document));
  json body = json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return DataLossError(fmt::format("{}: \"{}\" is not a JSON object", document, key));
  }
  ARCA_ASSIGN_OR_RETURN(Bytes signature, Fields(whole, std::string(document)).Hex("signature", 64));
  return SignedDocument{std::string(value), std::move(body), std::move(signature)};
}

Result<std::array<uint8_t, 16>> ComponentSvns(const Fields& tcb, const char* key) {
  ARCA_ASSIGN_OR_RETURN(const json* list, tcb.Get(key, json::value_t::array));
  if (list->size() != 16) {
    return DataLossError(
        fmt::format("{}: \"{}\" has {} entries, expected 16", tcb.where(), key, list->size()));
  }
  std::array<uint8_t, 16> out{};
  for (size_t i = 0; i < 16; ++i) {
    ARCA_ASSIGN_OR_RETURN(
        const uint64_t svn,
        Fields((*list)[i], fmt::format("{} {}[{}]", tcb.where(), key, i)).Unsigned("svn", 255));
    out[i] = static_cast<uint8_t>(svn);
  }
  return out;
}

Result<std::vector<IsvSvnLevel>> IsvSvnLevels(const Fields& parent) {
  ARCA_ASSIGN_OR_RETURN(const json* list, parent.Get("tcbLevels", json::value_t::array));
  std::vector<IsvSvnLevel> out;
  for (size_t i = 0; i < list->size(); ++i) {
    const Fields level((*list)[i], fmt::format("{} tcbLevels[{}]", parent.where(), i));
    IsvSvnLevel l;
    ARCA_ASSIGN_OR_RETURN(const json* tcb, level.Get("tcb", json::value_t::object));
    ARCA_ASSIGN_OR_RETURN(const uint64_t svn,
                          Fields(*tcb, level.where()).Unsigned("isvsvn", 65535));
    l.isv_svn = static_cast<uint16_t>(svn);
    ARCA_ASSIGN_OR_RETURN(l.tcb_date, level.String("tcbDate"));
    ARCA_ASSIGN_OR_RETURN(l.status, level.String("tcbStatus"));
    ARCA_ASSIGN_OR_RETURN(l.advisories, level.OptionalStrings("advisoryIDs"));
    out.push_back(std::move(l));
  }
  return out;
}

Result<TdxModuleIdentity> ParseTdxModule(const json& object, std::string where, bool with_levels) {
  const Fields f(object, std::move(where));
  TdxModuleIdentity m;
  if (with_levels) {
    ARCA_ASSIGN_OR_RETURN(m.id, f.String("id"));
  }
  ARCA_ASSIGN_OR_RETURN(m.mr_signer, f.Hex("mrsigner", 48));
  ARCA_ASSIGN_OR_RETURN(m.attributes, f.Hex("attributes", 8));
  ARCA_ASSIGN_OR_RETURN(m.attributes_mask, f.Hex("attributesMask", 8));
  if (with_levels) {
    ARCA_ASSIGN_OR_RETURN(m.levels, IsvSvnLevels(f));
  }
  return m;
}

Result<TcbLevel> ParseTcbLevel(const json& object, std::string where, bool tdx) {
  const Fields level(object, std::move(where));
  TcbLevel l;
  ARCA_ASSIGN_OR_RETURN(const json* tcb_json, level.Get("tcb", json::value_t::object));
  const Fields tcb(*tcb_json, level.where() + " tcb");
  ARCA_ASSIGN_OR_RETURN(l.sgx_components, ComponentSvns(tcb, "sgxtcbcomponents"));
  ARCA_ASSIGN_OR_RETURN(const uint64_t pce_svn, tcb.Unsigned("pcesvn", 65535));
  l.pce_svn = static_cast<uint16_t>(pce_svn);
  if (tdx) {
    ARCA_ASSIGN_OR_RETURN(l.tdx_components, ComponentSvns(tcb, "tdxtcbcomponents"));
  }
  ARCA_ASSIGN_OR_RETURN(l.tcb_date, level.String("tcbDate"));
  ARCA_ASSIGN_OR_RETURN(l.status, level.String("tcbStatus"));
  ARCA_ASSIGN_OR_RETURN(l.advisories, level.OptionalStrings("advisoryIDs"));
  return l;
}

// ---- Signature and freshness ----

// Verifies `signed_text` with a TCB Signing certificate among the intermediates that chains
// to a pinned anchor, then the validity window. Several candidates are tried because Intel
// re-issues the TCB Signing certificate with the same key.
Status VerifyDocument(std::string_view document, std::string_view signed_text,
                      const Bytes& signature, UnixTime issue_date, UnixTime next_update,
                      const crypto::ChainInputs& signer) {
  bool any_signer = false;
  bool any_verified = false;
  bool chained = false;
  std::optional<Status> chain_error;
  for (const crypto::Certificate& cert : signer.intermediates) {
    if (chained || cert.CommonName().find("TCB Signing") == std::string::npos) continue;
    any_signer = true;
    if (!crypto::VerifyEcdsaConcatenated(cert.Key(), crypto::DigestAlgorithm::kSha256,
                                         AsBytes(signed_text), signature)
             .ok()) {
      continue;
    }
    any_verified = true;
    const Result<std::vector<crypto::Certificate>> chain = crypto::VerifyChain(cert, signer);
    chained = chain.ok();
    if (!chained && !chain_error) {
      chain_error = chain.status().WithContext(fmt::format("{} signing certificate", document));
    }
  }
  if (!any_signer) {
    return FailedPreconditionError(fmt::format(
        "{}: no 'Intel SGX TCB Signing' certificate among the collateral intermediates (the "
        "PCS issuer chain header)",
        document));
  }
  if (!any_verified) {
    return DataLossError(
        fmt::format("{} signature does not verify with the Intel SGX TCB Signing key", document));
  }
  if (!chained) return *chain_error;
  if (signer.at < issue_date) {
    return FailedPreconditionError(fmt::format(
        "collateral is not current: the {} was issued at {}, after the verification time {}",
        document, FormatTime(issue_date), FormatTime(signer.at)));
  }
  if (signer.at > next_update) {
    return FailedPreconditionError(fmt::format(
        "collateral is not current: the {} expired: nextUpdate {} is before the verification "
        "time {}",
        document, FormatTime(next_update), FormatTime(signer.at)));
  }
  return OkStatus();
}

// ---- TCB evaluation ----

const std::set<std::string, std::less<>>& PlatformStatuses() {
  static const std::set<std::string, std::less<>> kStatuses = {"UpToDate",
                                                               "OutOfDate",
                                                               "ConfigurationNeeded",
                                                               "Revoked",
                                                               "OutOfDateConfigurationNeeded",
                                                               "SWHardeningNeeded",
                                                               "ConfigurationAndSWHardeningNeeded"};
  return kStatuses;
}

Status CheckStatus(const std::string& status, bool platform, std::string_view where) {
  const bool known = platform
                         ? PlatformStatuses().contains(status)
                         : (status == "UpToDate" || status == "OutOfDate" || status == "Revoked");
  if (!known)
    return DataLossError(fmt::format("{} has an unrecognized TCB status \"{}\"", where, status));
  return OkStatus();
}

// QVL's merge of a platform status with a status that can only be UpToDate, OutOfDate or
// Revoked (the TDX module's, or the QE's).
std::string Converge(const std::string& platform, const std::string& other) {
  if (other == "Revoked") return "Revoked";
  if (other == "OutOfDate") {
    if (platform == "UpToDate" || platform == "SWHardeningNeeded") return "OutOfDate";
    if (platform == "ConfigurationNeeded" || platform == "ConfigurationAndSWHardeningNeeded") {
      return "OutOfDateConfigurationNeeded";
    }
  }
  return platform;
}

bool ConfigurationNeeded(const std::string& status) {
  return status == "ConfigurationNeeded" || status == "OutOfDateConfigurationNeeded" ||
         status == "ConfigurationAndSWHardeningNeeded" ||
         status == "TDRelaunchAdvisedConfigurationNeeded";
}

bool AtLeast(const std::array<uint8_t, 16>& have, const std::array<uint8_t, 16>& need,
             size_t from) {
  for (size_t i = from; i < 16; ++i) {
    if (have[i] < need[i]) return false;
  }
  return true;
}

void AddAdvisories(const std::vector<std::string>& from, std::vector<std::string>& to) {
  for (const std::string& id : from) {
    if (std::find(to.begin(), to.end(), id) == to.end()) to.push_back(id);
  }
}

std::string ModuleIdentityId(uint8_t major) { return fmt::format("TDX_{:02X}", major); }

const TdxModuleIdentity* FindModuleIdentity(const TcbInfo& info, uint8_t major) {
  const std::string want = ModuleIdentityId(major);
  for (const TdxModuleIdentity& m : info.tdx_module_identities) {
    std::string id = m.id;
    std::transform(id.begin(), id.end(), id.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (id == want) return &m;
  }
  return nullptr;
}

// The SEAM module must be signed as the TCB info says; with a non-zero major version, its
// own identity in tdxModuleIdentities applies.
Result<const TdxModuleIdentity*> CheckTdxModule(const TdReport& td, const TcbInfo& info) {
  const uint8_t major = td.tee_tcb_svn[1];
  const TdxModuleIdentity* module = &*info.tdx_module;
  const TdxModuleIdentity* identity = nullptr;
  if (major > 0) {
    identity = FindModuleIdentity(info, major);
    if (identity == nullptr) {
      return PermissionDeniedError(fmt::format(
          "the TDX TCB info has no TDX module identity {} for the TD's module (TEE_TCB_SVN[1] = "
          "{})",
          ModuleIdentityId(major), major));
    }
    module = identity;
  }
  if (!std::equal(module->mr_signer.begin(), module->mr_signer.end(), td.mr_signer_seam.begin(),
                  td.mr_signer_seam.end())) {
    return PermissionDeniedError("TDX module MRSIGNERSEAM " + ToHex(td.mr_signer_seam) +
                                 " differs from the TCB info's " + ToHex(module->mr_signer));
  }
  for (size_t i = 0; i < td.seam_attributes.size(); ++i) {
    if ((td.seam_attributes[i] & module->attributes_mask[i]) != module->attributes[i]) {
      return PermissionDeniedError("TDX module SEAMATTRIBUTES " + ToHex(td.seam_attributes) +
                                   " do not match the TCB info's " + ToHex(module->attributes) +
                                   " under mask " + ToHex(module->attributes_mask));
    }
  }
  return identity;
}

// The QE report must be the Quoting Enclave that the identity describes; returns its level.
Result<IsvSvnLevel> MatchQeIdentity(const QeIdentity& qe, const EnclaveReport& report) {
  for (size_t i = 0; i < 4; ++i) {
    if ((report.misc_select[i] & qe.misc_select_mask[i]) != qe.misc_select[i]) {
      return PermissionDeniedError("QE report MISCSELECT " + ToHex(report.misc_select) +
                                   " does not match the QE identity");
    }
  }
  for (size_t i = 0; i < 16; ++i) {
    if ((report.attributes[i] & qe.attributes_mask[i]) != qe.attributes[i]) {
      return PermissionDeniedError("QE report ATTRIBUTES " + ToHex(report.attributes) +
                                   " do not match the QE identity");
    }
  }
  if (report.mr_signer != qe.mr_signer) {
    return PermissionDeniedError("QE report MRSIGNER " + ToHex(report.mr_signer) +
                                 " differs from the QE identity's " + ToHex(qe.mr_signer));
  }
  if (report.isv_prod_id != qe.isv_prod_id) {
    return PermissionDeniedError(
        fmt::format("QE report ISVPRODID {} differs from the QE "
                    "identity's {}",
                    report.isv_prod_id, qe.isv_prod_id));
  }
  for (const IsvSvnLevel& level : qe.levels) {
    if (level.isv_svn <= report.isv_svn) {
      ARCA_RETURN_IF_ERROR(CheckStatus(level.status, false, "the QE identity"));
      return level;
    }
  }
  return PermissionDeniedError(fmt::format(
      "no matching TCB level found in the QE identity for QE ISVSVN {} (TCB not supported)",
      report.isv_svn));
}

// QVL's "TD relaunch advised": a TDX 1.5 TD on an out-of-date module whose preserved-TD SVNs
// (TEE_TCB_SVN2) show that a relaunch would reach the latest TCB level.
Result<std::string> RelaunchCheck(const TdReport& td, const TcbInfo& info,
                                  const std::string& sgx_status, const std::string& tdx_status,
                                  const std::string& module_status, const std::string& qe_status) {
  if (!td.tee_tcb_svn2 || qe_status != "UpToDate" || module_status != "OutOfDate" ||
      (tdx_status != "OutOfDate" && tdx_status != "OutOfDateConfigurationNeeded") ||
      (sgx_status != "UpToDate" && sgx_status != "SWHardeningNeeded" &&
       sgx_status != "ConfigurationNeeded" && sgx_status != "ConfigurationAndSWHardeningNeeded")) {
    return tdx_status;
  }
  const std::array<uint8_t, 16>& svn2 = *td.tee_tcb_svn2;
  const std::array<uint8_t, 16>& latest = *info.levels.front().tdx_components;
  uint16_t module_latest = latest[0];
  if (svn2[1] != 0) {
    const TdxModuleIdentity* identity2 = FindModuleIdentity(info, svn2[1]);
    if (identity2 == nullptr || identity2->levels.empty()) {
      return PermissionDeniedError(fmt::format(
          "the TDX TCB info has no TDX module identity {} with TCB levels for TEE_TCB_SVN2",
          ModuleIdentityId(svn2[1])));
    }
    module_latest = identity2->levels.front().isv_svn;
  }
  if (svn2[0] < module_latest || svn2[2] < latest[2]) return tdx_status;
  return std::string(ConfigurationNeeded(sgx_status) || ConfigurationNeeded(tdx_status)
                         ? "TDRelaunchAdvisedConfigurationNeeded"
                         : "TDRelaunchAdvised");
}

}  // namespace

Result<TcbInfo> ParseTcbInfo(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(SignedDocument doc, ParseSigned(text, "tcbInfo", "Intel TCB info"));
  const Fields f(doc.body, "Intel TCB info");
  TcbInfo info;
  ARCA_ASSIGN_OR_RETURN(const uint64_t version, f.Unsigned("version", 1000));
  info.version = static_cast<int>(version);
  if (info.version != 3) {
    return UnimplementedError(fmt::format(
        "Intel TCB info version {} is not supported (supported: 3, served by PCS API v4)",
        info.version));
  }
  ARCA_ASSIGN_OR_RETURN(info.id, f.String("id"));
  if (info.id != "SGX" && info.id != "TDX") {
    return UnimplementedError("Intel TCB info id \"" + info.id + "\" is unknown (SGX or TDX)");
  }
  const bool tdx = info.id == "TDX";
  ARCA_ASSIGN_OR_RETURN(info.issue_date, f.Time("issueDate"));
  ARCA_ASSIGN_OR_RETURN(info.next_update, f.Time("nextUpdate"));
  ARCA_RETURN_IF_ERROR(f.HexArray("fmspc", &info.fmspc));
  ARCA_RETURN_IF_ERROR(f.HexArray("pceId", &info.pce_id));
  ARCA_ASSIGN_OR_RETURN(const uint64_t tcb_type, f.Unsigned("tcbType", 1000));
  if (tcb_type != 0) {
    return UnimplementedError(fmt::format("Intel TCB info tcbType {} is not supported", tcb_type));
  }
  ARCA_ASSIGN_OR_RETURN(const uint64_t eval, f.Unsigned("tcbEvaluationDataNumber", 1u << 30));
  info.tcb_evaluation_data_number = static_cast<int>(eval);
  if (tdx) {
    ARCA_ASSIGN_OR_RETURN(const json* module, f.Get("tdxModule", json::value_t::object));
    ARCA_ASSIGN_OR_RETURN(info.tdx_module, ParseTdxModule(*module, "TCB info tdxModule", false));
    if (f.Has("tdxModuleIdentities")) {
      ARCA_ASSIGN_OR_RETURN(const json* list, f.Get("tdxModuleIdentities", json::value_t::array));
      for (size_t i = 0; i < list->size(); ++i) {
        ARCA_ASSIGN_OR_RETURN(
            TdxModuleIdentity m,
            ParseTdxModule((*list)[i], fmt::format("TCB info tdxModuleIdentities[{}]", i), true));
        info.tdx_module_identities.push_back(std::move(m));
      }
    }
  }
  ARCA_ASSIGN_OR_RETURN(const json* levels, f.Get("tcbLevels", json::value_t::array));
  if (levels->empty()) return DataLossError("Intel TCB info has no TCB levels");
  for (size_t i = 0; i < levels->size(); ++i) {
    ARCA_ASSIGN_OR_RETURN(
        TcbLevel level, ParseTcbLevel((*levels)[i], fmt::format("TCB info tcbLevels[{}]", i), tdx));
    info.levels.push_back(std::move(level));
  }
  info.signed_text = std::move(doc.signed_text);
  info.signature = std::move(doc.signature);
  return info;
}

Result<QeIdentity> ParseQeIdentity(std::string_view text) {
  ARCA_ASSIGN_OR_RETURN(SignedDocument doc,
                        ParseSigned(text, "enclaveIdentity", "Intel QE identity"));
  const Fields f(doc.body, "Intel QE identity");
  QeIdentity qe;
  ARCA_ASSIGN_OR_RETURN(const uint64_t version, f.Unsigned("version", 1000));
  qe.version = static_cast<int>(version);
  if (qe.version != 2) {
    return UnimplementedError(
        fmt::format("Intel QE identity version {} is not supported (supported: 2)", qe.version));
  }
  ARCA_ASSIGN_OR_RETURN(qe.id, f.String("id"));
  ARCA_ASSIGN_OR_RETURN(qe.issue_date, f.Time("issueDate"));
  ARCA_ASSIGN_OR_RETURN(qe.next_update, f.Time("nextUpdate"));
  ARCA_ASSIGN_OR_RETURN(const uint64_t eval, f.Unsigned("tcbEvaluationDataNumber", 1u << 30));
  qe.tcb_evaluation_data_number = static_cast<int>(eval);
  ARCA_RETURN_IF_ERROR(f.HexArray("miscselect", &qe.misc_select));
  ARCA_RETURN_IF_ERROR(f.HexArray("miscselectMask", &qe.misc_select_mask));
  ARCA_RETURN_IF_ERROR(f.HexArray("attributes", &qe.attributes));
  ARCA_RETURN_IF_ERROR(f.HexArray("attributesMask", &qe.attributes_mask));
  ARCA_RETURN_IF_ERROR(f.HexArray("mrsigner", &qe.mr_signer));
  ARCA_ASSIGN_OR_RETURN(const uint64_t prod_id, f.Unsigned("isvprodid", 65535));
  qe.isv_prod_id = static_cast<uint16_t>(prod_id);
  ARCA_ASSIGN_OR_RETURN(qe.levels, IsvSvnLevels(f));
  qe.signed_text = std::move(doc.signed_text);
  qe.signature = std::move(doc.signature);
  return qe;
}

Status VerifyTcbInfo(const TcbInfo& info, const crypto::ChainInputs& signer) {
  return VerifyDocument(fmt::format("{} TCB info for FMSPC {}", info.id, ToHex(info.fmspc)),
                        info.signed_text, info.signature, info.issue_date, info.next_update,
                        signer);
}

Status VerifyQeIdentity(const QeIdentity& identity, const crypto::ChainInputs& signer) {
  return VerifyDocument(fmt::format("QE identity {}", identity.id), identity.signed_text,
                        identity.signature, identity.issue_date, identity.next_update, signer);
}

Result<TcbVerdict> EvaluateTcb(const Quote& quote, const PckExtensions& pck, const TcbInfo& info,
                               const QeIdentity& qe_identity) {
  const bool tdx = quote.td.has_value();
  const char* tee = tdx ? "TDX" : "SGX";
  if (info.id != tee) {
    return InvalidArgumentError(fmt::format(
        "the TCB info is for {} but the quote is {}: fetch the {} TCB info", info.id, tee, tee));
  }
  if (info.fmspc != pck.fmspc) {
    return InvalidArgumentError(fmt::format(
        "the TCB info is for FMSPC {} but the PCK certificate is for FMSPC {}: fetch the TCB "
        "info for {}",
        ToHex(info.fmspc), ToHex(pck.fmspc), ToHex(pck.fmspc)));
  }
  if (info.pce_id != pck.pce_id) {
    return InvalidArgumentError(
        fmt::format("the TCB info is for PCE id {} but the PCK certificate is for PCE id {}",
                    ToHex(info.pce_id), ToHex(pck.pce_id)));
  }
  const char* qe_id = tdx ? "TD_QE" : "QE";
  if (qe_identity.id != qe_id) {
    return InvalidArgumentError(
        fmt::format(R"(the QE identity is "{}" but a {} quote needs the "{}" identity)",
                    qe_identity.id, tee, qe_id));
  }
  const TdxModuleIdentity* module_identity = nullptr;
  if (tdx) {
    ARCA_ASSIGN_OR_RETURN(module_identity, CheckTdxModule(*quote.td, info));
  }
  ARCA_ASSIGN_OR_RETURN(const IsvSvnLevel qe_level, MatchQeIdentity(qe_identity, quote.qe_report));

  // The first level the PCK's SGX TCB meets, and for TDX the first that the TD also meets.
  const TcbLevel* sgx_level = nullptr;
  const TcbLevel* tdx_level = nullptr;
  const size_t tdx_from = tdx && quote.td->tee_tcb_svn[1] > 0 ? 2 : 0;
  for (const TcbLevel& level : info.levels) {
    if (!AtLeast(pck.sgx_tcb_components, level.sgx_components, 0) || pck.pce_svn < level.pce_svn) {
      continue;
    }
    if (sgx_level == nullptr) sgx_level = &level;
    if (!tdx) break;
    if (AtLeast(quote.td->tee_tcb_svn, *level.tdx_components, tdx_from)) {
      tdx_level = &level;
      break;
    }
  }
  const std::string where = fmt::format("{} TCB info for FMSPC {}", tee, ToHex(info.fmspc));
  if (sgx_level == nullptr) {
    return PermissionDeniedError(fmt::format(
        "no matching TCB level found in the {}: the PCK's SGX TCB components {} and PCESVN {} "
        "are below every level (TCB not supported)",
        where, ToHex(pck.sgx_tcb_components), pck.pce_svn));
  }
  if (tdx && tdx_level == nullptr) {
    return PermissionDeniedError(fmt::format(
        "no matching TCB level found in the {}: the TD's TEE_TCB_SVN {} is below every level "
        "that the PCK's SGX TCB meets (TCB not supported)",
        where, ToHex(quote.td->tee_tcb_svn)));
  }
  ARCA_RETURN_IF_ERROR(CheckStatus(sgx_level->status, true, where));

  TcbVerdict verdict;
  verdict.qe_status = qe_level.status;
  const TcbLevel* platform = tdx ? tdx_level : sgx_level;
  ARCA_RETURN_IF_ERROR(CheckStatus(platform->status, true, where));
  verdict.tcb_date = platform->tcb_date;
  verdict.platform_status = platform->status;
  AddAdvisories(platform->advisories, verdict.advisories);
  if (tdx && module_identity != nullptr) {
    const uint8_t module_svn = quote.td->tee_tcb_svn[0];
    const auto it =
        std::find_if(module_identity->levels.begin(), module_identity->levels.end(),
                     [&](const IsvSvnLevel& level) { return level.isv_svn <= module_svn; });
    if (it == module_identity->levels.end()) {
      return PermissionDeniedError(
          fmt::format("no matching TCB level found for TDX module {} ISVSVN {} (TCB not supported)",
                      module_identity->id, module_svn));
    }
    ARCA_RETURN_IF_ERROR(CheckStatus(it->status, false, "the TDX module identity"));
    verdict.platform_status = Converge(platform->status, it->status);
    AddAdvisories(it->advisories, verdict.advisories);
    ARCA_ASSIGN_OR_RETURN(verdict.platform_status,
                          RelaunchCheck(*quote.td, info, sgx_level->status, verdict.platform_status,
                                        it->status, qe_level.status));
  }
  verdict.status = Converge(verdict.platform_status, qe_level.status);
  AddAdvisories(qe_level.advisories, verdict.advisories);
  return verdict;
}

}  // namespace arca::tee::intel
