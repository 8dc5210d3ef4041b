# http: a small HTTP/1.1 server (the metrics endpoints) and GET client (the
# http(s):// health check), in place of cpp-httplib.
confwatch_module(http
  SOURCES
    ${CMAKE_SOURCE_DIR}/src/http/addresses.cc
    ${CMAKE_SOURCE_DIR}/src/http/byte_stream.cc
    ${CMAKE_SOURCE_DIR}/src/http/http_message.cc
    ${CMAKE_SOURCE_DIR}/src/http/http_server.cc
    ${CMAKE_SOURCE_DIR}/src/http/http_client.cc
    ${CMAKE_SOURCE_DIR}/src/http/tcp_connect.cc
    ${CMAKE_SOURCE_DIR}/src/http/tls_stream.cc
  TESTS
    ${CMAKE_SOURCE_DIR}/tests/unit/http/http_message_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/http/http_server_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/http/http_client_test.cc
  DEPS process
)
