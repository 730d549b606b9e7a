# Helpers that give every module the same shape (abseil's absl_cc_library habit):
# one target per module, its dependencies listed, tests beside the code.
include_guard(GLOBAL)

# smartnano_module(NAME core SOURCES a.cpp b.cpp DEPS other_module ... LIBS external::lib ...)
# Creates smartnano_<NAME> (alias smartnano::<NAME>). Only the listed modules are linked,
# so including an undeclared (upward) module's private header fails the build.
function(smartnano_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;DEPS;LIBS" ${ARGN})
  set(target smartnano_${M_NAME})
  add_library(${target} ${M_SOURCES})
  add_library(smartnano::${M_NAME} ALIAS ${target})
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_compile_options(${target} PRIVATE ${SMARTNANO_WARNINGS})
  foreach(dep IN LISTS M_DEPS)
    target_link_libraries(${target} PUBLIC smartnano_${dep})
  endforeach()
  target_link_libraries(${target} PUBLIC ${M_LIBS})
  set_property(GLOBAL APPEND PROPERTY SMARTNANO_MODULES ${target})
endfunction()

# smartnano_test(NAME foo_test SOURCES foo_test.cpp DEPS module ...)
function(smartnano_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;DEPS;LIBS;LABELS" ${ARGN})
  if(NOT SMARTNANO_BUILD_TESTS)
    return()
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${T_NAME} PRIVATE ${SMARTNANO_WARNINGS})
  foreach(dep IN LISTS T_DEPS)
    target_link_libraries(${T_NAME} PRIVATE smartnano_${dep})
  endforeach()
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${T_NAME} PRIVATE
    SMARTNANO_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SMARTNANO_SHARED_DIR="${SMARTNANO_SHARED_DIR}")
  # One label per test: "unit" unless the test says otherwise (e.g. "validation"). A list would
  # be split by gtest_discover_tests' PROPERTIES and the extra entries lost.
  set(label unit)
  if(T_LABELS)
    list(GET T_LABELS 0 label)
  endif()
  gtest_discover_tests(${T_NAME} PROPERTIES LABELS ${label} DISCOVERY_TIMEOUT 60)
endfunction()
