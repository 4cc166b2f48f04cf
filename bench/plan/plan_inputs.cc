#include "bench/plan/plan_inputs.h"

#include <utility>
#include <vector>

#include "arca/mpc/upload_shares.h"
#include "arca/net/network.h"
#include "arca/plan/input_encoding.h"

namespace arca::bench {
namespace {

// The party whose process reads the data.
constexpr int kOwner = 0;

// This party's parts of one column: the owner's own, after sending the others theirs.
Result<mpc::Parts> UploadColumn(mpc::Protocol& p, mpc::ProtocolKind kind,
                                const std::string& dataset, const DatasetManifest& manifest,
                                const ManifestColumn& column, int frac_bits) {
  const int parties = mpc::PartiesOf(kind);
  const uint32_t op = p.session().BeginOp("upload");
  const auto tag = [op](size_t part) {
    return net::MessageTag{op, static_cast<uint16_t>(part), net::Traffic::kOnline};
  };
  if (p.party() == kOwner) {
    std::vector<mpc::Parts> parts;
    {
      ARCA_ASSIGN_OR_RETURN(const std::vector<double> values, ReadColumnValues(manifest, column));
      ARCA_ASSIGN_OR_RETURN(const mpc::RingTensor encoded,
                            plan::EncodeInput(plan::PlainInput{dataset, column.name, column.type,
                                                               column.categories.size(), values},
                                              frac_bits));
      parts = mpc::SplitForUpload(kind, encoded);
    }
    for (int q = 0; q < parties; ++q) {
      if (q == kOwner) continue;
      mpc::Parts& theirs = parts[static_cast<size_t>(q)];
      for (size_t i = 0; i < theirs.size(); ++i) {
        ARCA_RETURN_IF_ERROR(
            p.session().network().Send(q, tag(i), std::move(theirs[i]).TakeBuffer()));
      }
    }
    return std::move(parts[kOwner]);
  }
  const mpc::Shape shape{manifest.rows};
  mpc::Parts mine;
  for (int i = 0; i < mpc::PartsHeldBy(kind, p.party()); ++i) {
    ARCA_ASSIGN_OR_RETURN(Buffer bytes,
                          p.session().network().Recv(kOwner, tag(static_cast<size_t>(i)),
                                                     static_cast<size_t>(manifest.rows) * 8));
    ARCA_ASSIGN_OR_RETURN(mpc::RingTensor part,
                          mpc::RingTensor::FromBuffer(shape, std::move(bytes)));
    mine.push_back(std::move(part));
  }
  return mine;
}

}  // namespace

Result<std::map<std::string, plan::InputTable>> ShareInputs(mpc::Protocol& p,
                                                            mpc::ProtocolKind kind,
                                                            const PlanJob& job) {
  const int frac_bits = job.plan.plan.fractional_bits;
  std::map<std::string, plan::InputTable> tables;
  for (const auto& [name, manifest] : job.inputs) {
    plan::InputTable& table = tables[name];
    table.rows = manifest.rows;
    table.frac_bits = frac_bits;
    // Only the columns the plan reads, as an upload's plan approval names them.
    for (const std::string& column_name : job.plan.plan.inputs.at(name).columns) {
      const ManifestColumn& column = *manifest.Find(column_name);
      ARCA_ASSIGN_OR_RETURN(mpc::Parts parts,
                            UploadColumn(p, kind, name, manifest, column, frac_bits));
      ARCA_ASSIGN_OR_RETURN(
          mpc::Shared shared,
          mpc::ImportUploaded(kind, p.party(), mpc::Shape{manifest.rows}, std::move(parts)));
      table.columns[column_name] =
          plan::InputColumn{column.type, column.categories, std::move(shared)};
    }
  }
  return tables;
}

}  // namespace arca::bench
