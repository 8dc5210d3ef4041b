# Sanitizer builds (CONFWATCH_SANITIZE=address,undefined or thread), driven by
# tests/sanitize/run.sh. Every target, including the confwatch binary the
# integration tests start, is built with the sanitizer; Debug with -O1 keeps
# asserts on and stacks readable. -g1 (line tables and function names, no
# variables) is all a sanitizer report needs, and compiles and links in about
# half the time of -g. UBSan findings are errors, not warnings.
#
# ThreadSanitizer and Debian's abseil: the system libabsl is not instrumented,
# so absl::Mutex/Notification are wrapped (tests/sanitize/tsan_absl_sync.cc)
# to tell TSan about the happens-before edges they create.
if(NOT CONFWATCH_SANITIZE)
  return()
endif()

add_compile_options(-fsanitize=${CONFWATCH_SANITIZE} -fno-omit-frame-pointer -g1 -O1)
add_link_options(-fsanitize=${CONFWATCH_SANITIZE})
if(CONFWATCH_SANITIZE MATCHES "undefined")
  add_compile_options(-fno-sanitize-recover=undefined)
endif()

if(CONFWATCH_SANITIZE MATCHES "thread")
  add_library(confwatch_tsan_absl_sync OBJECT ${CMAKE_SOURCE_DIR}/tests/sanitize/tsan_absl_sync.cc)
  target_link_libraries(confwatch_tsan_absl_sync PRIVATE absl::synchronization)
  # abseil's inline namespace, mangled (<length><name>), from the installed headers.
  find_path(_cw_absl_include absl/base/options.h REQUIRED)
  file(STRINGS "${_cw_absl_include}/absl/base/options.h" _cw_ns_line
       REGEX "^#define ABSL_OPTION_INLINE_NAMESPACE_NAME ")
  string(REGEX REPLACE "^#define ABSL_OPTION_INLINE_NAMESPACE_NAME +([A-Za-z0-9_]+).*" "\\1" _cw_ns "${_cw_ns_line}")
  string(LENGTH "${_cw_ns}" _cw_ns_len)
  set(_cw_absl_ns "4absl${_cw_ns_len}${_cw_ns}")
  target_compile_definitions(confwatch_tsan_absl_sync PRIVATE CW_ABSL_NS=${_cw_ns_len}${_cw_ns})
  foreach(sym
      "_ZN${_cw_absl_ns}5Mutex4LockEv"
      "_ZN${_cw_absl_ns}5Mutex6UnlockEv"
      "_ZN${_cw_absl_ns}5Mutex5AwaitERKNS0_9ConditionE"
      "_ZN${_cw_absl_ns}5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE"
      "_ZN${_cw_absl_ns}5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE"
      "_ZN${_cw_absl_ns}12Notification6NotifyEv"
      "_ZNK${_cw_absl_ns}12Notification30WaitForNotificationWithTimeoutENS0_8DurationE")
    add_link_options("LINKER:--wrap=${sym}")
  endforeach()
  # Every executable defined after this point gets the wrappers.
  link_libraries(confwatch_tsan_absl_sync)
endif()
