#include "arca/client/receipt.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "arca/base/test_dir.h"
#include "arca/plan/canonical_json.h"
#include "arca/tee/sim_tee.h"

namespace arca::client {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// Three SIMULATED nodes of one program, a consumer's policy for them, and their receipt parts
// for one dealer2pc job.
class ReceiptTest : public ::testing::Test {
 protected:
  ReceiptTest() {
    dir_ = arca::testing::FreshTestDir("receipt_test");
    std::ofstream(dir_ + "/sim-root.pem") << root_.certificate().Pem();
    policy_ = PolicyFor(measurement_);
    for (int party = 0; party < 3; ++party) {
      std::array<uint8_t, 32> chip{};
      chip[0] = static_cast<uint8_t>(party);
      tees_.emplace_back(root_, measurement_, chip);
      identities_.push_back(tee::NodeIdentity::Generate());
    }
    results_ = {Bytes{1, 2, 3}, Bytes{4, 5, 6}};
  }

  tee::Policy PolicyFor(const crypto::Sha384Digest& measurement) const {
    return *tee::Policy::Parse(R"({"version": 1, "platforms": {"sim": {"measurements": [")" +
                                   ToHex(measurement) +
                                   R"("], "trust_anchors": [{"file": "sim-root.pem", "sha256": ")" +
                                   ToHex(root_.certificate().Fingerprint()) + R"("}]}}})",
                               dir_);
  }

  ReceiptBody Body(int party) const {
    ReceiptBody b;
    b.job = 12;
    b.plan_hash = std::string(64, 'a');
    b.level = "dealer2pc";
    b.consumer = "insurer";
    b.result_key_sha256 = std::string(64, 'b');
    b.datasets = {
        {"hospital_a", "hospital_a", 1, party == 2 ? "" : std::string(64, party == 0 ? '0' : '1')}};
    b.approvals = {{"hospital_a", {3, 5}, json{{"aggregate_only", {"age"}}, {"min_rows", 10}}}};
    b.privacy = {{"mean_age", 0.5, 1e-6}};
    b.party = party;
    b.node = "node-" + std::to_string(party);
    b.result_sha256 = party == 2 ? "" : ToHex(crypto::Sha256(results_[static_cast<size_t>(party)]));
    b.time = Now();
    return b;
  }

  json Part(const ReceiptBody& body, size_t node) const {
    const tee::SimTee& tee = tees_[node];
    Result<json> part = SignReceiptPart(body, identities_[node], [&](ByteView report_data) {
      return [&]() -> Result<tee::Evidence> {
        tee::Evidence evidence;
        evidence.platform = tee::Platform::kSim;
        ARCA_ASSIGN_OR_RETURN(evidence.report, tee.Report(report_data, Now()));
        return evidence;
      }();
    });
    EXPECT_TRUE(part.ok()) << part.status().ToString();
    return *part;
  }

  std::string Receipt(const std::vector<json>& parts, int64_t job = 12) const {
    return *plan::CanonicalJson(json{{"job", job}, {"parts", parts}});
  }

  std::string GoodReceipt() const {
    return Receipt({Part(Body(0), 0), Part(Body(1), 1), Part(Body(2), 2)});
  }

  std::string dir_;
  tee::SimRoot root_ = *tee::SimRoot::Create(crypto::SigningKey::Generate());
  crypto::Sha384Digest measurement_ = tee::MeasureProgram(AsBytes("arca-node"), AsBytes("{}"));
  tee::Policy policy_;
  std::vector<tee::SimTee> tees_;
  std::vector<tee::NodeIdentity> identities_;
  std::vector<Bytes> results_;
};

TEST_F(ReceiptTest, AReceiptOfEveryPartyVerifies) {
  Result<VerifiedReceipt> verified = VerifyReceipt(GoodReceipt(), policy_, {});
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->common.plan_hash, std::string(64, 'a'));
  ASSERT_EQ(verified->parts.size(), 3u);
  EXPECT_EQ(verified->parts[2].node, "node-2");
  EXPECT_EQ(verified->parts[1].statement.claims.product, "SIMULATED");
  // With the result files: both, in any order.
  ReceiptCheckOptions options{true, {results_[1], results_[0]}, {}};
  EXPECT_TRUE(VerifyReceipt(GoodReceipt(), policy_, options).ok());
  options.result_files = {results_[0]};
  EXPECT_THAT(VerifyReceipt(GoodReceipt(), policy_, options).status().message(),
              HasSubstr("no result file has the SHA-256"));
  options.result_files = {results_[0], results_[1], Bytes{9}};
  EXPECT_THAT(VerifyReceipt(GoodReceipt(), policy_, options).status().message(),
              HasSubstr("is not one the nodes signed for"));
}

// Every byte of the receipt, changed, makes it fail, with a line that says what failed.
TEST_F(ReceiptTest, OneChangedByteAnywhereIsRefused) {
  const std::string receipt = GoodReceipt();
  ASSERT_TRUE(VerifyReceipt(receipt, policy_, {}).ok());
  for (size_t at = 0; at < receipt.size(); ++at) {
    for (const char change : {'\x01', '\x20'}) {
      std::string changed = receipt;
      changed[at] = static_cast<char>(changed[at] ^ change);
      const Result<VerifiedReceipt> verified = VerifyReceipt(changed, policy_, {});
      ASSERT_FALSE(verified.ok()) << "byte " << at << " ('" << receipt[at] << "') changed";
      EXPECT_THAT(verified.status().message(), HasSubstr("receipt refused: "));
    }
  }
}

TEST_F(ReceiptTest, EachFailureIsNamed) {
  const json p0 = Part(Body(0), 0), p1 = Part(Body(1), 1), p2 = Part(Body(2), 2);
  EXPECT_THAT(VerifyReceipt(Receipt({p0, p1}), policy_, {}).status().message(),
              HasSubstr("a dealer2pc job has 3 parties, but 2 parts signed"));
  EXPECT_THAT(VerifyReceipt(Receipt({p0, p1, p1}), policy_, {}).status().message(),
              HasSubstr("party 2 signed no part"));
  EXPECT_THAT(VerifyReceipt(Receipt({p0, p1, p2}, 13), policy_, {}).status().message(),
              HasSubstr("it is for job 12, the receipt for job 13"));
  // Another plan at one party; one node signing for two parties.
  ReceiptBody other = Body(1);
  other.plan_hash = std::string(64, 'c');
  EXPECT_THAT(VerifyReceipt(Receipt({p0, Part(other, 1), p2}), policy_, {}).status().message(),
              HasSubstr("part of party 1 (node-1): 'plan_hash' differs from party 0's"));
  EXPECT_THAT(VerifyReceipt(Receipt({p0, Part(Body(1), 0), p2}), policy_, {}).status().message(),
              HasSubstr("its key signed another party's part too"));
  // A policy for another program; evidence of another body.
  const tee::Policy other_policy = PolicyFor(tee::MeasureProgram(AsBytes("other"), AsBytes("{}")));
  EXPECT_THAT(VerifyReceipt(Receipt({p0, p1, p2}), other_policy, {}).status().message(),
              HasSubstr("part of party 0 (node-0): evidence refused: measurement"));
  json moved = p1;
  moved["evidence"] = p0["evidence"];
  EXPECT_THAT(VerifyReceipt(Receipt({p0, moved, p2}), policy_, {}).status().message(),
              HasSubstr("part of party 1 (node-1): evidence refused"));
}

}  // namespace
}  // namespace arca::client
