#include "arca/net/tcp_link.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <thread>

#include "arca/net/frame_outbox.h"

namespace arca::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

std::string ErrnoText(int err) { return std::strerror(err); }

// Writes all of `parts`; false on a connection error (errno is set).
bool WriteAll(int fd, iovec* parts, int count) {
  while (count > 0) {
    msghdr msg{};
    msg.msg_iov = parts;
    msg.msg_iovlen = static_cast<size_t>(count);
    const ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    auto left = static_cast<size_t>(n);
    while (count > 0 && left >= parts->iov_len) {
      left -= parts->iov_len;
      ++parts;
      --count;
    }
    if (count > 0) {
      parts->iov_base = static_cast<uint8_t*>(parts->iov_base) + left;
      parts->iov_len -= left;
    }
  }
  return true;
}

bool WriteFrame(int fd, FrameKind kind, const MessageTag& tag, const Buffer& payload) {
  FrameHeader header = EncodeHeader(kind, tag, payload.size());
  // iovec's pointer is non-const for readv's sake; writev only reads through it.
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast)
  auto* const payload_bytes = const_cast<uint8_t*>(payload.data());
  iovec parts[2] = {{header.data(), header.size()}, {payload_bytes, payload.size()}};
  return WriteAll(fd, parts, payload.empty() ? 1 : 2);
}

enum class ReadResult {
  kOk,
  kGone,       // the connection ended (closed or reset) before the first byte
  kTruncated,  // it ended after some bytes but before `size`
  kError,      // another read error
};

// Reads exactly `size` bytes. A process that dies with unread data in its socket makes the
// kernel reset the connection instead of closing it; before the first byte, both mean the
// same: the peer is gone.
ReadResult ReadAll(int fd, uint8_t* out, size_t size) {
  size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd, out + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    const bool ended = n == 0 || (n < 0 && errno == ECONNRESET);
    if (ended) return got == 0 ? ReadResult::kGone : ReadResult::kTruncated;
    if (n < 0) return ReadResult::kError;
    got += static_cast<size_t>(n);
  }
  return ReadResult::kOk;
}

std::string LossMessage(ReadResult r, const char* what) {
  switch (r) {
    case ReadResult::kGone:
      return "connection lost: the peer process exited or crashed without closing the session";
    case ReadResult::kTruncated:
      return fmt::format("connection lost in the middle of a {} (short frame)", what);
    default:
      return fmt::format("connection error while reading a {}: {}", what, ErrnoText(errno));
  }
}

class TcpLink final : public Link {
 public:
  TcpLink(int fd, const TcpOptions& options)
      : Link(options.receive_budget), fd_(fd), outbox_(options.send_budget) {
    writer_ = std::thread([this] { WriteLoop(); });
    reader_ = std::thread([this] { ReadLoop(); });
  }
  TcpLink(const TcpLink&) = delete;
  TcpLink& operator=(const TcpLink&) = delete;
  ~TcpLink() override { Shutdown(); }

  Status Send(Frame frame) override { return outbox_.Push(std::move(frame)); }
  void SendAbort(const AbortNotice& notice) override { outbox_.Abort(notice); }
  Status SendClose() override {
    outbox_.Close();
    return OkStatus();
  }

  void Shutdown() override {
    if (shut_.exchange(true)) return;
    // Let a pending close or abort frame reach the wire, but do not wait on a dead peer.
    outbox_.Stop(std::chrono::seconds(10), UnavailableError("link shut down"));
    ::shutdown(fd_, SHUT_RDWR);
    writer_.join();
    reader_.join();
    ::close(fd_);
    FailReceives(UnavailableError("link shut down"));
  }

 private:
  void WriteLoop() {
    outbox_.Drain(
        [this](const Frame& frame) -> Status {
          if (WriteFrame(fd_, frame.kind, frame.tag, frame.payload)) return OkStatus();
          return UnavailableError(fmt::format(
              "connection lost while sending ({}); the peer process has probably exited",
              ErrnoText(errno)));
        },
        [this](bool /*final_frame_written*/) { ::shutdown(fd_, SHUT_WR); });
  }

  void ReadLoop() {
    for (;;) {
      FrameHeader header;
      const ReadResult r = ReadAll(fd_, header.data(), header.size());
      if (r != ReadResult::kOk) {
        DeliverLoss(UnavailableError(LossMessage(r, "frame header")));
        return;
      }
      Result<DecodedHeader> decoded = DecodeHeader(header);
      if (!decoded.ok()) {
        FailReceives(decoded.status().WithContext("malformed frame from the peer"));
        return;
      }
      Buffer payload(decoded->payload_bytes);
      if (!payload.empty()) {
        const ReadResult rp = ReadAll(fd_, payload.data(), payload.size());
        if (rp != ReadResult::kOk) {
          const ReadResult cut = rp == ReadResult::kGone ? ReadResult::kTruncated : rp;
          DeliverLoss(UnavailableError(
              LossMessage(cut, fmt::format("{}-byte frame", payload.size()).c_str())));
          return;
        }
      }
      const FrameKind kind = decoded->kind;
      Deliver(Frame{kind, decoded->tag, std::move(payload)});
      if (kind != FrameKind::kData) return;
    }
  }

  const int fd_;
  FrameOutbox outbox_;
  std::atomic<bool> shut_{false};
  std::thread writer_;
  std::thread reader_;
};

// Runs `io` until `done` or the deadline; false on timeout.
bool RunUntil(asio::io_context& io, const bool& done, Clock::time_point deadline) {
  io.restart();
  while (!done) {
    if (Clock::now() >= deadline) return false;
    io.run_one_until(deadline);
  }
  return true;
}

Status SendHello(tcp::socket& socket, const Hello& hello) {
  const Buffer payload = EncodeHello(hello);
  const FrameHeader header = EncodeHeader(FrameKind::kHello, {}, payload.size());
  boost::system::error_code ec;
  asio::write(socket,
              std::array{asio::buffer(header), asio::buffer(payload.data(), payload.size())}, ec);
  if (ec) return UnavailableError("could not send hello: " + ec.message());
  return OkStatus();
}

// Reads the hello frame of a newly accepted connection.
Result<Hello> ReceiveHello(asio::io_context& io, tcp::socket& socket, Clock::time_point deadline) {
  FrameHeader header;
  bool done = false;
  boost::system::error_code ec;
  asio::async_read(socket, asio::buffer(header), [&](auto e, size_t) { ec = e, done = true; });
  if (!RunUntil(io, done, deadline)) return DeadlineExceededError("no hello from a new connection");
  if (ec) return UnavailableError("connection closed before its hello: " + ec.message());
  ARCA_ASSIGN_OR_RETURN(DecodedHeader decoded, DecodeHeader(header));
  if (decoded.kind != FrameKind::kHello || decoded.payload_bytes > 64) {
    return DataLossError("a new connection did not start with a hello frame");
  }
  Buffer payload(decoded.payload_bytes);
  done = false;
  asio::async_read(socket, asio::buffer(payload.data(), payload.size()),
                   [&](auto e, size_t) { ec = e, done = true; });
  if (!RunUntil(io, done, deadline)) return DeadlineExceededError("hello frame incomplete");
  if (ec) return UnavailableError("connection closed in its hello: " + ec.message());
  return DecodeHello(payload);
}

// The data path uses blocking reads and writes; asio leaves sockets it used asynchronously in
// non-blocking mode.
void TuneSocket(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

}  // namespace

Result<Endpoint> ParseEndpoint(const std::string& text) {
  const size_t colon = text.rfind(':');
  const auto bad = [&] {
    return InvalidArgumentError(fmt::format("'{}' is not an endpoint of the form IP:PORT", text));
  };
  if (colon == std::string::npos || colon == 0) return bad();
  unsigned port = 0;
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end || port == 0 || port > 65535) return bad();
  boost::system::error_code parse_error;
  asio::ip::make_address(text.substr(0, colon), parse_error);
  if (parse_error) return bad();
  return Endpoint{text.substr(0, colon), static_cast<uint16_t>(port)};
}

Result<std::vector<Endpoint>> ParseEndpointList(const std::string& text) {
  std::vector<Endpoint> endpoints;
  size_t begin = 0;
  while (begin <= text.size()) {
    const size_t end = std::min(text.find(',', begin), text.size());
    ARCA_ASSIGN_OR_RETURN(Endpoint e, ParseEndpoint(text.substr(begin, end - begin)));
    endpoints.push_back(std::move(e));
    begin = end + 1;
  }
  return endpoints;
}

Result<std::vector<std::unique_ptr<Link>>> ConnectTcpMesh(int self,
                                                          const std::vector<Endpoint>& endpoints,
                                                          const TcpOptions& options) {
  const int parties = static_cast<int>(endpoints.size());
  if (self < 0 || self >= parties) {
    return InvalidArgumentError(fmt::format("party {} is not one of {} parties", self, parties));
  }
  const Clock::time_point deadline = Clock::now() + options.connect_timeout;
  const Hello my_hello{options.session, self, parties};
  asio::io_context io;
  std::vector<std::optional<tcp::socket>> sockets(static_cast<size_t>(parties));
  const auto where = [&](int p) {
    return fmt::format("{}:{}", endpoints[static_cast<size_t>(p)].host,
                       endpoints[static_cast<size_t>(p)].port);
  };

  // Listen first, so that peers connecting to us succeed as soon as they try.
  tcp::acceptor acceptor(io);
  boost::system::error_code ec;
  const tcp::endpoint mine(asio::ip::make_address(endpoints[static_cast<size_t>(self)].host, ec),
                           endpoints[static_cast<size_t>(self)].port);
  if (!ec) acceptor.open(mine.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(mine, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return UnavailableError(
        fmt::format("party {} cannot listen on {}: {}", self, where(self), ec.message()));
  }

  // Connect to every lower-numbered party, retrying while it starts up.
  for (int peer = 0; peer < self; ++peer) {
    const auto& e = endpoints[static_cast<size_t>(peer)];
    const tcp::endpoint target(asio::ip::make_address(e.host, ec), e.port);
    for (;;) {
      tcp::socket socket(io);
      bool done = false;
      socket.async_connect(target, [&](auto e2) { ec = e2, done = true; });
      if (!RunUntil(io, done, deadline)) ec = asio::error::timed_out;
      if (!ec) {
        sockets[static_cast<size_t>(peer)].emplace(std::move(socket));
        break;
      }
      if (Clock::now() >= deadline) {
        return UnavailableError(
            fmt::format("party {} could not reach party {} at {} within {} ms: {}", self, peer,
                        where(peer), options.connect_timeout.count(), ec.message()));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ARCA_RETURN_IF_ERROR(SendHello(*sockets[static_cast<size_t>(peer)], my_hello)
                             .WithContext(fmt::format("connecting to party {}", peer)));
  }

  // Accept every higher-numbered party; each identifies itself with a hello.
  for (int accepted = self + 1; accepted < parties; ++accepted) {
    tcp::socket socket(io);
    bool done = false;
    acceptor.async_accept(socket, [&](auto e) { ec = e, done = true; });
    if (!RunUntil(io, done, deadline) || ec) {
      return UnavailableError(fmt::format(
          "party {} waited {} ms on {} for parties {}..{} to connect; {} of them did not", self,
          options.connect_timeout.count(), where(self), self + 1, parties - 1, parties - accepted));
    }
    Result<Hello> hello = ReceiveHello(io, socket, deadline);
    if (!hello.ok()) return hello.status().WithContext(fmt::format("party {} accepting", self));
    if (hello->session != options.session || hello->parties != parties || hello->party <= self ||
        sockets[static_cast<size_t>(hello->party)]) {
      return PermissionDeniedError(fmt::format(
          "party {} refused a connection claiming to be party {} of {} in session {:x} "
          "(expected a higher-numbered party of {} in session {:x}, each once)",
          self, hello->party, hello->parties, hello->session, parties, options.session));
    }
    sockets[static_cast<size_t>(hello->party)].emplace(std::move(socket));
  }

  std::vector<std::unique_ptr<Link>> links(static_cast<size_t>(parties));
  for (int p = 0; p < parties; ++p) {
    if (p == self) continue;
    const int fd = sockets[static_cast<size_t>(p)]->release();
    TuneSocket(fd);
    links[static_cast<size_t>(p)] = std::make_unique<TcpLink>(fd, options);
  }
  return links;
}

}  // namespace arca::net
