// Wall-clock instants as UTC seconds, and their ISO 8601 form ("2023-07-01T01:00:00Z").
//
// Verifiers take the verification time as an input rather than reading the clock, so that
// every check is a pure function and tests can pin the instant.
#ifndef ARCA_BASE_TIME_H_
#define ARCA_BASE_TIME_H_

#include <chrono>
#include <string>
#include <string_view>

#include "arca/base/status.h"

namespace arca {

using UnixTime = std::chrono::sys_seconds;

UnixTime Now();

// Accepts "YYYY-MM-DDTHH:MM:SSZ", optional fractional seconds (dropped) and a "+HH:MM" offset,
// a date alone ("YYYY-MM-DD", midnight UTC), or "@SECONDS" since the Unix epoch.
Result<UnixTime> ParseTime(std::string_view text);
// "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatTime(UnixTime t);

}  // namespace arca

#endif  // ARCA_BASE_TIME_H_
