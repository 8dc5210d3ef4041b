# CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS): runs inside cpack after
# the tree of cmake/install.cmake is staged and before it is packed. For the
# .deb only, it moves the staged tree to where Debian wants it:
#   usr/etc/confwatch    -> etc/confwatch      (conffiles live in /etc)
#   usr/lib/systemd      -> lib/systemd        (bookworm's unit directory)
#   usr/share/man/...1   -> gzipped            (Debian policy 12.1)
#   usr/bin/confwatch    -> without .comment   (as dh_strip leaves it)
# and adds the Debian changelog and the lintian overrides. The tarball keeps
# the plain `cmake --install` tree.
if(NOT CPACK_GENERATOR STREQUAL "DEB")
  return()
endif()
set(root "${CPACK_TEMPORARY_INSTALL_DIRECTORY}")
set(usr "${root}${CPACK_PACKAGING_INSTALL_PREFIX}")
if(NOT EXISTS "${usr}/bin/confwatch")
  message(FATAL_ERROR "deb_layout.cmake: no ${usr}/bin/confwatch in the staged tree")
endif()

function(cw_move from to)
  get_filename_component(parent "${to}" DIRECTORY)
  file(MAKE_DIRECTORY "${parent}")
  file(RENAME "${from}" "${to}")
endfunction()
cw_move("${usr}/etc/confwatch" "${root}/etc/confwatch")
file(REMOVE_RECURSE "${usr}/etc")
cw_move("${usr}/lib/systemd" "${root}/lib/systemd")
file(GLOB left "${usr}/lib/*")
if(NOT left)
  file(REMOVE_RECURSE "${usr}/lib")
endif()

# cpack's strip keeps the compiler's .comment section; dh_strip drops it.
execute_process(COMMAND strip --remove-section=.comment --remove-section=.note "${usr}/bin/confwatch"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "deb_layout.cmake: strip ${usr}/bin/confwatch failed")
endif()

function(cw_gzip file)
  execute_process(COMMAND gzip -9n "${file}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "deb_layout.cmake: gzip ${file} failed")
  endif()
endfunction()
cw_gzip("${usr}/share/man/man1/confwatch.1")
set(doc "${usr}/share/doc/confwatch")
file(COPY "${CPACK_CW_DEB_CHANGELOG}" DESTINATION "${doc}")
cw_gzip("${doc}/changelog")
file(MAKE_DIRECTORY "${usr}/share/lintian/overrides")
file(COPY_FILE "${CPACK_CW_DEB_LINTIAN_OVERRIDES}" "${usr}/share/lintian/overrides/confwatch")
