# Target helpers shared by every layer.
#
# Each layer folder holds `foo.h`, `foo.cc` and `foo_test.cc`. `arca_layer(NAME ...)` builds the
# non-test sources into the library `arca_NAME` and the tests into `arca_NAME_test`, registered
# with CTest one GoogleTest case at a time. A `foo_fuzz.cc` is a libFuzzer target: it is left out
# of both, and built as the executable `arca_NAME_foo_fuzz` only when ARCA_FUZZ is on.

# Flags for Arca's own code. x86-64-v3 (AVX2) keeps every binary runnable under valgrind 3.19,
# which cannot decode AVX-512; AVX-512 kernels are selected at run time instead.
set(ARCA_CXX_FLAGS -march=x86-64-v3 -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Werror)
set(ARCA_LINK_FLAGS "")
if(ARCA_SANITIZE)
  list(APPEND ARCA_CXX_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer
       -fno-sanitize-recover=undefined)
  list(APPEND ARCA_LINK_FLAGS -fsanitize=address,undefined)
endif()
if(ARCA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "ARCA_FUZZ needs clang (libFuzzer); configure a separate build directory "
                        "with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Coverage instrumentation and sanitizers on all of Arca's code, so that libFuzzer is guided
  # by the code under test and not only by the fuzz target itself.
  list(APPEND ARCA_CXX_FLAGS -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
       -fno-sanitize-recover=undefined)
  list(APPEND ARCA_LINK_FLAGS -fsanitize=address,undefined)
  add_custom_target(arca_fuzzers)
endif()

include(GoogleTest)

function(arca_apply_flags target)
  target_compile_options(${target} PRIVATE ${ARCA_CXX_FLAGS})
  target_link_options(${target} PRIVATE ${ARCA_LINK_FLAGS})
endfunction()

# arca_fuzzer(LAYER SOURCE): the libFuzzer executable arca_LAYER_<stem of SOURCE>, linked with
# the layer's library and built by the `arca_fuzzers` target.
function(arca_fuzzer layer source)
  get_filename_component(stem ${source} NAME_WE)
  set(target arca_${layer}_${stem})
  add_executable(${target} ${source})
  target_link_libraries(${target} PRIVATE arca_${layer})
  arca_apply_flags(${target})
  target_compile_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
  add_dependencies(arca_fuzzers ${target})
endfunction()

# arca_layer(NAME DEPS <libs...> [TEST_DEPS <libs...>])
function(arca_layer name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  file(GLOB fuzzers CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_fuzz.cc)
  list(REMOVE_ITEM sources ${tests} ${fuzzers})
  add_library(arca_${name} STATIC ${sources})
  target_include_directories(arca_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(arca_${name} PUBLIC ${ARG_DEPS})
  arca_apply_flags(arca_${name})
  if(tests)
    add_executable(arca_${name}_test ${tests})
    target_link_libraries(arca_${name}_test PRIVATE arca_${name} ${ARG_TEST_DEPS} GTest::gmock
                          GTest::gtest_main)
    arca_apply_flags(arca_${name}_test)
    gtest_discover_tests(arca_${name}_test DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
  endif()
  if(ARCA_FUZZ)
    foreach(fuzzer ${fuzzers})
      arca_fuzzer(${name} ${fuzzer})
    endforeach()
  endif()
endfunction()
