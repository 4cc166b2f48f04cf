// Errors as values.
//
// A Status is either OK or a code with a one-line message that names what was wrong and, where
// it helps, what to do. Messages never contain secret values (shares, keys, data). Functions
// that produce a value return Result<T>, which holds either the value or a non-OK Status.
#ifndef ARCA_BASE_STATUS_H_
#define ARCA_BASE_STATUS_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace arca {

enum class StatusCode : unsigned char {
  kOk = 0,
  kInvalidArgument,     // the caller passed something wrong: a shape, a name, a range
  kNotFound,            // a named thing does not exist
  kFailedPrecondition,  // the system is not in a state where the call can run
  kOutOfRange,          // a value is outside the range an operation supports
  kDataLoss,            // bytes are truncated, corrupt or tampered with
  kUnavailable,         // a peer or service cannot be reached
  kDeadlineExceeded,    // a wait timed out
  kAborted,             // another party aborted the computation
  kPermissionDenied,    // the caller is not allowed to do this
  kUnimplemented,       // the operation does not exist on this protocol or platform
  kResourceExhausted,   // a size or memory limit was hit
  kInternal,            // a bug: an invariant of Arca itself does not hold
};

// Lower-case name of a code, e.g. "invalid argument".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  Status(StatusCode code, std::string message);

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  // Empty when OK.
  const std::string& message() const;

  // The same status with "context: " put before the message; OK stays OK.
  Status WithContext(std::string_view context) const;

  // "ok", or "<code name>: <message>".
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code() == b.code() && a.message() == b.message();
  }

 private:
  struct Rep {
    StatusCode code;
    std::string message;
  };
  // OK is by far the common case, so it costs one null pointer.
  std::shared_ptr<const Rep> rep_;
};

inline Status OkStatus() { return Status(); }
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status FailedPreconditionError(std::string message);
Status OutOfRangeError(std::string message);
Status DataLossError(std::string message);
Status UnavailableError(std::string message);
Status DeadlineExceededError(std::string message);
Status AbortedError(std::string message);
Status PermissionDeniedError(std::string message);
Status UnimplementedError(std::string message);
Status ResourceExhaustedError(std::string message);
Status InternalError(std::string message);

// Either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  // `status` must not be OK; an OK status here is turned into an internal error.
  Result(Status status)  // NOLINT(google-explicit-constructor)
      : value_(status.ok() ? InternalError("Result constructed from an OK status")
                           : std::move(status)) {}

  bool ok() const { return std::holds_alternative<T>(value_); }
  Status status() const { return ok() ? OkStatus() : std::get<Status>(value_); }

  // Precondition: ok().
  const T& value() const& { return std::get<T>(value_); }
  T& value() & { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<Status, T> value_;
};

}  // namespace arca

#define ARCA_CONCAT_INNER_(a, b) a##b
#define ARCA_CONCAT_(a, b) ARCA_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define ARCA_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::arca::Status arca_status_ = (expr);        \
    if (!arca_status_.ok()) return arca_status_; \
  } while (false)

// `lhs = value of expr` (a Result), or returns its Status from the enclosing function.
#define ARCA_ASSIGN_OR_RETURN(lhs, expr) \
  ARCA_ASSIGN_OR_RETURN_IMPL_(ARCA_CONCAT_(arca_result_, __LINE__), lhs, expr)
// `result` is a fresh identifier and `lhs` may be a declaration (`auto x`), so neither can be
// parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ARCA_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                                \
  if (!result.ok()) return result.status();            \
  lhs = std::move(result).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // ARCA_BASE_STATUS_H_
