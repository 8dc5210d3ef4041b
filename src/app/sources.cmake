# app: what turns argv into a running confwatch.
set(_app ${CMAKE_SOURCE_DIR}/src/app)
set(_app_tests ${CMAKE_SOURCE_DIR}/tests/unit/app)
confwatch_module(app
  SOURCES
    # Options: flags, environment, confd.toml -> Options.
    ${_app}/option_specs.cc
    ${_app}/options.cc
    # -srv-domain/-srv-record: the etcd nodes from a DNS SRV record.
    ${_app}/srv_nodes.cc
    # Daemon modes and signals.
    ${_app}/run.cc
    # -check-config and -preflight.
    ${_app}/preflight.cc
    # `confwatch register`: the second main, over register/.
    ${_app}/register_command.cc
  TESTS
    # Options
    ${_app_tests}/options_test.cc
    ${_app_tests}/srv_nodes_test.cc
    ${_app_tests}/register_command_test.cc
  DEPS
    base
    exec
    daemon
    etcd
    file_backend
    template
    funcs
    golang
    watch
    ops
    process
    register
    resource
    store
)
