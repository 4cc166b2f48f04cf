#include "arca/node/job_runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

#include "arca/client/receipt.h"
#include "arca/client/result_file.h"
#include "arca/crypto/hash.h"
#include "arca/mpc/result_shares.h"
#include "arca/mpc/upload_shares.h"

namespace arca::node {
namespace {

using nlohmann::json;

constexpr std::string_view kRestarted = "failed: the node restarted while the job ran";

// --- Parsing the feed ---------------------------------------------------------------------

Status FieldError(std::string_view where, std::string_view field, std::string_view what) {
  return InvalidArgumentError(fmt::format("work feed {}: '{}' {}", where, field, what));
}

template <typename T>
Result<T> Required(const json& object, const char* field, std::string_view where) {
  if (!object.is_object() || !object.contains(field)) {
    return FieldError(where, field, "is missing");
  }
  const json& v = object.at(field);
  if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) return FieldError(where, field, "must be a string");
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) return FieldError(where, field, "must be true or false");
  } else if constexpr (std::is_unsigned_v<T>) {
    if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<int64_t>() < 0)) {
      return FieldError(where, field, "must be a non-negative integer");
    }
  } else {
    if (!v.is_number_integer()) return FieldError(where, field, "must be an integer");
  }
  return v.get<T>();
}

// 32 bytes as 64 hex digits.
Result<Bytes> Key32(const json& object, const char* field, std::string_view where) {
  ARCA_ASSIGN_OR_RETURN(const std::string text, Required<std::string>(object, field, where));
  Result<Bytes> bytes = FromHex(text);
  if (!bytes.ok() || bytes->size() != 32) return FieldError(where, field, "must be 64 hex digits");
  return bytes;
}

// "" or 64 lower-case hex digits.
Result<std::string> OptionalDigest(const json& object, const char* field, std::string_view where) {
  ARCA_ASSIGN_OR_RETURN(const std::string text, Required<std::string>(object, field, where));
  if (text.empty()) return text;
  Result<Bytes> bytes = FromHex(text);
  if (!bytes.ok() || bytes->size() != 32 || ToHex(*bytes) != text) {
    return FieldError(where, field, "must be 64 lower-case hex digits or empty");
  }
  return text;
}

Result<JobInput> ParseInput(const json& node, const std::string& where) {
  JobInput in;
  ARCA_ASSIGN_OR_RETURN(in.dataset, Required<std::string>(node, "dataset", where));
  ARCA_ASSIGN_OR_RETURN(in.version, Required<uint64_t>(node, "version", where));
  if (node.contains("supplied_by")) {
    ARCA_ASSIGN_OR_RETURN(in.supplied_by, Required<std::string>(node, "supplied_by", where));
  }
  ARCA_ASSIGN_OR_RETURN(in.location, Required<std::string>(node, "location", where));
  ARCA_ASSIGN_OR_RETURN(in.sha256, OptionalDigest(node, "sha256", where));
  if (!node.contains("schema") || !node.at("schema").is_object()) {
    return FieldError(where, "schema", "must be the schema object");
  }
  in.schema = node.at("schema");
  if (node.contains("approvals")) {
    if (!node.at("approvals").is_array()) return FieldError(where, "approvals", "must be a list");
    for (const json& id : node.at("approvals")) {
      if (!id.is_number_integer()) return FieldError(where, "approvals", "must list integers");
      in.approvals.push_back(id.get<int64_t>());
    }
  }
  if (node.contains("rules")) {
    if (!node.at("rules").is_object()) return FieldError(where, "rules", "must be an object");
    in.rules = node.at("rules");
  }
  return in;
}

Result<JobModel> ParseModel(const json& node, const std::string& where) {
  JobModel m;
  ARCA_ASSIGN_OR_RETURN(m.kind, Required<std::string>(node, "kind", where));
  if (!node.contains("features") || !node.at("features").is_array()) {
    return FieldError(where, "features", "must be a list of names");
  }
  for (const json& f : node.at("features")) {
    if (!f.is_string()) return FieldError(where, "features", "must be a list of names");
    m.features.push_back(f.get<std::string>());
  }
  ARCA_ASSIGN_OR_RETURN(m.intercept, Required<bool>(node, "intercept", where));
  ARCA_ASSIGN_OR_RETURN(m.location, Required<std::string>(node, "location", where));
  ARCA_ASSIGN_OR_RETURN(m.sha256, OptionalDigest(node, "sha256", where));
  return m;
}

// --- Running ------------------------------------------------------------------------------

// Errors of this node in this job, at this step.
class Step {
 public:
  Step(const JobRunnerOptions& options, const JobAssignment& a) : options_(options), a_(a) {}
  Status Wrap(const Status& status, std::string_view step) const {
    if (status.ok()) return status;
    return Status(status.code(),
                  fmt::format("node {} (party {}) in job {}, {}: {}", options_.node_name, a_.party,
                              a_.job, step, status.message()));
  }

 private:
  const JobRunnerOptions& options_;
  const JobAssignment& a_;
};

// A share file of this node, checked against the assignment's digest and opened against what
// `expected_for` makes of its header.
Result<client::NodeShares> OpenStored(
    const ShareStore& store, const tee::NodeIdentity& identity, const std::string& location,
    const std::string& sha256,
    const std::function<client::ExpectedShareFile(const client::ShareFileHeader&)>& expected_for) {
  if (location.empty() || sha256.empty()) {
    return FailedPreconditionError("the assignment names no share file for this node");
  }
  ARCA_ASSIGN_OR_RETURN(const BlobInfo info, store.Info(location));
  if (ToHex(info.sha256) != sha256) {
    return DataLossError(fmt::format(
        "the stored file at {} has SHA-256 {}, the assignment names {}: refusing another upload",
        location, ToHex(info.sha256).substr(0, 16), sha256.substr(0, 16)));
  }
  ARCA_ASSIGN_OR_RETURN(const Bytes file, store.Get(location));
  size_t header_size = 0;
  ARCA_ASSIGN_OR_RETURN(const client::ShareFileHeader header,
                        client::ShareFileHeader::Parse(file, &header_size));
  return client::OpenShareFile(file, identity.hpke_key().private_key, expected_for(header));
}

// Party 0 announces (rows, columns, fractional bits) of every input and model; the others
// compare with their own files, and the dealer builds shapes from it.
Status AgreeOnShapes(mpc::Protocol& protocol, mpc::ProtocolKind kind, LoadedInputs& loaded) {
  std::vector<std::pair<std::string, std::vector<mpc::Shared>*>> all;
  std::vector<int64_t*> rows;
  std::vector<int*> frac_bits;
  std::vector<int64_t> mine;
  for (auto& [name, in] : loaded.inputs) {
    all.emplace_back("input '" + name + "'", &in.columns);
    rows.push_back(&in.rows);
    frac_bits.push_back(&in.frac_bits);
    mine.insert(mine.end(),
                {in.rows, static_cast<int64_t>(in.schema.columns.size()), in.frac_bits});
  }
  for (auto& [name, model] : loaded.models) {
    all.emplace_back("model '" + name + "'", &model.columns);
    rows.push_back(&model.rows);
    frac_bits.push_back(&model.frac_bits);
    mine.insert(mine.end(),
                {model.rows, static_cast<int64_t>(model.columns.size()), model.frac_bits});
  }
  if (all.empty()) return OkStatus();
  const mpc::Shape shape{static_cast<int64_t>(mine.size())};
  const mpc::RingTensor values = mpc::RingTensor::FromSigned(shape, mine);
  ARCA_ASSIGN_OR_RETURN(const mpc::Shared shared,
                        protocol.Input(0, shape, protocol.Holds(0) ? &values : nullptr));
  ARCA_ASSIGN_OR_RETURN(const mpc::RingTensor announced, protocol.Reveal(shared));
  const int parts = mpc::PartsHeldBy(kind, protocol.party());
  for (size_t i = 0; i < all.size(); ++i) {
    const int64_t r = announced.signed_at(static_cast<int64_t>(3 * i));
    const int64_t c = announced.signed_at(static_cast<int64_t>(3 * i + 1));
    const int64_t f = announced.signed_at(static_cast<int64_t>(3 * i + 2));
    if (r < 1 || c < 1 || c > (int64_t{1} << 20) || f < 0 || f > 62) {
      return DataLossError(all[i].first + ": party 0 announced impossible shapes");
    }
    if (parts > 0) {
      if (mine[3 * i] != r || mine[3 * i + 1] != c || mine[3 * i + 2] != f) {
        return FailedPreconditionError(fmt::format(
            "{}: party 0 holds {} rows of {} columns ({} fractional bits), this node {} of {} "
            "({}): the uploads to the nodes differ",
            all[i].first, r, c, f, mine[3 * i], mine[3 * i + 1], mine[3 * i + 2]));
      }
      continue;
    }
    *rows[i] = r;
    *frac_bits[i] = static_cast<int>(f);
    all[i].second->clear();
    for (int64_t k = 0; k < c; ++k) {
      ARCA_ASSIGN_OR_RETURN(mpc::Shared column,
                            mpc::ImportUploaded(kind, protocol.party(), mpc::Shape{r}, {}));
      all[i].second->push_back(std::move(column));
    }
  }
  return OkStatus();
}

Status CheckOutputs(const JobOutputs& outputs) {
  if (outputs.outputs.empty()) return InvalidArgumentError("the program declared no outputs");
  for (const JobOutput& o : outputs.outputs) {
    if (o.value.numel() < 1) {
      return InvalidArgumentError(fmt::format("output '{}' is empty", o.name));
    }
    if (!o.labels.empty() && static_cast<int64_t>(o.labels.size()) != o.value.numel()) {
      return InvalidArgumentError(fmt::format("output '{}' has {} labels for {} values", o.name,
                                              o.labels.size(), o.value.numel()));
    }
  }
  return OkStatus();
}

Status WriteMarker(const std::string& dir, int64_t job) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return UnavailableError(fmt::format("cannot create '{}': {}", dir, error.message()));
  // An empty file: its name is all it says.
  const std::string path = fmt::format("{}/{}", dir, job);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return UnavailableError(fmt::format("cannot write the job marker '{}'", path));
  }
  ::close(fd);
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return OkStatus();
}

// Removes the job's marker when the run ends, whichever way.
class MarkerRemover {
 public:
  explicit MarkerRemover(std::string path) : path_(std::move(path)) {}
  ~MarkerRemover() { ::unlink(path_.c_str()); }
  MarkerRemover(const MarkerRemover&) = delete;
  MarkerRemover& operator=(const MarkerRemover&) = delete;

 private:
  std::string path_;
};

// The plan is the approved one, and the job is for this node.
Status CheckAssignment(const JobRunnerOptions& options, const JobAssignment& a, const Step& step) {
  if (ToHex(crypto::Sha256(AsBytes(a.plan))) != a.plan_hash) {
    return step.Wrap(InvalidArgumentError("the plan's SHA-256 is not the assignment's plan_hash: "
                                          "refusing a plan nobody approved"),
                     "checking the plan");
  }
  const auto own_key = options.identity->signing_key().RawPublicKey();
  if (a.parties[static_cast<size_t>(a.party)].signing_key !=
      Bytes(own_key.begin(), own_key.end())) {
    return step.Wrap(PermissionDeniedError("the assignment names another node's key for this "
                                           "party: refusing a job meant for another node"),
                     "checking the assignment");
  }
  return OkStatus();
}

// Every input's and model's share file of this node, checked and opened (the dealer gets the
// schemas only).
Status LoadShareFiles(const JobRunnerOptions& options, const JobAssignment& a, const Step& step,
                      const std::function<Status()>& check_cancel, LoadedInputs* loaded) {
  const bool holds = mpc::PartsHeldBy(a.protocol, a.party) > 0;
  for (const auto& [input_name, in] : a.inputs) {
    ARCA_RETURN_IF_ERROR(step.Wrap(check_cancel(), "loading inputs"));
    const std::string what = fmt::format("loading input '{}'", input_name);
    LoadedInput& out = loaded->inputs[input_name];
    out.assignment = in;
    Result<client::DatasetSchema> schema = client::DatasetSchema::Parse(in.schema.dump());
    if (!schema.ok()) return step.Wrap(schema.status(), what);
    out.schema = *std::move(schema);
    if (!holds) continue;
    client::ExpectedShareFile expected{in.dataset, in.version, a.protocol, a.party,
                                       out.schema.Hash()};
    Result<client::NodeShares> shares =
        OpenStored(*options.store, *options.identity, in.location, in.sha256,
                   [&](const client::ShareFileHeader&) { return expected; });
    if (!shares.ok()) return step.Wrap(shares.status(), what);
    if (shares->header.columns != static_cast<int64_t>(out.schema.columns.size())) {
      return step.Wrap(DataLossError("the share file's column count differs from the schema's"),
                       what);
    }
    out.rows = shares->header.rows;
    out.frac_bits = shares->header.frac_bits;
    out.columns = std::move(shares->columns);
  }
  for (const auto& [model_name, model] : a.models) {
    ARCA_RETURN_IF_ERROR(step.Wrap(check_cancel(), "loading models"));
    const std::string name = model_name;
    const std::string what = fmt::format("loading model '{}'", name);
    LoadedModel& out = loaded->models[name];
    out.assignment = model;
    if (!holds) continue;
    // A model's file names the model; its version and schema are whatever it was uploaded
    // with, which the digest the assignment names pins.
    Result<client::NodeShares> shares = OpenStored(
        *options.store, *options.identity, model.location, model.sha256,
        [&](const client::ShareFileHeader& h) {
          return client::ExpectedShareFile{name, h.version, a.protocol, a.party, h.schema_hash};
        });
    if (!shares.ok()) return step.Wrap(shares.status(), what);
    out.rows = shares->header.rows;
    out.frac_bits = shares->header.frac_bits;
    out.columns = std::move(shares->columns);
  }
  return OkStatus();
}

// Writes this node's parts of `model` into its store, as a share file sealed to its own key;
// the model's record for the coordinator.
Result<json> StoreModel(const JobRunnerOptions& options, const JobAssignment& a,
                        const JobStoredModel& model) {
  client::ShareFileHeader header;
  header.protocol = a.protocol;
  header.node = a.party;
  header.frac_bits = model.frac_bits;
  header.version = 1;
  header.rows = model.weights.numel();
  header.columns = 1;
  header.schema_hash = crypto::Sha256(AsBytes("arca model weights v1"));
  header.dataset = model.name;
  ARCA_ASSIGN_OR_RETURN(
      const Bytes file,
      client::WriteOwnShareFile(header, {model.weights}, options.identity->hpke_key().public_key));
  BlobInfo info;
  info.kind = BlobKind::kModel;
  info.name = model.name;
  info.version = 1;
  info.protocol = a.protocol;
  ARCA_ASSIGN_OR_RETURN(const StoredBlob stored, options.store->Put(info, file));
  return json{{"name", model.name},          {"kind", model.kind},
              {"features", model.features},  {"intercept", model.intercept},
              {"location", stored.location}, {"sha256", ToHex(stored.info.sha256)}};
}

// This node's receipt part for the job it ran.
Result<json> SignPart(const JobRunnerOptions& options, const JobAssignment& a,
                      const std::vector<client::PrivacySpent>& privacy,
                      const std::string& result_sha256) {
  const bool holds = mpc::PartsHeldBy(a.protocol, a.party) > 0;
  client::ReceiptBody body;
  body.job = a.job;
  body.plan_hash = a.plan_hash;
  body.level = a.level;
  body.consumer = a.consumer;
  body.result_key_sha256 = ToHex(crypto::Sha256(a.result_key));
  for (const auto& [name, in] : a.inputs) {
    body.datasets.push_back({name, in.dataset, in.version, holds ? in.sha256 : ""});
    body.approvals.push_back({name, in.approvals, in.rules});
  }
  for (const auto& [name, model] : a.models) {
    body.models.push_back({name, holds ? model.sha256 : ""});
  }
  body.privacy = privacy;
  body.party = a.party;
  body.node = a.parties[static_cast<size_t>(a.party)].node;
  body.result_sha256 = result_sha256;
  body.time = options.clock();
  return client::SignReceiptPart(body, *options.identity, options.attest);
}

}  // namespace

// --- The feed -----------------------------------------------------------------------------

Result<JobAssignment> ParseJobAssignment(const json& job) {
  const json& node = job;
  if (!node.is_object()) return InvalidArgumentError("work feed: a job must be an object");
  JobAssignment a;
  ARCA_ASSIGN_OR_RETURN(a.job, Required<int64_t>(node, "job", "job"));
  const std::string where = fmt::format("job {}", a.job);
  ARCA_ASSIGN_OR_RETURN(a.status, Required<std::string>(node, "status", where));
  ARCA_ASSIGN_OR_RETURN(a.level, Required<std::string>(node, "level", where));
  Result<mpc::ProtocolKind> protocol = client::ProtocolOfLevel(a.level);
  if (!protocol.ok()) return FieldError(where, "level", "must be tee, dealer2pc or rep3");
  a.protocol = *protocol;
  const int parties = mpc::PartiesOf(a.protocol);
  ARCA_ASSIGN_OR_RETURN(const int64_t party, Required<int64_t>(node, "party", where));
  if (party < 0 || party >= parties) {
    return FieldError(where, "party",
                      fmt::format("must be 0..{} at level {}", parties - 1, a.level));
  }
  a.party = static_cast<int>(party);
  if (!node.contains("parties") || !node.at("parties").is_array() ||
      static_cast<int>(node.at("parties").size()) != parties) {
    return FieldError(where, "parties",
                      fmt::format("must list the {} parties of level {}", parties, a.level));
  }
  for (const json& p : node.at("parties")) {
    JobParty out;
    ARCA_ASSIGN_OR_RETURN(out.node, Required<std::string>(p, "node", where + " party"));
    ARCA_ASSIGN_OR_RETURN(out.mesh_endpoint,
                          Required<std::string>(p, "mesh_endpoint", where + " party"));
    ARCA_ASSIGN_OR_RETURN(out.signing_key, Key32(p, "signing_key", where + " party"));
    a.parties.push_back(std::move(out));
  }
  ARCA_ASSIGN_OR_RETURN(a.plan, Required<std::string>(node, "plan", where));
  ARCA_ASSIGN_OR_RETURN(a.plan_hash, OptionalDigest(node, "plan_hash", where));
  if (a.plan_hash.empty()) return FieldError(where, "plan_hash", "must be 64 hex digits");
  if (!node.contains("inputs") || !node.at("inputs").is_object()) {
    return FieldError(where, "inputs", "must be an object of the plan's inputs");
  }
  for (const auto& [name, value] : node.at("inputs").items()) {
    ARCA_ASSIGN_OR_RETURN(a.inputs[name],
                          ParseInput(value, fmt::format("{} input '{}'", where, name)));
  }
  if (node.contains("models")) {
    if (!node.at("models").is_object()) return FieldError(where, "models", "must be an object");
    for (const auto& [name, value] : node.at("models").items()) {
      ARCA_ASSIGN_OR_RETURN(a.models[name],
                            ParseModel(value, fmt::format("{} model '{}'", where, name)));
    }
  }
  ARCA_ASSIGN_OR_RETURN(a.consumer, Required<std::string>(node, "consumer", where));
  ARCA_ASSIGN_OR_RETURN(const Bytes key, Key32(node, "result_key", where));
  std::copy(key.begin(), key.end(), a.result_key.begin());
  return a;
}

Result<WorkFeed> ParseWorkFeed(std::string_view text) {
  const json root = json::parse(text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    return InvalidArgumentError("work feed: not a JSON object");
  }
  WorkFeed feed;
  if (root.contains("jobs")) {
    if (!root.at("jobs").is_array())
      return InvalidArgumentError("work feed: 'jobs' must be a list");
    for (const json& job : root.at("jobs")) {
      ARCA_ASSIGN_OR_RETURN(JobAssignment a, ParseJobAssignment(job));
      feed.jobs.push_back(std::move(a));
    }
  }
  if (root.contains("destroy")) {
    if (!root.at("destroy").is_array()) {
      return InvalidArgumentError("work feed: 'destroy' must be a list");
    }
    for (const json& order : root.at("destroy")) {
      DestroyOrder d;
      ARCA_ASSIGN_OR_RETURN(d.location, Required<std::string>(order, "location", "destroy"));
      ARCA_ASSIGN_OR_RETURN(d.sha256, OptionalDigest(order, "sha256", "destroy"));
      feed.destroy.push_back(std::move(d));
    }
  }
  return feed;
}

Status ExecuteDestroyOrders(const ShareStore& store, const std::vector<DestroyOrder>& orders) {
  for (const DestroyOrder& order : orders) {
    Result<BlobInfo> info = store.Info(order.location);
    if (!info.ok() && info.status().code() == StatusCode::kNotFound) continue;
    if (!info.ok()) return info.status();
    if (ToHex(info->sha256) != order.sha256) {
      return FailedPreconditionError(
          fmt::format("destroy order for {} refused: the stored blob's SHA-256 is not the order's",
                      order.location));
    }
    ARCA_RETURN_IF_ERROR(store.Destroy(order.location));
  }
  return OkStatus();
}

// --- Cancellation -------------------------------------------------------------------------

void CancelToken::Cancel() {
  cancelled_ = true;
  std::lock_guard<std::mutex> lock(mu_);
  if (network_ != nullptr) network_->Abort(AbortedError("the job was cancelled"));
}

void CancelToken::Attach(net::Network* network) {
  std::lock_guard<std::mutex> lock(mu_);
  network_ = network;
  if (network_ != nullptr && cancelled_) network_->Abort(AbortedError("the job was cancelled"));
}

// --- The runner ---------------------------------------------------------------------------

json JobResult::CompleteRequest() const {
  return {{"result_sha256", result_sha256},
          {"receipt_part", json::parse(receipt_part)},
          {"stored_models", stored_models}};
}

Result<std::vector<InterruptedJob>> JobRunner::RecoverInterrupted() const {
  const std::string dir = options_.state_dir + "/jobs";
  std::vector<InterruptedJob> jobs;
  std::error_code error;
  if (!std::filesystem::exists(dir, error)) return jobs;
  std::vector<std::filesystem::path> markers;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    markers.push_back(entry.path());
  }
  if (error) return UnavailableError(fmt::format("cannot list '{}': {}", dir, error.message()));
  for (const std::filesystem::path& marker : markers) {
    const std::string name = marker.filename().string();
    int64_t job = -1;
    if (!name.empty() && name.size() < 19 &&
        std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      job = std::stoll(name);
    }
    std::filesystem::remove(marker, error);
    if (job >= 0) jobs.push_back({job, std::string(kRestarted)});
  }
  std::sort(jobs.begin(), jobs.end(), [](const auto& a, const auto& b) { return a.job < b.job; });
  return jobs;
}

Result<JobResult> JobRunner::Run(const JobAssignment& a, const JobProgram& program,
                                 const JobProgress& progress, CancelToken* cancel) const {
  const Step step(options_, a);
  const auto report = [&](double fraction) {
    if (progress) progress(fraction);
  };
  const std::function<Status()> check_cancel = [&]() -> Status {
    if (cancel != nullptr && cancel->cancelled()) return AbortedError("the job was cancelled");
    return OkStatus();
  };

  // 1. The plan and this node's place in the job.
  ARCA_RETURN_IF_ERROR(CheckAssignment(options_, a, step));

  // 2. The marker, removed on every way out.
  const std::string jobs_dir = options_.state_dir + "/jobs";
  ARCA_RETURN_IF_ERROR(step.Wrap(WriteMarker(jobs_dir, a.job), "writing the job marker"));
  const MarkerRemover marker(fmt::format("{}/{}", jobs_dir, a.job));
  report(0.0);

  // 3. The share files.
  LoadedInputs loaded;
  ARCA_RETURN_IF_ERROR(LoadShareFiles(options_, a, step, check_cancel, &loaded));
  report(0.05);

  // 4-5. The session.
  ARCA_RETURN_IF_ERROR(step.Wrap(check_cancel(), "connecting to the other parties"));
  std::vector<std::optional<mpc::RingTensor>> parts;
  std::vector<client::ResultOutputInfo> declared;
  std::vector<client::PrivacySpent> privacy;
  std::vector<JobStoredModel> models;
  const mpc::PartyProgram party_program = [&](mpc::Protocol& protocol) -> Status {
    {
      const mpc::Session::Scope scope(protocol.session(), "agreeing on input shapes");
      ARCA_RETURN_IF_ERROR(AgreeOnShapes(protocol, a.protocol, loaded));
    }
    ARCA_RETURN_IF_ERROR(check_cancel());
    report(0.1);
    ARCA_ASSIGN_OR_RETURN(JobOutputs outputs, program(protocol, loaded, [&](double f) {
                            report(0.1 + 0.8 * std::clamp(f, 0.0, 1.0));
                          }));
    models = std::move(outputs.models);
    ARCA_RETURN_IF_ERROR(check_cancel());
    ARCA_RETURN_IF_ERROR(CheckOutputs(outputs));
    const mpc::Session::Scope scope(protocol.session(), "result parts");
    for (const JobOutput& o : outputs.outputs) {
      ARCA_ASSIGN_OR_RETURN(std::optional<mpc::RingTensor> part,
                            mpc::ResultPart(protocol, o.value));
      if (part) {
        ARCA_ASSIGN_OR_RETURN(mpc::RingTensor flat,
                              std::move(*part).Reshaped(mpc::Shape{o.value.numel()}));
        part = std::move(flat);
      }
      parts.push_back(std::move(part));
      declared.push_back({o.name, o.labels, o.value.numel(), o.frac_bits, o.table});
      privacy.push_back({o.name, o.epsilon, o.delta});
    }
    return OkStatus();
  };
  Status ran;
  net::TrafficStats traffic;
  if (a.protocol == mpc::ProtocolKind::kPlaintext) {
    const std::unique_ptr<mpc::Session> session = mpc::Session::Local();
    const std::unique_ptr<mpc::Protocol> protocol = mpc::MakeProtocol(a.protocol, session.get());
    ran = party_program(*protocol);
  } else {
    if (!options_.network) {
      return step.Wrap(FailedPreconditionError("the node has no network factory"),
                       "connecting to the other parties");
    }
    Result<std::unique_ptr<net::Network>> network = options_.network(a);
    if (!network.ok()) return step.Wrap(network.status(), "connecting to the other parties");
    if (cancel != nullptr) cancel->Attach(network->get());
    ran = mpc::RunParty(a.protocol, network->get(), party_program);
    if (cancel != nullptr) cancel->Attach(nullptr);
    traffic = (*network)->stats();
  }
  if (cancel != nullptr && cancel->cancelled()) {
    return step.Wrap(AbortedError("the job was cancelled"), "running the plan");
  }
  ARCA_RETURN_IF_ERROR(step.Wrap(ran, "running the plan"));
  report(0.9);

  // 6. The result file.
  JobResult result;
  result.job = a.job;
  result.traffic = traffic;
  if (!parts.empty() && parts[0].has_value()) {
    client::ResultFileHeader header{a.job, a.party, a.protocol, declared};
    std::vector<mpc::RingTensor> tensors;
    tensors.reserve(parts.size());
    for (std::optional<mpc::RingTensor>& part : parts) tensors.push_back(std::move(*part));
    Result<Bytes> file = client::WriteResultFile(header, tensors, a.result_key);
    if (!file.ok()) return step.Wrap(file.status(), "writing the result file");
    BlobInfo info;
    info.kind = BlobKind::kResult;
    info.name = fmt::format("job-{}", a.job);
    info.protocol = a.protocol;
    Result<StoredBlob> stored = options_.store->Put(info, *file);
    if (!stored.ok()) return step.Wrap(stored.status(), "storing the result file");
    result.result_location = stored->location;
    result.result_sha256 = ToHex(stored->info.sha256);
    result.result_file = *std::move(file);
  }

  // 6b. The models it keeps: this node's parts, sealed to itself.
  if (mpc::PartsHeldBy(a.protocol, a.party) > 0) {
    for (const JobStoredModel& model : models) {
      Result<json> stored = StoreModel(options_, a, model);
      if (!stored.ok()) {
        return step.Wrap(stored.status(), fmt::format("storing model '{}'", model.name));
      }
      result.stored_models.push_back(*std::move(stored));
    }
  }

  // 7. The receipt part.
  Result<json> part = SignPart(options_, a, privacy, result.result_sha256);
  if (!part.ok()) return step.Wrap(part.status(), "signing the receipt");
  result.receipt_part = part->dump();
  report(1.0);
  return result;
}

}  // namespace arca::node
