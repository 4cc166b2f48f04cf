// Byte strings, and their hexadecimal form for messages, claims and files.
#ifndef ARCA_BASE_BYTES_H_
#define ARCA_BASE_BYTES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"

namespace arca {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// Lower-case hex, two digits per byte.
std::string ToHex(ByteView bytes);
// Accepts upper and lower case; an odd length or a non-hex digit is an invalid-argument error.
Result<Bytes> FromHex(std::string_view hex);

// Standard base64 (RFC 4648 section 4) with padding; whitespace in the input is skipped.
std::string ToBase64(ByteView bytes);
Result<Bytes> FromBase64(std::string_view text);

inline ByteView AsBytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// Reads a whole file; errors name the path.
Result<Bytes> ReadFileBytes(const std::string& path);

}  // namespace arca

#endif  // ARCA_BASE_BYTES_H_
