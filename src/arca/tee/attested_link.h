// AttestedLink: an MPC link (net::Link) over an established, mutually attested TLS channel,
// so that every frame between two nodes travels inside TLS bound to their attested keys.
//
// Semantics are those of the TCP link (net/tcp_link.h): Send hands the frame over and returns
// while it travels; an abort frame goes out ahead of data not yet on the wire; SendClose sends
// what is queued, then a close frame; Shutdown joins the link's threads and releases the
// connection; a connection that ends without a close frame is reported as "connection lost",
// naming the peer party.
//
// Threads and the TLS session. OpenSSL forbids using one SSL object from two threads at once,
// yet sending must not wait for receiving (a party blocked on a full inbox must still be able
// to send, as over TCP). So the link has a reader and a writer thread, the socket is
// non-blocking, and one mutex serialises every call on the SSL object. The mutex is held only
// for one non-blocking SSL_read_ex or SSL_write_ex, which moves at most one TLS record (16 KiB;
// writes are in partial-write mode), never while waiting for the socket (poll) or for the
// inbox, so neither thread stalls the other for longer than one record's encryption. TLS 1.3
// has no renegotiation, so a write never needs to read; a read may need to write (an answer to
// a key update) and then waits for the socket to be writable. A single I/O thread would do as
// well for the SSL object, but it would stop sending whenever the party's inbox is full.
#ifndef ARCA_TEE_ATTESTED_LINK_H_
#define ARCA_TEE_ATTESTED_LINK_H_

#include <memory>

#include "arca/base/status.h"
#include "arca/net/link.h"
#include "arca/tee/attested_tls.h"

namespace arca::tee {

struct AttestedLinkOptions {
  // Bytes of frames received but not yet read by the party, and of frames handed to Send but
  // not yet on the wire; beyond them the link holds the peer, or the sender, back.
  size_t receive_budget = size_t{512} << 20;
  size_t send_budget = size_t{64} << 20;
};

// A link to party `peer` (named in errors) over `channel`, whose I/O it takes over. The
// channel must have checked its peer's attestation: a link to an unchecked peer is refused.
Result<std::unique_ptr<net::Link>> MakeAttestedLink(std::unique_ptr<AttestedChannel> channel,
                                                    int peer,
                                                    const AttestedLinkOptions& options = {});

}  // namespace arca::tee

#endif  // ARCA_TEE_ATTESTED_LINK_H_
