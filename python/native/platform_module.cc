#include "platform_module.h"

#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "arca/base/status.h"
#include "arca/cli/coordinator_flags.h"
#include "arca/cli/job_fetch.h"
#include "arca/cli/job_watch.h"
#include "arca/cli/result_key.h"
#include "arca/client/coordinator_client.h"
#include "arca/crypto/x25519.h"
#include "arca/plan/plan_hash.h"
#include "arca/tee/policy.h"
#include "output_to_python.h"

namespace arca::python {
namespace {

namespace py = pybind11;
using nlohmann::json;

// A failed call; Python sees _native.PlatformError(message, code).
class PlatformFailure : public std::exception {
 public:
  explicit PlatformFailure(const Status& status)
      : message_(status.message()), code_(StatusCodeName(status.code())) {}
  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& code() const { return code_; }

 private:
  std::string message_;
  std::string code_;
};

// The Python type of PlatformError, made once by AddPlatformBindings (the module keeps it).
py::handle& PlatformErrorType() {
  static py::handle type;
  return type;
}

template <typename T>
T ValueOrRaise(Result<T> result) {
  if (!result.ok()) throw PlatformFailure(result.status());
  return *std::move(result);
}

py::object ToPython(const json& record) {
  return py::module_::import("json").attr("loads")(record.dump());
}

// `call()`'s answer with the GIL released while it runs, as Python objects.
template <typename Call>
py::object Released(Call call) {
  Result<json> answer = [&] {
    py::gil_scoped_release release;
    return call();
  }();
  return ToPython(ValueOrRaise(std::move(answer)));
}

class Coordinator {
 public:
  // Reads the certificate and the keys; no request is made yet.
  Coordinator(const std::string& address, const std::string& certificate, const std::string& party,
              const std::string& key, const std::string& result_key, const std::string& policy)
      : client_(ValueOrRaise(cli::CoordinatorFlags{address, certificate, party, key}.Connect())) {
    if (!policy.empty()) policy_ = ValueOrRaise(tee::Policy::Load(policy));
    if (result_key.empty()) return;
    const crypto::X25519Key private_key = ValueOrRaise(cli::ReadResultPrivateKey(result_key));
    result_public_ = ValueOrRaise(crypto::X25519PublicKey(private_key));
    result_private_ = private_key;
  }

  py::object WhoAmI() {
    return Released([&] { return client_->WhoAmI(); });
  }
  py::object SubmitPlan(const std::string& plan_json) {
    return Released([&] { return client_->SubmitPlan(plan_json); });
  }
  py::object GetPlan(const std::string& hash) {
    return Released([&] { return client_->GetPlan(hash); });
  }
  py::object GetDataset(const std::string& name) {
    return Released([&] { return client_->GetDataset(name); });
  }
  py::object GetJob(int64_t job) {
    return Released([&] { return client_->GetJob(job); });
  }
  py::object CancelJob(int64_t job) {
    return Released([&] { return client_->CancelJob(job); });
  }

  py::object CreateJob(const std::string& plan_hash, const std::string& level,
                       const std::map<std::string, std::string>& inputs) {
    const crypto::X25519Key& key = ResultKey(result_public_);
    const client::JobRequest request{.plan_hash = plan_hash,
                                     .level = level,
                                     .result_key = Bytes(key.begin(), key.end()),
                                     .inputs = inputs};
    return Released([&] { return client_->CreateJob(request); });
  }

  // Waits for the job (cli::WatchJob). `progress`: True draws the CLI's progress bar on
  // stderr, a callable is called with (fraction, status) after each poll, None draws nothing.
  // Ctrl-C (or an exception of the callable) ends the wait and is raised as it came.
  py::object WaitJob(int64_t job, const py::object& progress, double timeout_seconds) {
    const bool bar = py::isinstance<py::bool_>(progress) && progress.cast<bool>();
    const py::object callback =
        !progress.is_none() && !py::isinstance<py::bool_>(progress) ? progress : py::none();
    const cli::JobObserver draw = bar ? cli::ProgressBarObserver(job) : cli::JobObserver();
    std::optional<py::error_already_set> raised;
    const cli::JobObserver observe = [&](const json& record, bool last) -> Status {
      if (draw) ARCA_RETURN_IF_ERROR(draw(record, last));
      py::gil_scoped_acquire gil;
      try {
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        if (!callback.is_none()) {
          callback(record.value("progress", 0.0), record.value("status", std::string()));
        }
      } catch (py::error_already_set& error) {
        raised = std::move(error);
        return AbortedError("interrupted");
      }
      return OkStatus();
    };
    const auto timeout =
        std::chrono::milliseconds(static_cast<int64_t>(std::ceil(timeout_seconds * 1000)));
    Result<json> record = [&] {
      py::gil_scoped_release release;
      return cli::WatchJob(*client_, job, observe, timeout);
    }();
    if (raised) throw std::move(*raised);
    return ToPython(ValueOrRaise(std::move(record)));
  }

  // Every compute node's result file of a succeeded job, its receipt verified under the policy
  // (if one was given), combined and decrypted with the result key; nothing but ciphertext
  // touches the disk, in a temporary directory.
  py::dict FetchResult(int64_t job) {
    const crypto::X25519Key& key = ResultKey(result_private_);
    Result<cli::FetchedJob> fetched = [&] {
      py::gil_scoped_release release;
      return cli::FetchJobResult(*client_, {.job = job, .policy = policy_ ? &*policy_ : nullptr},
                                 key);
    }();
    py::dict out;
    for (const client::NamedOutput& output : ValueOrRaise(std::move(fetched)).outputs) {
      out[py::str(output.name)] = OutputToPython(output.table, output.labels, output.values);
    }
    return out;
  }

 private:
  static const crypto::X25519Key& ResultKey(const std::optional<crypto::X25519Key>& key) {
    if (!key) {
      throw PlatformFailure(FailedPreconditionError(
          "no result key: connect with result_key= your result private key file (from arca "
          "consumer keygen)"));
    }
    return *key;
  }

  std::unique_ptr<client::CoordinatorClient> client_;
  std::optional<crypto::X25519Key> result_private_;
  std::optional<crypto::X25519Key> result_public_;
  std::optional<tee::Policy> policy_;
};

std::string PlanHash(const std::string& plan_json) {
  return ValueOrRaise(plan::PlanHashOfText(plan_json));
}

// The line of a failed or cancelled job's record (cli::JobOutcome); empty for any other.
std::string JobOutcomeLine(const std::string& record_json) {
  const json record = json::parse(record_json, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object())
    throw PlatformFailure(InvalidArgumentError("a job record is a JSON object"));
  return cli::JobOutcome(record).message();
}

}  // namespace

void AddPlatformBindings(py::module_& module) {
  PlatformErrorType() = py::exception<PlatformFailure>(module, "PlatformError").release();
  // pybind11's translator type takes the exception_ptr by value.
  // NOLINTNEXTLINE(performance-unnecessary-value-param)
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const PlatformFailure& failure) {
      PyErr_SetObject(PlatformErrorType().ptr(),
                      py::make_tuple(failure.what(), failure.code()).ptr());
    }
  });
  module.def("plan_hash", &PlanHash, py::arg("plan_json"),
             "The plan's hash (docs/PLANS.md): SHA-256 of its canonical normal form, as the "
             "coordinator computes it.");
  module.def("job_outcome", &JobOutcomeLine, py::arg("record_json"),
             "The line of a failed or cancelled job's record, as the CLI prints it: \"job 7 "
             "failed: ...\", \"job 7 was cancelled[: ...]\"; empty for any other status.");
  py::class_<Coordinator>(module, "Coordinator",
                          "A signed, certificate-pinned client of one coordinator, as one party.")
      .def(py::init<const std::string&, const std::string&, const std::string&, const std::string&,
                    const std::string&, const std::string&>(),
           py::arg("address"), py::arg("certificate"), py::arg("party"), py::arg("key"),
           py::arg("result_key") = "", py::arg("policy") = "")
      .def("whoami", &Coordinator::WhoAmI)
      .def("submit_plan", &Coordinator::SubmitPlan, py::arg("plan_json"))
      .def("get_plan", &Coordinator::GetPlan, py::arg("hash"))
      .def("get_dataset", &Coordinator::GetDataset, py::arg("name"))
      .def("create_job", &Coordinator::CreateJob, py::arg("plan_hash"), py::arg("level"),
           py::arg("inputs"))
      .def("get_job", &Coordinator::GetJob, py::arg("job"))
      .def("cancel_job", &Coordinator::CancelJob, py::arg("job"))
      .def("wait_job", &Coordinator::WaitJob, py::arg("job"), py::arg("progress"),
           py::arg("timeout_seconds"))
      .def("fetch_result", &Coordinator::FetchResult, py::arg("job"));
}

}  // namespace arca::python
