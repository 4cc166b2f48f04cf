// Dataset manifests: the plain data a benchmarked plan reads, in a form fast to load at 10^7
// rows.
//
// A manifest is a JSON file naming the dataset's row count and columns; each column's values
// are a file of `rows` little-endian float64 (categoricals: the index into "categories"),
// named relative to the manifest's directory:
//
//   {"rows": 1000000,
//    "columns": [{"name": "k",    "type": "integer", "file": "k.f64"},
//                {"name": "x",    "type": "decimal", "file": "x.f64"},
//                {"name": "flag", "type": "categorical", "categories": ["A", "N", "R"],
//                 "file": "flag.f64"}]}
//
// Types are the plan's (integer, decimal, boolean, categorical); "categories" is required for a
// categorical column and refused for the others. Errors are one line naming the file and the
// field: "manifest t.json: columns[1]: 'type' must be one of integer, decimal, ...".
#ifndef ARCA_BENCH_PLAN_MANIFEST_H_
#define ARCA_BENCH_PLAN_MANIFEST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/plan/validate.h"

namespace arca::bench {

struct ManifestColumn {
  std::string name;
  plan::ColumnType type = plan::ColumnType::kDecimal;
  std::vector<std::string> categories;
  std::string file;  // the values' path, resolved against the manifest's directory
};

struct DatasetManifest {
  std::string path;  // of the manifest, for messages
  int64_t rows = 0;  // >= 1
  std::vector<ManifestColumn> columns;

  // The column named `name`, or null.
  const ManifestColumn* Find(const std::string& name) const;
};

// Reads and checks the manifest at `path` (the column files are not opened).
Result<DatasetManifest> ReadManifest(const std::string& path);

// Whether `column`'s file exists and holds exactly rows float64.
Status CheckColumnFile(const DatasetManifest& manifest, const ManifestColumn& column);

// The values of `column`, after CheckColumnFile.
Result<std::vector<double>> ReadColumnValues(const DatasetManifest& manifest,
                                             const ManifestColumn& column);

}  // namespace arca::bench

#endif  // ARCA_BENCH_PLAN_MANIFEST_H_
