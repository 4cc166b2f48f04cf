#include "arca/cli/progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

namespace arca::cli {
namespace {

constexpr int kWidth = 30;

std::string Size(uint64_t bytes) {
  if (bytes >= 10'000'000) return fmt::format("{:.0f} MB", static_cast<double>(bytes) / 1e6);
  if (bytes >= 10'000) return fmt::format("{:.0f} kB", static_cast<double>(bytes) / 1e3);
  return fmt::format("{} B", bytes);
}

}  // namespace

ProgressBar::ProgressBar(std::string label, std::string unit, std::FILE* stream)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      stream_(stream),
      terminal_(isatty(fileno(stream)) == 1) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(uint64_t done, uint64_t total) {
  const double fraction = total == 0 ? 0.0 : static_cast<double>(done) / static_cast<double>(total);
  const std::string amount =
      unit_ == "bytes" ? fmt::format("{} / {}", Size(done), Size(total)) : std::string();
  Draw(fraction, amount);
}

void ProgressBar::UpdateFraction(double fraction) { Draw(fraction, ""); }

void ProgressBar::Draw(double fraction, const std::string& amount) {
  if (finished_) return;
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int tenth = static_cast<int>(fraction * 10);
  if (!terminal_ && tenth <= last_tenth_) return;
  last_tenth_ = tenth;
  const int filled = static_cast<int>(fraction * kWidth);
  const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
  const std::string line = fmt::format("{} [{}] {:3.0f}%{}", label_, bar, fraction * 100,
                                       amount.empty() ? "" : "  " + amount);
  std::fprintf(stream_, terminal_ ? "\r%s\x1b[K" : "%s\n", line.c_str());
  std::fflush(stream_);
  drawn_ = true;
}

void ProgressBar::Finish(const std::string& outcome) {
  if (finished_) return;
  if (!outcome.empty()) {
    std::fprintf(stream_, terminal_ ? "\r%s: %s\x1b[K\n" : "%s: %s\n", label_.c_str(),
                 outcome.c_str());
  } else if (drawn_ && terminal_) {
    std::fputc('\n', stream_);
  }
  std::fflush(stream_);
  finished_ = true;
}

}  // namespace arca::cli
