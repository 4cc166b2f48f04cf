// A progress bar for long work (uploads, running jobs), on stderr so that stdout stays
// parseable. On a terminal it redraws one line; otherwise it prints a line at each further
// tenth, so logs stay short.
#ifndef ARCA_CLI_PROGRESS_BAR_H_
#define ARCA_CLI_PROGRESS_BAR_H_

#include <cstdint>
#include <cstdio>
#include <string>

namespace arca::cli {

class ProgressBar {
 public:
  // `unit` formats amounts: "bytes" shows sizes (kB, MB), "" shows a bare fraction.
  ProgressBar(std::string label, std::string unit, std::FILE* stream = stderr);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // `done` of `total` (total 0: unknown).
  void Update(uint64_t done, uint64_t total);
  // A fraction in [0, 1].
  void UpdateFraction(double fraction);
  // Ends the line (also done by the destructor); `outcome` replaces the percentage if given.
  void Finish(const std::string& outcome = "");

 private:
  void Draw(double fraction, const std::string& amount);

  const std::string label_;
  const std::string unit_;
  std::FILE* const stream_;
  const bool terminal_;
  int last_tenth_ = -1;
  bool drawn_ = false;
  bool finished_ = false;
};

}  // namespace arca::cli

#endif  // ARCA_CLI_PROGRESS_BAR_H_
