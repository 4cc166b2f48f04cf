#include "arca/node/share_upload.h"

#include <fmt/format.h>

#include "arca/mpc/upload_shares.h"

namespace arca::node {
namespace {

constexpr uint64_t kMaxUploadBytes = uint64_t{1} << 40;

Status Misrouted(const std::string& what) {
  return InvalidArgumentError("upload refused: " + what + "; nothing was stored");
}

}  // namespace

Result<std::unique_ptr<ShareFileReceiver>> ShareFileReceiver::Begin(
    const ShareStore& store, const crypto::X25519KeyPair& hpke_key, int node_index, BlobKind kind,
    Bytes owner_key, uint64_t size) {
  if (kind == BlobKind::kResult) {
    return InvalidArgumentError("upload refused: only datasets and models are uploaded");
  }
  if (owner_key.size() != 32) {
    return InvalidArgumentError("upload refused: 'owner_key' must be a 32-byte Ed25519 key (hex)");
  }
  if (size <= client::kShareFileFixedHeader || size > kMaxUploadBytes) {
    return InvalidArgumentError(fmt::format(
        "upload refused: a share file of {} bytes is too small or too large (at most 2^40)", size));
  }
  ARCA_ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> writer, store.Begin());
  return std::unique_ptr<ShareFileReceiver>(new ShareFileReceiver(
      std::move(writer), hpke_key, node_index, kind, std::move(owner_key), size));
}

ShareFileReceiver::ShareFileReceiver(std::unique_ptr<BlobWriter> writer,
                                     const crypto::X25519KeyPair& hpke_key, int node_index,
                                     BlobKind kind, Bytes owner_key, uint64_t size)
    : writer_(std::move(writer)),
      private_key_(hpke_key.private_key),
      node_index_(node_index),
      kind_(kind),
      owner_key_(std::move(owner_key)),
      size_(size) {}

Status ShareFileReceiver::Append(ByteView bytes) {
  if (failed_) return FailedPreconditionError("upload refused: the upload has already failed");
  Status status = Consume(bytes);
  if (!status.ok()) {
    failed_ = true;
    writer_.reset();  // removes what was written
  }
  return status;
}

Status ShareFileReceiver::Consume(ByteView bytes) {
  if (bytes.size() > size_ - received_) {
    return InvalidArgumentError(fmt::format(
        "upload refused: more bytes arrived than the {} declared; nothing was stored", size_));
  }
  received_ += bytes.size();
  ARCA_RETURN_IF_ERROR(writer_->Append(bytes));
  if (!header_) {
    // The header's length is known once its fixed part (which ends with the name's length)
    // has arrived.
    const size_t before = header_bytes_.size();
    header_bytes_.insert(header_bytes_.end(), bytes.begin(), bytes.end());
    if (header_bytes_.size() < client::kShareFileFixedHeader) return OkStatus();
    const size_t name_length = header_bytes_[client::kShareFileFixedHeader - 2] |
                               size_t{header_bytes_[client::kShareFileFixedHeader - 1]} << 8;
    const size_t header_size = client::kShareFileFixedHeader + name_length;
    if (header_bytes_.size() < header_size) return OkStatus();
    ARCA_RETURN_IF_ERROR(OnHeader());
    // What followed the header in this piece is the stream's start.
    bytes = bytes.subspan(header_size - before);
    header_bytes_.resize(header_size);
  }
  plain_.clear();
  Status status = opener_->Update(bytes, &plain_);
  if (!status.ok()) {
    return DataLossError("upload refused: the share file does not authenticate (" +
                         status.message() + "); nothing was stored");
  }
  body_seen_ += plain_.size();
  if (body_seen_ > body_expected_) {
    return DataLossError(
        "upload refused: the share file's body is longer than its header "
        "declares; nothing was stored");
  }
  return OkStatus();
}

Status ShareFileReceiver::OnHeader() {
  size_t header_size = 0;
  Result<client::ShareFileHeader> header =
      client::ShareFileHeader::Parse(header_bytes_, &header_size);
  if (!header.ok()) return Misrouted(header.status().message());
  if (header->node != node_index_) {
    return Misrouted(fmt::format("the share file is for node {}, not this node ({})", header->node,
                                 node_index_));
  }
  const int parts = mpc::PartsHeldBy(header->protocol, node_index_);
  if (parts == 0) {
    return Misrouted(
        fmt::format("this node holds no parts under {}", mpc::ProtocolKindName(header->protocol)));
  }
  uint64_t body = 0;
  if (__builtin_mul_overflow(static_cast<uint64_t>(header->rows),
                             static_cast<uint64_t>(header->columns), &body) ||
      __builtin_mul_overflow(body, static_cast<uint64_t>(parts) * 8, &body) || body > size_) {
    return DataLossError(fmt::format(
        "upload refused: the header declares {} rows of {} columns, more than the {} bytes "
        "declared for the file; nothing was stored",
        header->rows, header->columns, size_));
  }
  body_expected_ = body;
  Result<crypto::hpke::StreamOpener> opener = crypto::hpke::StreamOpener::Create(
      private_key_, AsBytes(client::kShareFileInfo), ByteView(header_bytes_).first(header_size),
      crypto::hpke::kDefaultChunkSize);
  if (!opener.ok()) return opener.status().WithContext("upload refused");
  opener_.emplace(*std::move(opener));
  header_ = *std::move(header);
  return OkStatus();
}

Result<ReceivedShareFile> ShareFileReceiver::Finish() {
  if (failed_) return FailedPreconditionError("upload refused: the upload has already failed");
  failed_ = true;  // whatever happens, the receiver is done
  if (received_ != size_ || !header_) {
    writer_.reset();
    return InvalidArgumentError(
        fmt::format("upload refused: {} of the {} declared bytes arrived; nothing was stored",
                    received_, size_));
  }
  plain_.clear();
  const Status status = opener_->Finish(&plain_);
  body_seen_ += plain_.size();
  if (!status.ok() || body_seen_ != body_expected_) {
    writer_.reset();
    return DataLossError(
        fmt::format("upload refused: the share file does not authenticate ({}); nothing was stored",
                    status.ok() ? "its body does not match its header" : status.message()));
  }
  BlobInfo info;
  info.kind = kind_;
  info.name = header_->dataset;
  info.version = header_->version;
  info.protocol = header_->protocol;
  info.owner_key = owner_key_;
  ARCA_ASSIGN_OR_RETURN(StoredBlob stored, writer_->Commit(std::move(info)));
  return ReceivedShareFile{std::move(stored.location), stored.info.sha256, *header_};
}

}  // namespace arca::node
