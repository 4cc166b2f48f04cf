// The API through Api::Handle, with requests signed as a real client signs them: authentication,
// the role matrix, and a job from submission to fetched result.
#include "arca/coord/api.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "arca/client/request_signature.h"
#include "arca/coord/api_bodies.h"
#include "arca/coord/test_util.h"

namespace arca::coord {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const json kSchema = {{"columns", {{{"name", "mean_radius"}, {"type", "decimal"}}}}};

struct Reply {
  int status = 0;
  json body;
  std::string file;
};

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = Store::Open(dir_.File("coord.db")).value();
    api_ = std::make_unique<Api>(*store_, Api::Options{.state_dir = dir_.File("state"),
                                                       .clock = [this] { return now_; },
                                                       .started = now_});
    for (const auto& [id, role] :
         std::vector<std::pair<std::string, PartyRole>>{{"platform", PartyRole::kPlatform},
                                                        {"hospital", PartyRole::kOwner},
                                                        {"other-owner", PartyRole::kOwner},
                                                        {"lab", PartyRole::kCode},
                                                        {"insurer", PartyRole::kConsumer},
                                                        {"bank", PartyRole::kConsumer}}) {
      keys_.emplace(id, crypto::SigningKey::Generate());
      store_->RegisterParty({id, id, role, testing::PublicKeyBytes(keys_.at(id))}, "test").value();
    }
    for (const std::string node : {"node-0", "node-1", "dealer"}) {
      keys_.emplace(node, crypto::SigningKey::Generate());
    }
  }

  // A request signed by `signer` (with its own key unless `key` is given).
  ApiRequest Signed(const std::string& signer, const std::string& method, const std::string& target,
                    const std::string& body = "", const crypto::SigningKey* key = nullptr) {
    const client::RequestSignature signature = client::SignRequest(
        key ? *key : keys_.at(signer), signer, method, target, crypto::Sha256(AsBytes(body)), now_);
    return Request(method, target, body,
                   {{"Arca-Party", signature.party},
                    {"Arca-Time", signature.time},
                    {"Arca-Nonce", signature.nonce},
                    {"Arca-Signature", signature.signature}});
  }

  static ApiRequest Request(const std::string& method, const std::string& target,
                            const std::string& body,
                            const std::map<std::string, std::string>& headers) {
    return {.method = method,
            .target = target,
            .header = [headers](std::string_view name) -> std::optional<std::string> {
              const auto it = headers.find(std::string(name));
              if (it == headers.end()) return std::nullopt;
              return it->second;
            },
            .read_body = [body](const BodySink& sink) { return body.empty() || sink(body); }};
  }

  Reply Send(const ApiRequest& request) {
    const ApiResponse response = api_->Handle(request);
    Reply reply{.status = response.status, .body = nullptr, .file = response.file};
    if (response.file.empty()) reply.body = json::parse(response.json);
    return reply;
  }

  Reply As(const std::string& signer, const std::string& method, const std::string& target,
           const json& body = nullptr) {
    return Send(Signed(signer, method, target, body.is_null() ? "" : body.dump()));
  }

  void RegisterNodes() {
    int index = 0;
    for (const std::string node : {"node-0", "node-1"}) {
      const auto raw = keys_.at(node).RawPublicKey();
      ASSERT_EQ(As("platform", "POST", "/v1/nodes",
                   {{"id", node},
                    {"role", "compute"},
                    {"index", index},
                    {"endpoint", "127.0.0.1:700" + std::to_string(index)},
                    {"mesh_endpoint", "127.0.0.1:710" + std::to_string(index)},
                    {"signing_key", ToHex(raw)}})
                    .status,
                201);
      ++index;
    }
    const auto raw = keys_.at("dealer").RawPublicKey();
    ASSERT_EQ(As("platform", "POST", "/v1/nodes",
                 {{"id", "dealer"},
                  {"role", "dealer"},
                  {"index", 0},
                  {"endpoint", "127.0.0.1:7002"},
                  {"mesh_endpoint", "127.0.0.1:7102"},
                  {"signing_key", ToHex(raw)}})
                  .status,
              201);
  }

  // Nodes, the hospital's dataset and the lab's plan; returns the plan hash.
  std::string Prepare() {
    RegisterNodes();
    const Reply dataset =
        As("hospital", "POST", "/v1/datasets",
           {{"name", "hospital_a"},
            {"level", "dealer2pc"},
            {"schema", kSchema},
            {"row_count", 100},
            {"locations",
             {{{"node", "node-0"}, {"location", "a/0"}, {"sha256", Hex("a0")}},
              {{"node", "node-1"}, {"location", "a/1"}, {"sha256", Hex("a1")}}}}});
    EXPECT_EQ(dataset.status, 201) << dataset.body;
    const Reply plan =
        Send(Signed("lab", "POST", "/v1/plans", std::string(testing::kMeanRadiusPlan)));
    EXPECT_EQ(plan.status, 201) << plan.body;
    return plan.body.value("hash", "");
  }

  // `owner` approves `plan` on `dataset` for the insurer at `level`.
  Reply Approve(const std::string& owner, const std::string& plan, const std::string& dataset,
                const std::string& level = "dealer2pc") {
    return As(owner, "POST", "/v1/approvals",
              {{"plan_hash", plan},
               {"dataset", dataset},
               {"consumers", {"insurer"}},
               {"levels", {level}}});
  }

  json JobBody(const std::string& plan, const std::string& level = "dealer2pc") {
    return {{"plan_hash", plan}, {"level", level}, {"result_key", ToHex(Bytes(32, 7))}};
  }

  static std::string Hex(std::string_view text) { return ToHex(crypto::Sha256(AsBytes(text))); }

  testing::TempDir dir_;
  UnixTime now_ = ParseTime("2026-03-01T12:00:00Z").value();
  std::unique_ptr<Store> store_;
  std::unique_ptr<Api> api_;
  std::map<std::string, crypto::SigningKey> keys_;
};

TEST_F(ApiTest, HealthNeedsNoSignatureAndEverythingElseDoes) {
  EXPECT_EQ(Send(Request("GET", "/v1/health", "", {})).status, 200);
  const Reply unsigned_request = Send(Request("GET", "/v1/whoami", "", {}));
  EXPECT_EQ(unsigned_request.status, 401);
  EXPECT_THAT(unsigned_request.body["error"].get<std::string>(),
              HasSubstr("has no Arca-Party header"));
  const Reply me = As("insurer", "GET", "/v1/whoami");
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.body["role"], "consumer");
}

TEST_F(ApiTest, RefusesForgedTamperedReplayedAndStaleRequests) {
  const std::string body = json{{"status", "offline"}}.dump();
  const auto error = [&](const ApiRequest& request) {
    const Reply reply = Send(request);
    EXPECT_EQ(reply.status, 401);
    return reply.body["error"].get<std::string>();
  };
  // Tampered body: signed for one body, sent with another.
  ApiRequest tampered = Signed("insurer", "POST", "/v1/jobs", "{}");
  tampered.read_body = [](const BodySink& sink) { return sink(R"({"x":1})"); };
  EXPECT_THAT(error(tampered), HasSubstr("signature does not verify with the key registered"));
  // Tampered target.
  ApiRequest other_target = Signed("insurer", "GET", "/v1/jobs");
  other_target.target = "/v1/jobs?status=running";
  EXPECT_THAT(error(other_target), HasSubstr("signature does not verify"));
  // Signed with another party's key.
  EXPECT_THAT(error(Signed("insurer", "GET", "/v1/whoami", "", &keys_.at("bank"))),
              HasSubstr("does not verify with the key registered for 'insurer'"));
  // Replayed.
  const ApiRequest once = Signed("insurer", "GET", "/v1/whoami");
  EXPECT_EQ(Send(once).status, 200);
  EXPECT_THAT(error(once), HasSubstr("replays nonce"));
  // Unknown signer.
  keys_.emplace("mallory", crypto::SigningKey::Generate());
  EXPECT_THAT(error(Signed("mallory", "GET", "/v1/whoami")),
              HasSubstr("'mallory' is neither a registered party nor a registered node"));
  // Stale and early.
  const ApiRequest stale = Signed("insurer", "GET", "/v1/whoami");
  now_ += std::chrono::minutes(6);
  EXPECT_THAT(error(stale), HasSubstr("more than 300 s from the coordinator's time"));
  const ApiRequest early = Signed("insurer", "GET", "/v1/whoami");
  now_ -= std::chrono::minutes(6);
  EXPECT_THAT(error(early), HasSubstr("check the clock of the signer"));
  // Malformed headers.
  ApiRequest bad_time = Signed("insurer", "GET", "/v1/whoami");
  bad_time.header = [inner = bad_time.header](std::string_view name) {
    return name == "Arca-Time" ? std::optional<std::string>("yesterday") : inner(name);
  };
  EXPECT_THAT(error(bad_time), HasSubstr("Arca-Time header is not an RFC 3339 UTC time"));
}

TEST_F(ApiTest, EachRouteRefusesTheRolesThatMayNotCallIt) {
  RegisterNodes();
  const std::map<std::string, uint8_t> bits = {{"platform", kPlatform},
                                               {"hospital", kOwner},
                                               {"lab", kCode},
                                               {"insurer", kConsumer},
                                               {"node-0", kNode}};
  for (const RouteInfo& route : Routes()) {
    if (route.route == Route::kHealth || route.body == BodyKind::kBlob) continue;
    std::string target;
    for (const char c : route.pattern) {
      if (c == '}') continue;
      target.push_back(c == '{' ? '1' : c);
    }
    for (const auto& [caller, bit] : bits) {
      const Reply reply = As(caller, std::string(route.method), target,
                             route.body == BodyKind::kJson ? json::object() : json(nullptr));
      const bool refused_by_role =
          reply.status == 403 &&
          reply.body["error"].get<std::string>().find("may not call") != std::string::npos;
      EXPECT_EQ(refused_by_role, (route.callers & bit) == 0)
          << caller << " " << route.method << " " << target << ": " << reply.body;
      if (refused_by_role) {
        EXPECT_THAT(reply.body["error"].get<std::string>(),
                    HasSubstr(fmt::format("only {} may", route.who)));
      }
    }
  }
  // Spot checks with the exact lines.
  EXPECT_EQ(As("hospital", "POST", "/v1/jobs", json::object()).body["error"],
            "'hospital' (owner) may not call POST /v1/jobs: only a consumer may");
  EXPECT_EQ(As("node-0", "GET", "/v1/parties").body["error"],
            "node 'node-0' may not call GET /v1/parties: only the platform may");
  EXPECT_EQ(As("platform", "POST", "/v1/plans", json::object()).body["error"],
            "'platform' (platform) may not call POST /v1/plans: only a code owner may");
}

TEST_F(ApiTest, ParsersRefuseUnknownAndMalformedFields) {
  const auto raw = keys_.at("node-0").RawPublicKey();
  json node = {{"id", "node-0"},
               {"role", "compute"},
               {"index", 0},
               {"endpoint", "127.0.0.1:1"},
               {"mesh_endpoint", "127.0.0.1:2"},
               {"signing_key", ToHex(raw)}};
  json extra = node;
  extra["admin"] = true;
  EXPECT_EQ(As("platform", "POST", "/v1/nodes", extra).body["error"],
            "field 'admin': is not a known field");
  json bad = node;
  bad["index"] = "0";
  EXPECT_EQ(As("platform", "POST", "/v1/nodes", bad).body["error"],
            "field 'index': must be an integer");
  bad = node;
  bad["signing_key"] = "abcd";
  EXPECT_THAT(As("platform", "POST", "/v1/nodes", bad).body["error"].get<std::string>(),
              HasSubstr("field 'signing_key': must be 32 bytes in hex"));
  EXPECT_THAT(Send(Signed("platform", "POST", "/v1/nodes", R"({"id":"a","id":"b"})"))
                  .body["error"]
                  .get<std::string>(),
              HasSubstr("the body is not JSON"));
  const Reply big =
      Send(Signed("platform", "POST", "/v1/nodes", std::string(kMaxJsonBody + 1, ' ')));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(As("platform", "POST", "/v1/nodes", node).status, 201);
}

TEST_F(ApiTest, AJobRunsFromApprovalToFetchedResult) {
  const std::string plan = Prepare();
  const Reply invalid = Send(Signed("lab", "POST", "/v1/plans",
                                    R"({"version": 1, "name": "x", "inputs": {"d": {"columns":
      ["c"]}}, "nodes": [{"id": "n", "op": "column", "dataset": "d", "columns": ["c"]}],
      "outputs": [{"name": "o", "node": "m", "recipients": ["insurer"]}], "levels": ["tee"]})"));
  EXPECT_EQ(invalid.status, 400);
  EXPECT_FALSE(invalid.body["problems"].empty());

  // Before any approval, and for a consumer the plan's outputs do not name.
  Reply job = As("insurer", "POST", "/v1/jobs", JobBody(plan));
  EXPECT_EQ(job.status, 403);
  EXPECT_EQ(job.body["error"],
            fmt::format("no approval in force from 'hospital' lets 'insurer' use dataset "
                        "'hospital_a' with plan {} at level dealer2pc",
                        plan));
  const Reply approval = As("hospital", "POST", "/v1/approvals",
                            {{"plan_hash", plan},
                             {"dataset", "hospital_a"},
                             {"consumers", {"insurer", "bank"}},
                             {"levels", {"dealer2pc"}},
                             {"rules", {{"min_rows", 10}, {"aggregate_only", {"mean_radius"}}}}});
  ASSERT_EQ(approval.status, 201) << approval.body;
  EXPECT_EQ(As("other-owner", "POST", "/v1/approvals/1/revoke", json::object()).status, 403);
  EXPECT_THAT(As("bank", "POST", "/v1/jobs", JobBody(plan)).body["error"].get<std::string>(),
              HasSubstr(fmt::format("output 'radius' of plan {} is not for 'bank'", plan)));
  EXPECT_THAT(
      As("insurer", "POST", "/v1/jobs", JobBody(plan, "rep3")).body["error"].get<std::string>(),
      HasSubstr("was uploaded for level dealer2pc"));
  job = As("insurer", "POST", "/v1/jobs", JobBody(plan));
  ASSERT_EQ(job.status, 201) << job.body;
  const int64_t id = job.body["id"];
  const std::string path = fmt::format("/v1/jobs/{}", id);

  // The work feed, as workfeed.md fixes it.
  const Reply work = As("node-1", "GET", "/v1/work");
  ASSERT_EQ(work.status, 200);
  ASSERT_EQ(work.body["jobs"].size(), 1U);
  const json& assignment = work.body["jobs"][0];
  EXPECT_EQ(assignment["job"], id);
  EXPECT_EQ(assignment["status"], "pending");
  EXPECT_EQ(assignment["party"], 1);
  EXPECT_EQ(assignment["parties"][2]["node"], "dealer");
  EXPECT_EQ(assignment["parties"][2]["mesh_endpoint"], "127.0.0.1:7102");
  EXPECT_EQ(assignment["plan_hash"], plan);
  EXPECT_EQ(ToHex(crypto::Sha256(AsBytes(assignment["plan"].get<std::string>()))), plan);
  const json& input = assignment["inputs"]["hospital_a"];
  EXPECT_EQ(input["location"], "a/1");
  EXPECT_EQ(input["sha256"], Hex("a1"));
  EXPECT_EQ(input["schema"], kSchema);
  EXPECT_EQ(input["approvals"], json::array({1}));
  EXPECT_EQ(input["rules"], json({{"aggregate_only", {"mean_radius"}}, {"min_rows", 10}}));
  EXPECT_EQ(assignment["result_key"], ToHex(Bytes(32, 7)));
  EXPECT_EQ(As("dealer", "GET", "/v1/work").body["jobs"][0]["inputs"]["hospital_a"]["location"],
            "");

  // Only the job's nodes report, only the consumer (or platform) reads.
  EXPECT_EQ(As("bank", "GET", path).status, 403);
  EXPECT_EQ(As("platform", "GET", path).status, 200);
  EXPECT_EQ(As("node-0", "POST", path + "/progress", {{"progress", 0.5}}).status, 200);
  EXPECT_EQ(As("insurer", "GET", path).body["status"], "running");
  for (const std::string node : {"node-0", "node-1"}) {
    const std::string result = fmt::format("ciphertext of {}", node);
    const Reply uploaded =
        Send(Signed(node, "PUT", fmt::format("{}/results/{}", path, node), result));
    ASSERT_EQ(uploaded.status, 200) << uploaded.body;
    EXPECT_EQ(uploaded.body["sha256"], Hex(result));
  }
  EXPECT_EQ(Send(Signed("node-0", "PUT", path + "/results/node-1", "forged")).status, 403);
  EXPECT_EQ(As("node-0", "POST", path + "/complete",
               {{"result_sha256", Hex("other")}, {"receipt_part", json::object()}})
                .status,
            409);
  for (const std::string node : {"node-0", "node-1", "dealer"}) {
    const Reply done =
        As(node, "POST", path + "/complete",
           {{"result_sha256", node == "dealer" ? "" : Hex(fmt::format("ciphertext of {}", node))},
            {"receipt_part", {{"node", node}}}});
    ASSERT_EQ(done.status, 200) << done.body;
  }
  EXPECT_EQ(As("insurer", "GET", path).body["status"], "succeeded");
  const Reply receipt = As("insurer", "GET", path + "/receipt");
  EXPECT_EQ(receipt.body["receipt"]["parts"][2]["node"], "dealer");
  EXPECT_EQ(As("bank", "GET", path + "/results/node-0").status, 403);
  const Reply fetched = As("insurer", "GET", path + "/results/node-1");
  ASSERT_EQ(fetched.status, 200);
  std::ifstream file(fetched.file, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  EXPECT_EQ(contents.str(), "ciphertext of node-1");
  EXPECT_TRUE(As("node-0", "GET", "/v1/work").body["jobs"].empty());
  EXPECT_TRUE(store_->VerifyAudit(std::nullopt).value().intact);
}

TEST_F(ApiTest, RevokingOrWithdrawingStopsPendingJobsAndNodesDestroyTheShares) {
  const std::string plan = Prepare();
  ASSERT_EQ(Approve("hospital", plan, "hospital_a").status, 201);
  const int64_t first = As("insurer", "POST", "/v1/jobs", JobBody(plan)).body["id"];
  ASSERT_EQ(As("hospital", "POST", "/v1/approvals/1/revoke").status, 200);
  const Reply cancelled = As("insurer", "GET", "/v1/jobs/" + std::to_string(first));
  EXPECT_EQ(cancelled.body["status"], "cancelled");
  // The nodes see it cancelled, so that they stop.
  EXPECT_EQ(As("node-0", "GET", "/v1/work").body["jobs"][0]["status"], "cancelled");

  EXPECT_EQ(As("other-owner", "POST", "/v1/datasets/hospital_a/withdraw").status, 403);
  ASSERT_EQ(As("hospital", "POST", "/v1/datasets/hospital_a/withdraw").status, 200);
  EXPECT_EQ(As("node-1", "GET", "/v1/work").body["destroy"],
            json::array({{{"location", "a/1"}, {"sha256", Hex("a1")}}}));
  EXPECT_TRUE(As("dealer", "GET", "/v1/work").body["destroy"].empty());
}

TEST_F(ApiTest, ADatasetForAnotherLevelIsRefusedWithWhatToDo) {
  const std::string plan = Prepare();
  ASSERT_EQ(Approve("hospital", plan, "hospital_a", "rep3").status, 201);
  const Reply job = As("insurer", "POST", "/v1/jobs", JobBody(plan, "rep3"));
  EXPECT_EQ(job.status, 409);
  EXPECT_EQ(job.body["error"],
            "dataset 'hospital_a' version 1 was uploaded for level dealer2pc; its owner "
            "'hospital' must upload it for rep3 to run at rep3");
}

TEST_F(ApiTest, ADatasetWhoseSchemaDoesNotFitThePlanIsRefused) {
  const std::string plan = Prepare();
  // A second version whose mean_radius is categorical: the plan's mean cannot read it.
  const json categorical = {
      {"columns",
       {{{"name", "mean_radius"}, {"type", "categorical"}, {"categories", {"small", "large"}}}}}};
  ASSERT_EQ(As("hospital", "POST", "/v1/datasets",
               {{"name", "hospital_a"},
                {"level", "dealer2pc"},
                {"schema", categorical},
                {"row_count", 100},
                {"locations",
                 {{{"node", "node-0"}, {"location", "a2/0"}, {"sha256", Hex("a20")}},
                  {{"node", "node-1"}, {"location", "a2/1"}, {"sha256", Hex("a21")}}}}})
                .status,
            201);
  ASSERT_EQ(Approve("hospital", plan, "hospital_a").status, 201);
  const Reply job = As("insurer", "POST", "/v1/jobs", JobBody(plan));
  EXPECT_EQ(job.status, 409);
  const std::string error = job.body["error"];
  EXPECT_THAT(error, StartsWith("plan " + plan +
                                " does not fit the datasets' schemas: node "
                                "'radius' (stats): "));
  EXPECT_THAT(error, HasSubstr("'mean_radius' is categorical"));
}

// Two outputs read hospital_a ('m' and 's', Laplace noise of ε 0.25 each); 'b' reads only
// hospital_b, without noise.
constexpr std::string_view kNoisyPlan = R"({
  "version": 1, "name": "Noisy radius",
  "inputs": {"hospital_a": {"columns": ["mean_radius"]}, "hospital_b": {"columns": ["mean_radius"]}},
  "nodes": [
    {"id": "a", "op": "column", "dataset": "hospital_a", "columns": ["mean_radius"]},
    {"id": "b", "op": "column", "dataset": "hospital_b", "columns": ["mean_radius"]},
    {"id": "mean_a", "op": "stats", "inputs": ["a"], "column": "mean_radius",
     "statistics": ["mean"]},
    {"id": "count_a", "op": "stats", "inputs": ["a"], "column": "mean_radius",
     "statistics": ["count"]},
    {"id": "mean_b", "op": "stats", "inputs": ["b"], "column": "mean_radius",
     "statistics": ["mean"]}],
  "outputs": [
    {"name": "m", "node": "mean_a", "recipients": ["insurer"],
     "noise": {"mechanism": "laplace", "epsilon": 0.25, "sensitivity": 1}},
    {"name": "s", "node": "count_a", "recipients": ["insurer"],
     "noise": {"mechanism": "laplace", "epsilon": 0.25, "sensitivity": 1}},
    {"name": "b", "node": "mean_b", "recipients": ["insurer"]}],
  "levels": ["dealer2pc"]})";

class ApiBudgetTest : public ApiTest {
 protected:
  // Registers `name` for `owner`, with `budget` unless it is null.
  Reply AddDataset(const std::string& owner, const std::string& name, const json& budget) {
    json body = {{"name", name},
                 {"level", "dealer2pc"},
                 {"schema", kSchema},
                 {"row_count", 100},
                 {"locations",
                  {{{"node", "node-0"}, {"location", name + "/0"}, {"sha256", Hex(name + "0")}},
                   {{"node", "node-1"}, {"location", name + "/1"}, {"sha256", Hex(name + "1")}}}}};
    if (!budget.is_null()) body["budget"] = budget;
    return As(owner, "POST", "/v1/datasets", body);
  }

  // The line that refuses output `output` reading budgeted dataset `dataset` without noise.
  static std::string WithoutNoise(std::string_view output, std::string_view dataset) {
    return fmt::format(
        "output '{}' releases data of '{}' without noise; its owner set a privacy budget, so "
        "every output that reads it must have differential-privacy noise",
        output, dataset);
  }

  // Submits `plan` and has both owners approve it for the insurer; its hash.
  std::string Approved(std::string_view plan) {
    const Reply submitted = Send(Signed("lab", "POST", "/v1/plans", std::string(plan)));
    EXPECT_EQ(submitted.status, 201) << submitted.body;
    std::string hash = submitted.body.value("hash", "");
    for (const auto& [owner, dataset] :
         {std::pair{"hospital", "hospital_a"}, std::pair{"other-owner", "hospital_b"}}) {
      const Reply approval = Approve(owner, hash, dataset);
      EXPECT_EQ(approval.status, 201) << approval.body;
    }
    return hash;
  }
};

TEST_F(ApiBudgetTest, NoisyJobsSpendTheBudgetUntilItIsRefused) {
  RegisterNodes();
  Reply dataset = AddDataset("hospital", "hospital_a", {{"epsilon", 1.2}});
  ASSERT_EQ(dataset.status, 201) << dataset.body;
  EXPECT_EQ(dataset.body["budget"], json({{"epsilon", 1.2},
                                          {"delta", 0.0},
                                          {"epsilon_spent", 0.0},
                                          {"delta_spent", 0.0},
                                          {"epsilon_left", 1.2},
                                          {"delta_left", 0.0}}));
  ASSERT_EQ(AddDataset("other-owner", "hospital_b", nullptr).status, 201);
  const std::string plan = Approved(kNoisyPlan);

  // Each job charges hospital_a the ε of 'm' and 's'; 'b' does not read it.
  for (int i = 0; i < 2; ++i) {
    const Reply job = As("insurer", "POST", "/v1/jobs", JobBody(plan));
    ASSERT_EQ(job.status, 201) << job.body;
    EXPECT_EQ(job.body["charges"], json::array({{{"dataset", "hospital_a"},
                                                 {"epsilon", 0.5},
                                                 {"delta", 0.0},
                                                 {"outputs",
                                                  {{"m", {{"epsilon", 0.25}, {"delta", 0.0}}},
                                                   {"s", {{"epsilon", 0.25}, {"delta", 0.0}}}}},
                                                 {"refunded", false}}}));
  }
  const Reply refused = As("insurer", "POST", "/v1/jobs", JobBody(plan));
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.body["error"],
            "dataset 'hospital_a' has ε 0.2 of its privacy budget 1.2 left; this plan needs ε 0.5 "
            "(outputs 'm' 0.25, 's' 0.25)");

  // Every party reads what was spent and what is left, in the dataset and in the list.
  const json budget = As("lab", "GET", "/v1/datasets/hospital_a").body["budget"];
  EXPECT_EQ(budget["epsilon"], 1.2);
  EXPECT_EQ(budget["epsilon_spent"], 1.0);
  EXPECT_NEAR(budget["epsilon_left"].get<double>(), 0.2, 1e-12);
  const json listed = As("insurer", "GET", "/v1/datasets").body["datasets"];
  ASSERT_EQ(listed.size(), 2U);
  EXPECT_EQ(listed[0]["budget"], budget);
  EXPECT_EQ(listed[1]["budget"], nullptr) << "hospital_b has no budget";

  // A pending job cancelled gives its charge back; the owner raises the budget.
  ASSERT_EQ(As("insurer", "POST", "/v1/jobs/2/cancel").status, 200);
  EXPECT_EQ(As("insurer", "GET", "/v1/jobs/2").body["charges"][0]["refunded"], true);
  EXPECT_EQ(As("lab", "GET", "/v1/datasets/hospital_a").body["budget"]["epsilon_spent"], 0.5);
  ASSERT_EQ(As("insurer", "POST", "/v1/jobs", JobBody(plan)).status, 201);
  EXPECT_EQ(As("insurer", "POST", "/v1/jobs", JobBody(plan)).status, 409);
  const Reply raised =
      As("hospital", "PUT", "/v1/datasets/hospital_a/budget", {{"epsilon", 2}, {"delta", 1e-6}});
  ASSERT_EQ(raised.status, 200) << raised.body;
  EXPECT_EQ(raised.body["budget"]["epsilon"], 2.0);
  EXPECT_EQ(raised.body["budget"]["delta"], 1e-6);
  EXPECT_EQ(raised.body["budget"]["epsilon_spent"], 1.0);
  EXPECT_EQ(As("insurer", "POST", "/v1/jobs", JobBody(plan)).status, 201);

  // Each charge, refund and budget change is in the audit log, with the job and the amounts.
  std::vector<std::string> actions;
  const Reply audit = As("platform", "GET", "/v1/audit");
  ASSERT_EQ(audit.status, 200) << audit.body;
  for (const json& entry : audit.body["entries"]) {
    const std::string action = entry["action"];
    if (action.starts_with("budget.") || action == "dataset.budget") actions.push_back(action);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"dataset.budget", "budget.charge", "budget.charge",
                                               "budget.refund", "budget.charge", "dataset.budget",
                                               "budget.charge"}));
  EXPECT_TRUE(store_->VerifyAudit(std::nullopt).value().intact);
}

TEST_F(ApiBudgetTest, RefusesAnOutputWithoutNoiseOnABudgetedDataset) {
  RegisterNodes();
  ASSERT_EQ(AddDataset("hospital", "hospital_a", nullptr).status, 201);
  ASSERT_EQ(AddDataset("other-owner", "hospital_b", nullptr).status, 201);
  std::string text(kNoisyPlan);
  const std::string noise =
      R"(,
     "noise": {"mechanism": "laplace", "epsilon": 0.25, "sensitivity": 1})";
  text.erase(text.rfind(noise), noise.size());
  const std::string plan = Approved(text);  // 's' has no noise now
  // Without budgets the plan runs as before; a budget set later stops that unfinished job.
  ASSERT_EQ(As("insurer", "POST", "/v1/jobs", JobBody(plan)).status, 201);
  ASSERT_EQ(As("hospital", "PUT", "/v1/datasets/hospital_a/budget", {{"epsilon", 5}}).status, 200);
  EXPECT_EQ(As("insurer", "GET", "/v1/jobs/1").body["status"], "cancelled");
  const Reply refused = As("insurer", "POST", "/v1/jobs", JobBody(plan));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body["error"], WithoutNoise("s", "hospital_a"));
  EXPECT_EQ(As("lab", "GET", "/v1/datasets/hospital_a").body["budget"]["epsilon_spent"], 0.0);
}

TEST_F(ApiBudgetTest, RefusesTheOutputWithoutNoiseThatReadsTheBudgetedDataset) {
  RegisterNodes();
  ASSERT_EQ(AddDataset("hospital", "hospital_a", nullptr).status, 201);
  ASSERT_EQ(AddDataset("other-owner", "hospital_b", {{"epsilon", 5}}).status, 201);
  // 'm' and 's' have noise and read hospital_a, which has no budget; 'b' reads hospital_b,
  // which has one, without noise.
  const std::string plan = Approved(kNoisyPlan);
  const Reply refused = As("insurer", "POST", "/v1/jobs", JobBody(plan));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body["error"], WithoutNoise("b", "hospital_b"));
  EXPECT_EQ(As("insurer", "GET", "/v1/datasets/hospital_b").body["budget"]["epsilon_spent"], 0.0);
  EXPECT_EQ(As("insurer", "GET", "/v1/jobs/1").status, 404) << "no job was created";
}

TEST_F(ApiBudgetTest, OnlyTheOwnerSetsABudgetAndOnlyAValidOne) {
  RegisterNodes();
  ASSERT_EQ(AddDataset("hospital", "hospital_a", nullptr).status, 201);
  const Reply stranger =
      As("other-owner", "PUT", "/v1/datasets/hospital_a/budget", {{"epsilon", 1}});
  EXPECT_EQ(stranger.status, 403);
  EXPECT_EQ(stranger.body["error"],
            "'other-owner' does not own dataset 'hospital_a' (its owner is 'hospital'), so it "
            "cannot set its privacy budget");
  EXPECT_EQ(As("insurer", "PUT", "/v1/datasets/hospital_a/budget", {{"epsilon", 1}}).status, 403);
  EXPECT_EQ(As("hospital", "PUT", "/v1/datasets/missing/budget", {{"epsilon", 1}}).status, 404);
  for (const json& bad :
       {json{{"epsilon", 0}}, json{{"epsilon", -1}}, json{{"epsilon", "1"}}, json{{"delta", 0.1}},
        json{{"epsilon", 1}, {"delta", 1}}, json{{"epsilon", 1}, {"extra", 1}}}) {
    const Reply reply = As("hospital", "PUT", "/v1/datasets/hospital_a/budget", bad);
    EXPECT_EQ(reply.status, 400) << bad << ": " << reply.body;
  }
  EXPECT_EQ(As("hospital", "PUT", "/v1/datasets/hospital_a/budget", {{"epsilon", 0}}).body["error"],
            "privacy budget: epsilon must be a number > 0, not 0");
  EXPECT_EQ(
      As("hospital", "PUT", "/v1/datasets/hospital_a/budget", {{"epsilon", "1"}}).body["error"],
      "field 'epsilon': must be a number");
  EXPECT_EQ(AddDataset("hospital", "hospital_a", {{"epsilon", 1}, {"delta", 2}}).body["error"],
            "privacy budget: delta must be a number in [0, 1), not 2");
  EXPECT_EQ(As("lab", "GET", "/v1/datasets/hospital_a").body["budget"], nullptr);
  // A consumer's inference rows take no budget.
  const Reply consumer = AddDataset("insurer", "insurer-rows", {{"epsilon", 1}});
  EXPECT_EQ(consumer.status, 403);
  EXPECT_EQ(consumer.body["error"],
            "'insurer' (consumer) uploads its own rows for inference; only a data owner's dataset "
            "takes a privacy budget");
}

}  // namespace
}  // namespace arca::coord
