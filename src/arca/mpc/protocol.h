// Protocol: the operations every secret-sharing protocol of Arca offers.
//
// Every party runs the same program against this interface; a protocol turns each call into
// its local work and messages. Code above this layer (fixed point, frames, ML) is written once
// here and runs unchanged on `plaintext`, `dealer2pc` and `rep3`.
//
// Conventions:
//  - Values are tensors over Z_2^64. Signed integers are two's complement; comparisons read
//    values as signed and are exact when the difference of the operands fits in 63 bits.
//  - Comparison and equality results are shares of 0 or 1 (not fixed point).
//  - Shapes are public. Calls on tensors of n elements cost the rounds of one: batch work
//    into tensors instead of looping over elements.
//  - Every interactive call declares its cost in code (Cost below); tests hold the network
//    counters to the declaration.
//  - Errors are returned, never thrown. A failed call leaves the session unusable: the caller
//    returns the error, and the party runner tells the other parties (Network::Abort).
#ifndef ARCA_MPC_PROTOCOL_H_
#define ARCA_MPC_PROTOCOL_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/ring_tensor.h"
#include "arca/mpc/session.h"
#include "arca/mpc/shared.h"

namespace arca::mpc {

enum class Op {
  kInput,
  kReveal,
  kRevealTo,
  kMul,
  kMatMul,
  kTruncate,
  kLessThan,
  kEqual,
  kShuffle,
  kReusable,
};

// One call of an interactive operation, described by its public parameters.
struct OpCall {
  Op op = Op::kInput;
  Shape a = {};             // the (first) operand
  Shape b = {};             // the second operand of kMul and kMatMul
  int64_t count = 1;        // thresholds of kLessThan / kEqual
  int party = 0;            // owner of kInput, recipient of kRevealTo
  bool a_reusable = false;  // operands prepared with Reusable()
  bool b_reusable = false;
};

// What one party sends for one call.
struct PartyCost {
  int64_t rounds = 0;               // online rounds (message flights this party sends)
  int64_t online_bytes = 0;         // payload bytes sent while computing on data
  int64_t preprocessing_bytes = 0;  // correlated randomness sent (a dealer or helper)

  friend bool operator==(const PartyCost&, const PartyCost&) = default;
};
using OpCost = std::vector<PartyCost>;  // indexed by party

class Protocol {
 public:
  virtual ~Protocol() = default;
  Protocol(const Protocol&) = delete;
  Protocol& operator=(const Protocol&) = delete;

  virtual std::string_view name() const = 0;
  Session& session() { return *session_; }
  int party() const { return session_->party(); }
  int parties() const { return session_->parties(); }

  // True if this party supplies the inputs of input owner `owner`. Plaintext holds every
  // owner's inputs; otherwise owners are compute parties and only the owner holds its input.
  virtual bool Holds(int owner) const = 0;

  // --- Sharing --------------------------------------------------------------------------

  // Secret-shares a tensor that input owner `owner` holds. `value` is the tensor where
  // Holds(owner), else null; every party passes the same `shape`.
  virtual Result<Shared> Input(int owner, const Shape& shape, const RingTensor* value) = 0;
  // Opens x to every party of the session.
  virtual Result<RingTensor> Reveal(const Shared& x) = 0;
  // Opens x to party `to` only; other parties get nullopt.
  virtual Result<std::optional<RingTensor>> RevealTo(int to, const Shared& x) = 0;

  // --- Local operations (no communication) ----------------------------------------------

  // Shares of a public value.
  Shared Public(const RingTensor& value);

  Result<Shared> Add(const Shared& a, const Shared& b);
  Result<Shared> Sub(const Shared& a, const Shared& b);
  Shared Neg(const Shared& a);
  // c is public: a single element (broadcast) or a tensor of a's shape; AddPublic also takes
  // one constant per row of a rank-2 a (shape [rows, 1]).
  Result<Shared> AddPublic(const Shared& a, const RingTensor& c);
  Result<Shared> MulPublic(const Shared& a, const RingTensor& c);
  // A·x for a public matrix A of shape [m, k] and a shared x of shape [k, n].
  Result<Shared> MatMulPublic(const RingTensor& a, const Shared& x);
  // Sums over `axis` (0 or 1) of a rank-1 or rank-2 tensor; -1 sums everything.
  Result<Shared> Sum(const Shared& a, int axis);
  // Layout changes keep a Reusable() opening.
  Result<Shared> Transpose(const Shared& a);
  // Pass an rvalue to reshape without copying.
  Result<Shared> Reshape(Shared a, const Shape& shape);
  Result<Shared> SliceRows(const Shared& a, int64_t begin, int64_t end);
  Result<Shared> ConcatRows(const std::vector<Shared>& parts);
  // Row i of the result is row rows[i] of x (public indices, which may repeat): the same pick
  // on every part of the share. An error if an index is outside x's rows.
  Result<Shared> GatherRows(const Shared& x, std::span<const int64_t> rows);

  // --- Interactive operations -----------------------------------------------------------

  // Elementwise product (shapes equal).
  virtual Result<Shared> Mul(const Shared& a, const Shared& b) = 0;
  // Matrix product of [m, k] by [k, n].
  virtual Result<Shared> MatMul(const Shared& a, const Shared& b) = 0;
  // floor(x / 2^bits), exact or one more (a stochastic rounding of the last bit); requires
  // |x| < 2^62.
  virtual Result<Shared> Truncate(const Shared& x, int bits) = 0;
  // [x < t_i] for each public threshold t_i (rank-1 `thresholds`); the result has shape
  // [T, ...x's shape]. Exact when |x - t_i| < 2^63.
  virtual Result<Shared> LessThanPublic(const Shared& x, const RingTensor& thresholds) = 0;
  // [x == v_i] for each public value v_i; the result has shape [T, ...x's shape].
  virtual Result<Shared> EqualPublic(const Shared& x, const RingTensor& values) = 0;
  // The rows of x (first dimension) in a uniformly random order that no party learns. Takes x
  // (its shares are dropped once masked): a sort holds its table once, not twice.
  virtual Result<Shared> Shuffle(Shared x) = 0;
  // x prepared as an operand of many products: on dealer2pc its masked value is opened once
  // here and never again (a feature matrix reused across iterations); elsewhere x unchanged.
  virtual Result<Shared> Reusable(const Shared& x) = 0;

  // What each party sends for `call`.
  virtual OpCost Cost(const OpCall& call) const = 0;

 protected:
  explicit Protocol(Session* session) : session_(session) {}

  // Which part of this party's share a public constant is added to, if any.
  virtual std::optional<int> PublicPart() const = 0;
  // How many ring tensors make up this party's share of a value.
  virtual int ShareParts() const = 0;

 private:
  Session* session_;
};

// Names of operations, for messages: "mul", "less_than", ...
std::string_view OpName(Op op);

}  // namespace arca::mpc

#endif  // ARCA_MPC_PROTOCOL_H_
