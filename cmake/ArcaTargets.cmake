# Target helpers shared by every layer.
#
# Each layer folder holds `foo.h`, `foo.cc` and `foo_test.cc`. `arca_layer(NAME ...)` builds the
# non-test sources into the library `arca_NAME` and the tests into `arca_NAME_test`, registered
# with CTest one GoogleTest case at a time.

# Flags for Arca's own code. x86-64-v3 (AVX2) keeps every binary runnable under valgrind 3.19,
# which cannot decode AVX-512; AVX-512 kernels are selected at run time instead.
set(ARCA_CXX_FLAGS -march=x86-64-v3 -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Werror)
set(ARCA_LINK_FLAGS "")
if(ARCA_SANITIZE)
  list(APPEND ARCA_CXX_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer
       -fno-sanitize-recover=undefined)
  list(APPEND ARCA_LINK_FLAGS -fsanitize=address,undefined)
endif()

include(GoogleTest)

function(arca_apply_flags target)
  target_compile_options(${target} PRIVATE ${ARCA_CXX_FLAGS})
  target_link_options(${target} PRIVATE ${ARCA_LINK_FLAGS})
endfunction()

# arca_layer(NAME DEPS <libs...> [TEST_DEPS <libs...>])
function(arca_layer name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  list(REMOVE_ITEM sources ${tests})
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
endfunction()
