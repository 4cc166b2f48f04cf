#include "arca/coord/sqlite_db.h"

#include <sqlite3.h>

#include <climits>
#include <string>
#include <utility>

namespace arca::coord {
namespace {

// The status for SQLite result `code`, with SQLite's own one-line explanation.
Status SqliteError(sqlite3* db, int code, std::string_view what) {
  std::string message =
      std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  switch (code & 0xff) {  // the primary code; extended codes refine it
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(std::move(message));
    case SQLITE_CONSTRAINT:
      return FailedPreconditionError(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLossError(std::move(message));
    case SQLITE_FULL:
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG:
      return ResourceExhaustedError(std::move(message));
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return PermissionDeniedError(std::move(message));
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return UnavailableError(std::move(message));
    default:
      return InternalError(std::move(message));
  }
}

}  // namespace

void SqliteDb::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Result<SqliteDb> SqliteDb::Open(const std::string& path, Options options) {
  const int flags =
      (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  sqlite3* raw = nullptr;
  const int code = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // sqlite3_open_v2 hands back a handle even on failure; it must be closed either way.
  std::unique_ptr<sqlite3, Closer> db(raw);
  if (code != SQLITE_OK) {
    return SqliteError(db.get(), code, "cannot open database '" + path + "'");
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), options.busy_timeout_ms);
  SqliteDb opened(std::move(db), path);
  // journal_mode=WAL is a property of the file; a read-only connection cannot set it, and
  // reads a WAL database as it is.
  Status status =
      opened.Exec(options.read_only ? "PRAGMA foreign_keys = ON;"
                                    : "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; "
                                      "PRAGMA synchronous = FULL;");
  if (!status.ok()) return status.WithContext("database '" + path + "'");
  return opened;
}

Status SqliteDb::Exec(std::string_view sql) {
  const std::string text(sql);
  char* error = nullptr;
  const int code = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);  // the same text sqlite3_errmsg gives
  if (code != SQLITE_OK) return SqliteError(db_.get(), code, "cannot run SQL");
  return OkStatus();
}

Result<Statement> SqliteDb::Prepare(std::string_view sql) {
  if (sql.size() > INT_MAX) return InvalidArgumentError("SQL statement is too long");
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int code =
      sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  Statement statement(db_.get(), raw);
  if (code != SQLITE_OK) return SqliteError(db_.get(), code, "cannot prepare SQL");
  if (raw == nullptr) return InternalError("SQL statement is empty");
  if (tail != sql.data() + sql.size()) {
    return InternalError("Prepare takes one SQL statement; text follows the first one");
  }
  return statement;
}

Result<Transaction> SqliteDb::Begin(std::string_view sql) {
  ARCA_RETURN_IF_ERROR(Exec(sql));
  return Transaction(db_.get());
}

Result<Transaction> SqliteDb::BeginWrite() { return Begin("BEGIN IMMEDIATE"); }
Result<Transaction> SqliteDb::BeginRead() { return Begin("BEGIN DEFERRED"); }

int64_t SqliteDb::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_.get()); }
int64_t SqliteDb::Changes() const { return sqlite3_changes64(db_.get()); }

void Statement::Finalizer::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

Status Statement::Check(int code, std::string_view what) const {
  if (code == SQLITE_OK) return OkStatus();
  return SqliteError(db_, code, what);
}

Status Statement::Bind(int index, int64_t value) {
  return Check(sqlite3_bind_int64(statement_.get(), index, value), "cannot bind an integer");
}

Status Statement::Bind(int index, double value) {
  return Check(sqlite3_bind_double(statement_.get(), index, value), "cannot bind a number");
}

Status Statement::Bind(int index, std::string_view text) {
  // A null data pointer would bind NULL; an empty string must stay an empty string.
  return Check(sqlite3_bind_text64(statement_.get(), index, text.empty() ? "" : text.data(),
                                   text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
               "cannot bind text");
}

Status Statement::Bind(int index, ByteView blob) {
  static constexpr uint8_t kEmpty = 0;
  return Check(sqlite3_bind_blob64(statement_.get(), index, blob.empty() ? &kEmpty : blob.data(),
                                   blob.size(), SQLITE_TRANSIENT),
               "cannot bind a blob");
}

Status Statement::Bind(int index, SqlNull /*null*/) {
  return Check(sqlite3_bind_null(statement_.get(), index), "cannot bind NULL");
}

Result<bool> Statement::Step() {
  const int code = sqlite3_step(statement_.get());
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  return SqliteError(db_, code, "SQL statement failed");
}

Status Statement::RunToEnd() {
  ARCA_ASSIGN_OR_RETURN(const bool row, Step());
  if (row) return InternalError("SQL statement expected to return no rows returned one");
  return OkStatus();
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(statement_.get(), column) == SQLITE_NULL;
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(statement_.get(), column); }

double Statement::Double(int column) const {
  return sqlite3_column_double(statement_.get(), column);
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(statement_.get(), column);
  const int size = sqlite3_column_bytes(statement_.get(), column);
  if (text == nullptr || size <= 0) return {};
  return {reinterpret_cast<const char*>(text), static_cast<size_t>(size)};
}

Bytes Statement::Blob(int column) const {
  const auto* blob = static_cast<const uint8_t*>(sqlite3_column_blob(statement_.get(), column));
  const int size = sqlite3_column_bytes(statement_.get(), column);
  if (blob == nullptr || size <= 0) return {};
  return {blob, blob + size};
}

Transaction::~Transaction() {
  if (db_ != nullptr) static_cast<void>(Rollback());
}

Status Transaction::Commit() {
  if (db_ == nullptr) return InternalError("transaction already ended");
  sqlite3* db = db_;
  const int code = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) {
    Status error = SqliteError(db, code, "cannot commit");
    // A failed COMMIT (e.g. busy) leaves the transaction open; end it so nothing half-done
    // lingers on the connection.
    static_cast<void>(Rollback());
    return error;
  }
  db_ = nullptr;
  return OkStatus();
}

Status Transaction::Rollback() {
  if (db_ == nullptr) return InternalError("transaction already ended");
  sqlite3* db = db_;
  db_ = nullptr;
  // After some errors (e.g. a full disk) SQLite has already rolled back on its own.
  if (sqlite3_get_autocommit(db) != 0) return OkStatus();
  const int code = sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) return SqliteError(db, code, "cannot roll back");
  return OkStatus();
}

}  // namespace arca::coord
