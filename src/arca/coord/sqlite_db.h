// A small RAII layer over the SQLite C API: a connection, prepared statements with bound
// parameters, and transactions.
//
// Values only ever reach SQL as bound parameters (`?1`, `?2`, ...); SQL text is always a constant
// of the program. Exec() exists for constant schema and pragma text and takes no values.
//
// A connection is opened with foreign keys on, write-ahead logging (so readers on other
// connections never block the writer, nor it them), synchronous=FULL (a committed transaction
// survives a power loss, which the audit chain relies on) and a busy timeout. A SqliteDb and its
// statements are used by one thread at a time; use one connection per thread, or a lock.
#ifndef ARCA_COORD_SQLITE_DB_H_
#define ARCA_COORD_SQLITE_DB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "arca/base/bytes.h"
#include "arca/base/status.h"

using sqlite3 = struct sqlite3;
using sqlite3_stmt = struct sqlite3_stmt;

namespace arca::coord {

class Statement;
class Transaction;

class SqliteDb {
 public:
  struct Options {
    // How long a statement waits for another connection's write lock before failing with an
    // unavailable error.
    int busy_timeout_ms = 5000;
    // Open an existing database without the right to write it (no file is created).
    bool read_only = false;
  };

  // Opens (creating, unless read-only) the database file at `path`.
  static Result<SqliteDb> Open(const std::string& path, Options options);
  static Result<SqliteDb> Open(const std::string& path) { return Open(path, Options{}); }

  SqliteDb(SqliteDb&&) noexcept = default;
  SqliteDb& operator=(SqliteDb&&) noexcept = default;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb() = default;

  // Runs constant SQL (one or more statements, no values): schema steps and pragmas.
  Status Exec(std::string_view sql);
  // Compiles one statement; its `?N` parameters are bound with Statement::Bind.
  Result<Statement> Prepare(std::string_view sql);
  // Prepares `sql` and binds `args` to ?1, ?2, ... in order.
  template <typename... Args>
  Result<Statement> Query(std::string_view sql, const Args&... args);
  // Prepares, binds and runs a statement that returns no rows; the number of rows it changed.
  template <typename... Args>
  Result<int64_t> Run(std::string_view sql, const Args&... args);

  // A write transaction (BEGIN IMMEDIATE: it takes the write lock now, so what it reads stays
  // true until it commits). It rolls back unless committed.
  Result<Transaction> BeginWrite();
  // A read transaction (BEGIN DEFERRED): a consistent snapshot across several statements.
  Result<Transaction> BeginRead();

  int64_t LastInsertRowId() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;
  const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  SqliteDb(std::unique_ptr<sqlite3, Closer> db, std::string path)
      : db_(std::move(db)), path_(std::move(path)) {}
  Result<Transaction> Begin(std::string_view sql);

  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
};

// A NULL column or parameter.
struct SqlNull {};

class Statement {
 public:
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() = default;

  // Binds parameter `index` (1-based). SQLite copies text and blobs.
  Status Bind(int index, int64_t value);
  Status Bind(int index, double value);
  Status Bind(int index, std::string_view text);
  Status Bind(int index, ByteView blob);
  Status Bind(int index, SqlNull /*null*/);
  // Avoids `const char*` and `std::string` converting to bool or ambiguously.
  Status Bind(int index, const char* text) { return Bind(index, std::string_view{text}); }
  Status Bind(int index, const std::string& text) { return Bind(index, std::string_view{text}); }
  Status Bind(int index, const Bytes& blob) { return Bind(index, ByteView{blob}); }
  Status Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }

  // Binds `args` to ?1, ?2, ... in order.
  template <typename... Args>
  Status BindAll(const Args&... args) {
    int index = 0;
    Status status;
    [[maybe_unused]] const auto bind_next = [&](const auto& arg) {
      if (status.ok()) status = Bind(++index, arg);
    };
    (bind_next(args), ...);
    return status;
  }

  // Advances to the next row: true when a row is ready, false when the statement is done.
  Result<bool> Step();
  // Steps to the end; an error if the statement yields a row (a programming error).
  Status RunToEnd();

  // Columns of the current row, 0-based. A NULL reads as 0, "" or no bytes.
  bool IsNull(int column) const;
  int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  Bytes Blob(int column) const;

 private:
  friend class SqliteDb;
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const;
  };
  Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
  Status Check(int code, std::string_view what) const;

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
};

class Transaction {
 public:
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // Rolls back if neither Commit nor Rollback ran.
  ~Transaction();

  Status Commit();
  Status Rollback();

 private:
  friend class SqliteDb;
  explicit Transaction(sqlite3* db) : db_(db) {}
  sqlite3* db_;  // null once committed or rolled back
};

template <typename... Args>
Result<Statement> SqliteDb::Query(std::string_view sql, const Args&... args) {
  ARCA_ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
  ARCA_RETURN_IF_ERROR(statement.BindAll(args...));
  return statement;
}

template <typename... Args>
Result<int64_t> SqliteDb::Run(std::string_view sql, const Args&... args) {
  ARCA_ASSIGN_OR_RETURN(Statement statement, Query(sql, args...));
  ARCA_RETURN_IF_ERROR(statement.RunToEnd());
  return Changes();
}

}  // namespace arca::coord

#endif  // ARCA_COORD_SQLITE_DB_H_
