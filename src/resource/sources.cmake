# resource: confd [template] TOML -> TemplateResource; rendered output ->
# staged, checked, atomically installed file; reload by command or signal.
set(_res ${CMAKE_SOURCE_DIR}/src/resource)
set(_res_tests ${CMAKE_SOURCE_DIR}/tests/unit/resource)
confwatch_module(resource
  SOURCES
    ${_res}/command_status.cc
    ${_res}/family_installer.cc
    ${_res}/for_each.cc
    ${_res}/installer.cc
    ${_res}/output_format.cc
    ${_res}/posix_file_system.cc
    ${_res}/reloader.cc
    ${_res}/resource_loader.cc
    ${_res}/template_resource.cc
    ${_res}/toml_error.cc
    ${_res}/toml_table.cc
    ${_res}/unified_diff.cc
  TESTS
    ${_res_tests}/family_installer_test.cc
    ${_res_tests}/for_each_test.cc
    ${_res_tests}/installer_test.cc
    ${_res_tests}/output_format_test.cc
    ${_res_tests}/reloader_test.cc
    ${_res_tests}/resource_loader_test.cc
    ${_res_tests}/unified_diff_test.cc
  INTEGRATION
    ${CMAKE_SOURCE_DIR}/tests/integration/install_confdir_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/install_posix_test.cc
  DEPS
    base
    store
    process
    golang
)
