# Negative control for the data-obliviousness check: runs arca-oblivious-check --leaky=MODE
# under the same memcheck command as the real check and passes only if memcheck reported the
# fixture's leak. Exiting non-zero is not enough (a crash or a missing binary would do that):
# the error must be of the expected kind, be raised in the fixture function, and trace back to
# a share marked secret.
#
#   cmake -DMEMCHECK="valgrind;--tool=memcheck;..." -DBINARY=<arca-oblivious-check>
#         -DMODE=branch|index -P oblivious_check_expect_leak.cmake

if(MODE STREQUAL "branch")
  set(expected_error "Conditional jump or move depends on uninitialised value")
  set(expected_frame "LeakyFixtureBranchOnShare")
elseif(MODE STREQUAL "index")
  set(expected_error "Use of uninitialised value of size")
  set(expected_frame "LeakyFixtureIndexByShare")
else()
  message(FATAL_ERROR "MODE must be branch or index, not '${MODE}'")
endif()

execute_process(COMMAND ${MEMCHECK} ${BINARY} --leaky=${MODE}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}")

# The first matching memcheck error: its line and the lines up to the blank one that ends it.
string(REGEX MATCH "${expected_error}[^\n]*\n(==[0-9]+== +[^ \n][^\n]*\n)*" report "${err}")
if(NOT result EQUAL 1)
  message("${err}")
  message(FATAL_ERROR "valgrind exited with '${result}'; expected 1 (memcheck errors found)")
endif()
if(report STREQUAL "")
  message("${err}")
  message(FATAL_ERROR "memcheck did not report '${expected_error}'")
endif()
string(FIND "${report}" "${expected_frame}" at_frame)
string(FIND "${report}" "created by a client request" from_request)
string(FIND "${report}" "MarkSecret" from_mark)
if(at_frame EQUAL -1 OR from_request EQUAL -1 OR from_mark EQUAL -1)
  message("${err}")
  message(FATAL_ERROR "memcheck reported '${expected_error}' but not in ${expected_frame} "
                      "on a value marked secret (MarkSecret)")
endif()
message("memcheck caught the leaky fixture:\n${report}")
