# register: self-registration of a service in etcd (issue 5) -- [[register]]
# tables, lease keepalive and recovery, health checks. The `confwatch
# register` subcommand that drives it is in app/.
set(_reg ${CMAKE_SOURCE_DIR}/src/register)
set(_reg_unit ${CMAKE_SOURCE_DIR}/tests/unit/register)
set(_reg_it ${CMAKE_SOURCE_DIR}/tests/integration)
confwatch_module(register
  SOURCES
    ${_reg}/health_check.cc
    ${_reg}/host_ip_funcs.cc
    ${_reg}/registration_spec.cc
    ${_reg}/registrar.cc
    ${_reg}/registration_set.cc
  TESTS
    ${_reg_unit}/registration_spec_test.cc
    ${_reg_unit}/registrar_test.cc
    ${_reg_unit}/registration_set_test.cc
  INTEGRATION
    ${_reg_it}/register_etcd_test.cc
    ${_reg_it}/register_binary_test.cc
    ${_reg_it}/register_health_test.cc
  DEPS base etcd template funcs store process resource ops http
)
