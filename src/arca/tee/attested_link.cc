#include "arca/tee/attested_link.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include "arca/net/frame_outbox.h"
#include "arca/tee/sigpipe.h"

namespace arca::tee {
namespace {

using net::Frame;
using net::FrameHeader;
using net::FrameKind;

// The most plaintext one TLS record carries: a frame's header goes out in one record with the
// start of its payload.
constexpr size_t kRecordBytes = 16384;

// Waits until the socket is ready for `events` (or has failed: the next TLS call reports it).
void WaitFor(int fd, short events) {  // NOLINT(google-runtime-int): poll's type
  pollfd p{fd, events, 0};
  while (::poll(&p, 1, -1) < 0 && errno == EINTR) {
  }
}

// What a failed TLS call means, read right after it (under the session's mutex).
struct TlsFailure {
  bool ended = false;  // the connection ended (closed, reset, or cut without close_notify)
  std::string text;    // otherwise, what went wrong
};

TlsFailure DescribeFailure(int code) {
  const int saved_errno = errno;
  const unsigned long error = ERR_peek_error();  // NOLINT(google-runtime-int): OpenSSL's type
  TlsFailure failure;
  if (code == SSL_ERROR_ZERO_RETURN ||
      ERR_GET_REASON(error) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    failure.ended = true;
  } else if (code == SSL_ERROR_SYSCALL && error == 0) {
    failure.ended = saved_errno == 0 || saved_errno == ECONNRESET || saved_errno == EPIPE;
    failure.text = saved_errno == 0 ? "end of stream" : std::strerror(saved_errno);
  } else if (error != 0) {
    char text[256];
    ERR_error_string_n(error, text, sizeof(text));
    failure.text = text;
  } else {
    failure.text = fmt::format("TLS error {}", code);
  }
  ERR_clear_error();
  return failure;
}

class AttestedLink final : public net::Link {
 public:
  AttestedLink(std::unique_ptr<AttestedChannel> channel, int peer,
               const AttestedLinkOptions& options)
      : Link(options.receive_budget),
        channel_(std::move(channel)),
        ssl_(channel_->tls_session()),
        fd_(channel_->socket()),
        peer_(peer),
        outbox_(options.send_budget) {
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    // A write returns after each record, so the session is held for one record at a time.
    SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    writer_ = std::thread([this] { WriteLoop(); });
    reader_ = std::thread([this] { ReadLoop(); });
  }
  AttestedLink(const AttestedLink&) = delete;
  AttestedLink& operator=(const AttestedLink&) = delete;
  ~AttestedLink() override { Shutdown(); }

  Status Send(Frame frame) override { return outbox_.Push(std::move(frame)); }
  void SendAbort(const net::AbortNotice& notice) override { outbox_.Abort(notice); }
  Status SendClose() override {
    outbox_.Close();
    return OkStatus();
  }

  void Shutdown() override {
    if (shut_.exchange(true)) return;
    // Let a pending close or abort frame reach the wire, but do not wait on a dead peer.
    outbox_.Stop(std::chrono::seconds(10), UnavailableError("link shut down"));
    ::shutdown(fd_, SHUT_RDWR);  // wakes both threads out of poll
    writer_.join();
    reader_.join();
    // The close_notify, if any, went out after the final frame; the channel must not try to
    // write on the socket that is now shut down.
    SSL_set_quiet_shutdown(ssl_, 1);
    channel_.reset();
    FailReceives(UnavailableError("link shut down"));
  }

 private:
  enum class ReadResult {
    kOk,
    kGone,       // the connection ended before the first byte
    kTruncated,  // it ended after some bytes but before all of them
    kError,      // another failure (read_error_ says which)
  };

  // Reads exactly `size` bytes of plaintext.
  ReadResult ReadAll(uint8_t* out, size_t size) {
    size_t got = 0;
    while (got < size) {
      int code = SSL_ERROR_NONE;
      TlsFailure failure;
      {
        std::lock_guard<std::mutex> lock(tls_mu_);
        size_t n = 0;
        const int r = SSL_read_ex(ssl_, out + got, size - got, &n);
        if (r == 1) {
          got += n;
          continue;
        }
        code = SSL_get_error(ssl_, r);
        if (code != SSL_ERROR_WANT_READ && code != SSL_ERROR_WANT_WRITE) {
          failure = DescribeFailure(code);
        }
      }
      if (code == SSL_ERROR_WANT_READ) {
        WaitFor(fd_, POLLIN);
      } else if (code == SSL_ERROR_WANT_WRITE) {
        WaitFor(fd_, POLLOUT);
      } else if (failure.ended) {
        return got == 0 ? ReadResult::kGone : ReadResult::kTruncated;
      } else {
        read_error_ = failure.text;
        return ReadResult::kError;
      }
    }
    return ReadResult::kOk;
  }

  // Writes all of `data`; on a connection error, false with `error` set.
  bool WriteAll(const uint8_t* data, size_t size, std::string* error) {
    while (size > 0) {
      int code = SSL_ERROR_NONE;
      TlsFailure failure;
      {
        std::lock_guard<std::mutex> lock(tls_mu_);
        size_t n = 0;
        const int r = SSL_write_ex(ssl_, data, size, &n);
        if (r == 1) {
          data += n;
          size -= n;
          continue;
        }
        code = SSL_get_error(ssl_, r);
        if (code != SSL_ERROR_WANT_READ && code != SSL_ERROR_WANT_WRITE) {
          failure = DescribeFailure(code);
        }
      }
      if (code == SSL_ERROR_WANT_WRITE || code == SSL_ERROR_WANT_READ) {
        WaitFor(fd_, POLLOUT);
      } else {
        *error = failure.text.empty() ? "the connection was closed" : failure.text;
        return false;
      }
    }
    return true;
  }

  bool WriteFrame(const Frame& frame, std::string* error) {
    const FrameHeader header = net::EncodeHeader(frame.kind, frame.tag, frame.payload.size());
    // The header and the start of the payload in one record; the rest straight from the frame.
    const size_t head = std::min(frame.payload.size(), kRecordBytes - header.size());
    std::copy(header.begin(), header.end(), first_record_.begin());
    std::copy_n(frame.payload.data(), head, first_record_.begin() + header.size());
    return WriteAll(first_record_.data(), header.size() + head, error) &&
           WriteAll(frame.payload.data() + head, frame.payload.size() - head, error);
  }

  void WriteLoop() {
    const ScopedSigpipeBlock no_sigpipe;
    outbox_.Drain(
        [this](const Frame& frame) -> Status {
          std::string error;
          if (WriteFrame(frame, &error)) return OkStatus();
          return UnavailableError(fmt::format(
              "connection lost to party {} while sending ({}); its process has probably exited",
              peer_, error));
        },
        [this](bool final_frame_written) {
          if (final_frame_written) {
            std::lock_guard<std::mutex> tls(tls_mu_);
            SSL_shutdown(ssl_);  // close_notify; best effort, the close frame said it all
            ERR_clear_error();
          }
          ::shutdown(fd_, SHUT_WR);
        });
  }

  std::string LossMessage(ReadResult r, const std::string& what) const {
    switch (r) {
      case ReadResult::kGone:
        return fmt::format(
            "connection lost to party {}: its process exited or crashed without closing the "
            "session",
            peer_);
      case ReadResult::kTruncated:
        return fmt::format("connection lost to party {} in the middle of a {} (short frame)", peer_,
                           what);
      default:
        return fmt::format("connection to party {} failed while reading a {}: {}", peer_, what,
                           read_error_);
    }
  }

  void ReadLoop() {
    const ScopedSigpipeBlock no_sigpipe;  // reading may write too (alerts, key updates)
    for (;;) {
      FrameHeader header;
      const ReadResult r = ReadAll(header.data(), header.size());
      if (r != ReadResult::kOk) {
        DeliverLoss(UnavailableError(LossMessage(r, "frame header")));
        return;
      }
      Result<net::DecodedHeader> decoded = net::DecodeHeader(header);
      if (!decoded.ok()) {
        FailReceives(
            decoded.status().WithContext(fmt::format("malformed frame from party {}", peer_)));
        return;
      }
      Buffer payload(decoded->payload_bytes);
      if (!payload.empty()) {
        const ReadResult rp = ReadAll(payload.data(), payload.size());
        if (rp != ReadResult::kOk) {
          const ReadResult cut = rp == ReadResult::kGone ? ReadResult::kTruncated : rp;
          DeliverLoss(
              UnavailableError(LossMessage(cut, fmt::format("{}-byte frame", payload.size()))));
          return;
        }
      }
      const FrameKind kind = decoded->kind;
      Deliver(Frame{kind, decoded->tag, std::move(payload)});
      if (kind != FrameKind::kData) return;
    }
  }

  std::unique_ptr<AttestedChannel> channel_;
  SSL* const ssl_;
  const int fd_;
  const int peer_;
  net::FrameOutbox outbox_;

  std::mutex tls_mu_;  // held for each call on ssl_, never while waiting

  std::atomic<bool> shut_{false};

  std::array<uint8_t, kRecordBytes> first_record_{};  // the writer's
  std::string read_error_;                            // the reader's
  std::thread writer_;
  std::thread reader_;
};

}  // namespace

Result<std::unique_ptr<net::Link>> MakeAttestedLink(std::unique_ptr<AttestedChannel> channel,
                                                    int peer, const AttestedLinkOptions& options) {
  if (channel == nullptr || !channel->peer_statement().has_value()) {
    return FailedPreconditionError(fmt::format(
        "an MPC link to party {} needs a channel that checked the peer's attestation", peer));
  }
  return std::unique_ptr<net::Link>(new AttestedLink(std::move(channel), peer, options));
}

}  // namespace arca::tee
