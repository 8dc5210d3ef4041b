# CPack: `cpack -G DEB` -> confwatch_<version>_<arch>.deb, `cpack -G TGZ` ->
# confwatch-<version>-Linux.tar.gz holding the tree of cmake/install.cmake.
# tools/package.sh runs both into build/packages/. Configure-time only.
#
# The .deb: Depends computed by dpkg-shlibdeps from the binary (needs
# dpkg-dev), /etc/confwatch/confwatch.toml a conffile (dpkg keeps a changed
# one on upgrade), the unit enabled but not started on install (the
# maintainer scripts in packaging/deb are what dh_installsystemd --no-start
# writes), the man page and changelog gzipped, /etc and /lib/systemd at the
# root (cmake/deb_layout.cmake). Tags lintian still reports are explained
# in packaging/deb/lintian-overrides.
set(CPACK_PACKAGE_NAME "confwatch")
set(CPACK_PACKAGE_VENDOR "confwatch")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "render configuration files from etcd and reload what uses them")
set(CPACK_PACKAGE_DESCRIPTION
"confwatch watches key prefixes in etcd (v3 API), renders Go text/template
templates into files such as nginx or haproxy upstream lists, checks them,
installs them atomically and reloads the programs that read them. It is a
drop-in replacement for confd: the same confdir, template resources, flags
and template functions. It also runs as a container entrypoint, keeps its
own instance registered in etcd under a lease, and serves Prometheus
metrics and health endpoints.")
set(CPACK_PACKAGE_CONTACT "confwatch maintainers <confwatch@example.org>" CACHE STRING
  "Maintainer: field of the .deb")
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_BINARY_DIR}/packages")
set(CPACK_STRIP_FILES ON)
set(CPACK_PRE_BUILD_SCRIPTS "${CMAKE_CURRENT_LIST_DIR}/deb_layout.cmake")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # confwatch_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# deb-systemd-helper and deb-systemd-invoke in the maintainer scripts.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "init-system-helpers (>= 1.52)")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "etcd-server, etcd-client")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
file(WRITE "${CMAKE_BINARY_DIR}/packaging/deb/conffiles" "/etc/confwatch/confwatch.toml\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  "${CMAKE_BINARY_DIR}/packaging/deb/conffiles"
  "${CMAKE_SOURCE_DIR}/packaging/deb/postinst"
  "${CMAKE_SOURCE_DIR}/packaging/deb/prerm"
  "${CMAKE_SOURCE_DIR}/packaging/deb/postrm")

# The Debian changelog lintian asks for, written from the version and commit.
string(TIMESTAMP cw_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE "${CMAKE_BINARY_DIR}/packaging/deb/changelog"
"confwatch (${PROJECT_VERSION}) unstable; urgency=medium

  * Built from commit ${CONFWATCH_COMMIT}.

 -- ${CPACK_PACKAGE_CONTACT}  ${cw_date}
")
set(CW_DEB_CHANGELOG "${CMAKE_BINARY_DIR}/packaging/deb/changelog")
set(CW_DEB_LINTIAN_OVERRIDES "${CMAKE_SOURCE_DIR}/packaging/deb/lintian-overrides")
# deb_layout.cmake runs inside cpack: hand it these through the config file.
set(CPACK_CW_DEB_CHANGELOG "${CW_DEB_CHANGELOG}")
set(CPACK_CW_DEB_LINTIAN_OVERRIDES "${CW_DEB_LINTIAN_OVERRIDES}")

set(CPACK_GENERATOR "DEB;TGZ")
include(CPack)
