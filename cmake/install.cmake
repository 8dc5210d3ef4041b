# What `cmake --install build --prefix P` lays out, and the version line
# `confwatch --version` prints. Included once from CMakeLists.txt after the
# confwatch target exists; cmake/package.cmake (CPack: .deb and .tar.gz) and
# the packaging test build on it. Configure-time only: nothing here runs
# during a build, so an incremental build never pays for it.
#
#   P/bin/confwatch
#   P/share/man/man1/confwatch.1
#   P/lib/systemd/system/confwatch.service   ExecStart=${CONFWATCH_UNIT_BINDIR}/confwatch
#   P/share/doc/confwatch/README.md, examples/templates/...
#   P/etc/confwatch/{confwatch.toml,conf.d/,templates/}
#
# The .deb moves P/etc to /etc and P/lib/systemd to /lib/systemd (see
# cmake/deb_layout.cmake); a plain `--prefix /usr` install keeps them under
# /usr, as every relative destination does.
include(GNUInstallDirs)
# cpack (and `make install`) would otherwise build every target, tests
# included, before installing: tools/package.sh builds confwatch itself.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

# The binary's path as the unit names it: the package installs to /usr/bin,
# and the container copies a `--prefix /out/usr` tree to /usr.
set(CONFWATCH_UNIT_BINDIR "/usr/bin" CACHE STRING
  "Directory of the confwatch binary named by ExecStart= in the installed systemd unit")

# --- version line ------------------------------------------------------------
# The commit is read when CMake configures, not at every build: a build after
# a new commit without a reconfigure still prints the old one (and -dirty is
# as of the configure). Reconfiguring (or tools/package.sh, which does) makes
# it current. Outside a git checkout it is "unknown".
find_package(Git QUIET)
set(CONFWATCH_COMMIT "unknown")
if(GIT_FOUND AND EXISTS "${CMAKE_SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" describe --always --dirty
    WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
    OUTPUT_VARIABLE cw_describe OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE cw_describe_rc ERROR_QUIET)
  if(cw_describe_rc EQUAL 0 AND cw_describe)
    set(CONFWATCH_COMMIT "${cw_describe}")
  endif()
endif()
if(CW_STATIC_EXE)
  set(CONFWATCH_LINKAGE "static")
else()
  set(CONFWATCH_LINKAGE "shared")
endif()
if(TARGET confwatch)
  # Only main.cc sees these, so a new commit recompiles one file.
  target_compile_definitions(confwatch PRIVATE
    CONFWATCH_COMMIT="${CONFWATCH_COMMIT}" CONFWATCH_LINKAGE="${CONFWATCH_LINKAGE}")
endif()

# --- the installed tree ------------------------------------------------------
set(CW_PKG_DIR "${CMAKE_SOURCE_DIR}/packaging")

if(TARGET confwatch)
  install(TARGETS confwatch RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(FILES "${CMAKE_SOURCE_DIR}/docs/confwatch.1" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# The unit of examples/systemd, reading its settings from the config file
# (/etc/confwatch/confwatch.toml) instead of flags, which would override it.
file(READ "${CMAKE_SOURCE_DIR}/examples/systemd/confwatch.service" cw_unit)
string(REGEX REPLACE " Install:\n#   install [^\n]*\n#   systemctl [^\n]*\n# See README.md next to this file.\n"
  "\n# Installed by the confwatch package: enabled, started by `systemctl start\n# confwatch`. See confwatch(1) and /usr/share/doc/confwatch/README.md.\n"
  cw_unit "${cw_unit}")
string(REGEX REPLACE "Documentation=[^\n]*" "Documentation=man:confwatch(1)" cw_unit "${cw_unit}")
string(REGEX REPLACE "ExecStart=[^\n]*\\\\\n[^\n]*\\\\\n[^\n]*\n"
  "# Everything else (confdir, node, metrics-addr...) is read from\n# /etc/confwatch/confwatch.toml.\nExecStart=${CONFWATCH_UNIT_BINDIR}/confwatch -watch\n"
  cw_unit "${cw_unit}")
if(NOT cw_unit MATCHES "ExecStart=${CONFWATCH_UNIT_BINDIR}/confwatch -watch\n"
   OR cw_unit MATCHES "Install:\n")
  message(FATAL_ERROR "cmake/install.cmake: examples/systemd/confwatch.service's header or ExecStart= changed shape; update the rewrite")
endif()
file(CONFIGURE OUTPUT "${CMAKE_BINARY_DIR}/packaging/confwatch.service" CONTENT "${cw_unit}" @ONLY)
install(FILES "${CMAKE_BINARY_DIR}/packaging/confwatch.service" DESTINATION lib/systemd/system)

install(FILES "${CMAKE_SOURCE_DIR}/README.md" DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY "${CMAKE_SOURCE_DIR}/templates/"
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/templates)

# The /etc skeleton: a commented config file and the two empty directories.
install(FILES "${CW_PKG_DIR}/confwatch.toml" DESTINATION etc/confwatch)
install(DIRECTORY DESTINATION etc/confwatch/conf.d)
install(DIRECTORY DESTINATION etc/confwatch/templates)

include(${CMAKE_CURRENT_LIST_DIR}/package.cmake)
include(${CMAKE_SOURCE_DIR}/tests/packaging/packaging.cmake OPTIONAL)
