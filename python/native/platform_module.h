// arca._native's platform client, for arca.remote (python/arca/remote.py): a code owner's and a
// consumer's calls to a coordinator, each made by the C++ client and the CLI's own functions
// (client/coordinator_client.h, cli/coordinator_flags.h, cli/job_watch.h, cli/job_fetch.h,
// cli/result_key.h), so that Python never signs, encrypts, decrypts or combines anything.
//
//   _native.Coordinator(address, certificate, party, key, result_key="")
//       .whoami() .submit_plan(json) .get_plan(hash) .get_dataset(name)
//       .create_job(hash, level, inputs) .get_job(id) .cancel_job(id)
//       .wait_job(id, progress, timeout_seconds) .fetch_result(id)
//   _native.plan_hash(plan_json) -> 64 hex digits
//   _native.PlatformError: raised with args (message, code), `message` the one line of the
//       C++ Status and `code` its StatusCodeName ("unavailable", "permission denied", ...).
//
// Records come back as the JSON docs/API.md shows, parsed (dicts); results as
// output_to_python.h's dictionaries. Every call releases the GIL while it talks to the
// coordinator; wait_job takes it back between polls to check for Ctrl-C and call `progress`.
#ifndef ARCA_PYTHON_NATIVE_PLATFORM_MODULE_H_
#define ARCA_PYTHON_NATIVE_PLATFORM_MODULE_H_

#include <pybind11/pybind11.h>

namespace arca::python {

// Adds Coordinator, plan_hash and PlatformError to `module`.
void AddPlatformBindings(pybind11::module_& module);

}  // namespace arca::python

#endif  // ARCA_PYTHON_NATIVE_PLATFORM_MODULE_H_
