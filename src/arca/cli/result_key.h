// The consumer's result key pair (X25519, crypto/x25519.h): the nodes seal result files to its
// public half, and only the private half opens them (client/result_file.h).
//
//   consumer.key  the 32-byte private key, mode 0600, never overwritten
//   consumer.pub  its public key as 64 lower-case hex digits and a newline
#ifndef ARCA_CLI_RESULT_KEY_H_
#define ARCA_CLI_RESULT_KEY_H_

#include <string>

#include "arca/base/status.h"
#include "arca/crypto/x25519.h"

namespace arca::cli {

// Where the public half of `private_path` goes: "consumer.key" -> "consumer.pub", any other
// name gets ".pub" appended.
std::string ResultPublicKeyPath(const std::string& private_path);

// Makes a fresh pair and writes both files; refuses (failed-precondition) if either exists.
// Returns the public key.
Result<crypto::X25519Key> WriteResultKeyPair(const std::string& private_path);

// Reads a private key file as WriteResultKeyPair writes it.
Result<crypto::X25519Key> ReadResultPrivateKey(const std::string& path);

// Reads a public key file: 64 hex digits, a trailing newline allowed. Never 32 raw bytes: that
// is what a private key file looks like, and a public key is sent to the coordinator.
Result<crypto::X25519Key> ReadResultPublicKey(const std::string& path);

}  // namespace arca::cli

#endif  // ARCA_CLI_RESULT_KEY_H_
