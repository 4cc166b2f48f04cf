#include "arca/client/node_upload.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "arca/net/tcp_socket.h"

namespace arca::client {
namespace {

using nlohmann::json;

Status Send(tee::AttestedChannel& channel, const json& request) {
  return channel.Send(AsBytes(request.dump()));
}

// The node's answer to one message; {"ok": false} becomes an error carrying its line.
Result<json> ReceiveAnswer(tee::AttestedChannel& channel) {
  ARCA_ASSIGN_OR_RETURN(const Bytes bytes, channel.Receive());
  json answer = json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (!answer.is_object() || !answer.contains("ok") || !answer["ok"].is_boolean()) {
    return DataLossError("the node's answer is not a JSON object with \"ok\"");
  }
  if (!answer["ok"].get<bool>()) {
    const json& error = answer.contains("error") ? answer["error"] : json();
    return FailedPreconditionError(error.is_string() ? error.get<std::string>()
                                                     : "the node refused without a reason");
  }
  return answer;
}

template <typename T>
Result<T> Field(const json& answer, const char* name) {
  if (!answer.contains(name)) {
    return DataLossError(fmt::format("the node's answer lacks \"{}\"", name));
  }
  try {
    return answer[name].get<T>();
  } catch (const json::exception&) {
    return DataLossError(fmt::format("the node's answer has a malformed \"{}\"", name));
  }
}

}  // namespace

Bytes WithdrawMessage(std::string_view location, UnixTime time) {
  const std::string text =
      fmt::format("arca withdraw v1{}{}{}{}", '\0', location, '\0', FormatTime(time));
  return Bytes(text.begin(), text.end());
}

Result<std::unique_ptr<tee::AttestedChannel>> ConnectToNode(const net::Endpoint& node,
                                                            const tee::Policy& policy) {
  ARCA_ASSIGN_OR_RETURN(const int fd, net::ConnectTcp(node, std::chrono::seconds(10)));
  tee::AttestedTlsOptions options;
  options.peer = tee::PeerCheck{&policy, {}, Now};
  return tee::AttestedChannel::Connect(fd, options);
}

Result<UploadAnswer> UploadShareFile(tee::AttestedChannel& channel, const std::string& path,
                                     std::string_view kind, const crypto::SigningKey& owner_key,
                                     const UploadProgress& progress) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) return NotFoundError(fmt::format("cannot open the share file '{}'", path));
  const auto end = file.tellg();
  if (end <= 0) return InvalidArgumentError(fmt::format("the share file '{}' is empty", path));
  const auto total = static_cast<uint64_t>(end);
  file.seekg(0);
  const auto key = owner_key.RawPublicKey();
  ARCA_RETURN_IF_ERROR(
      Send(channel,
           {{"op", "upload_begin"}, {"kind", kind}, {"owner_key", ToHex(key)}, {"size", total}}));
  ARCA_RETURN_IF_ERROR(ReceiveAnswer(channel).status());

  crypto::Sha256Hasher hasher;
  Bytes chunk;
  uint64_t sent = 0;
  bool unacknowledged = false;  // a chunk whose answer is still to be read
  Status failure;
  while (sent < total && failure.ok()) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kUploadChunk, total - sent));
    chunk.assign(1 + n, kChunkMessageTag);
    if (!file.read(reinterpret_cast<char*>(chunk.data() + 1), static_cast<std::streamsize>(n))) {
      failure = UnavailableError(fmt::format("cannot read the share file '{}'", path));
      break;
    }
    hasher.Update(ByteView(chunk).subspan(1));
    ARCA_RETURN_IF_ERROR(channel.Send(chunk));
    sent += n;
    // One chunk stays in flight while the next is read from disk.
    if (unacknowledged) {
      Result<json> ack = ReceiveAnswer(channel);
      if (!ack.ok()) {
        failure = ack.status();
        // The answer to the chunk just sent is still to come.
        (void)channel.Receive();
        unacknowledged = false;
        break;
      }
      if (progress) progress(sent - n, total);
    }
    unacknowledged = true;
  }
  if (unacknowledged) {
    Result<json> ack = ReceiveAnswer(channel);
    if (!ack.ok() && failure.ok()) failure = ack.status();
    if (ack.ok() && progress) progress(sent, total);
  }
  if (!failure.ok()) return failure.WithContext("upload refused by the node");

  ARCA_RETURN_IF_ERROR(Send(channel, {{"op", "upload_end"}}));
  Result<json> answer = ReceiveAnswer(channel);
  if (!answer.ok()) return answer.status().WithContext("upload refused by the node");
  UploadAnswer out;
  ARCA_ASSIGN_OR_RETURN(out.location, Field<std::string>(*answer, "location"));
  ARCA_ASSIGN_OR_RETURN(out.rows, Field<int64_t>(*answer, "rows"));
  ARCA_ASSIGN_OR_RETURN(out.columns, Field<int64_t>(*answer, "columns"));
  ARCA_ASSIGN_OR_RETURN(const std::string digest, Field<std::string>(*answer, "sha256"));
  out.sha256 = hasher.Finish();
  if (digest != ToHex(out.sha256)) {
    return DataLossError(fmt::format(
        "the node's digest of the upload ({}) differs from the file's ({}): the bytes were "
        "changed in transit or the node misbehaves; withdraw {} and upload again",
        digest.substr(0, 16), ToHex(out.sha256).substr(0, 16), out.location));
  }
  return out;
}

Result<bool> WithdrawUpload(tee::AttestedChannel& channel, std::string_view location,
                            const crypto::SigningKey& owner_key, UnixTime now) {
  const crypto::Ed25519Signature signature = owner_key.Sign(WithdrawMessage(location, now));
  ARCA_RETURN_IF_ERROR(Send(channel, {{"op", "withdraw"},
                                      {"location", location},
                                      {"time", FormatTime(now)},
                                      {"signature", ToHex(signature)}}));
  Result<json> answer = ReceiveAnswer(channel);
  if (!answer.ok()) return answer.status().WithContext("withdrawal refused by the node");
  return Field<bool>(*answer, "destroyed");
}

}  // namespace arca::client
