#include "arca/mpc/session.h"

#include <fmt/format.h>

#include "arca/crypto/os_random.h"

namespace arca::mpc {

Session::Session(net::Network* net)
    : net_(net),
      seeds_(static_cast<size_t>(net ? net->size() : 1)),
      private_(crypto::RandomSeed(), 0) {}

std::unique_ptr<Session> Session::Local() { return std::unique_ptr<Session>(new Session(nullptr)); }

Result<std::unique_ptr<Session>> Session::Create(net::Network* net) {
  std::unique_ptr<Session> session(new Session(net));
  const int self = net->self();
  net->set_operation("seed agreement");
  const net::MessageTag tag{0, 0, net::Traffic::kOnline};
  for (int peer = self + 1; peer < net->size(); ++peer) {
    const crypto::Seed seed = crypto::RandomSeed();
    session->seeds_[static_cast<size_t>(peer)] = seed;
    ARCA_RETURN_IF_ERROR(net->Send(peer, tag, Buffer::CopyOf(seed)));
  }
  for (int peer = 0; peer < self; ++peer) {
    ARCA_ASSIGN_OR_RETURN(Buffer seed, net->Recv(peer, tag, sizeof(crypto::Seed)));
    std::copy_n(seed.data(), seed.size(), session->seeds_[static_cast<size_t>(peer)].begin());
  }
  return session;
}

crypto::Prg& Session::StreamWith(int peer, Stream purpose) {
  auto it = streams_.find({peer, purpose});
  if (it == streams_.end()) {
    it = streams_
             .emplace(std::pair{peer, purpose}, crypto::Prg(seeds_[static_cast<size_t>(peer)],
                                                            static_cast<uint64_t>(purpose)))
             .first;
  }
  return it->second;
}

uint32_t Session::BeginOp(std::string_view name) {
  ++op_;
  if (net_) {
    std::string label;
    for (const std::string& s : scopes_) label += s + " > ";
    label += name;
    net_->set_operation(std::move(label));
  }
  return op_;
}

Session::Scope::Scope(Session& session, std::string_view name) : session_(session) {
  session_.scopes_.emplace_back(name);
}

Session::Scope::~Scope() { session_.scopes_.pop_back(); }

}  // namespace arca::mpc
