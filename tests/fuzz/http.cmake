# libFuzzer target for the metrics server's request-head path (configure
# with CC=clang CXX=clang++ -DCONFWATCH_FUZZ=ON; seeds in
# tests/fuzz/corpus/http_request):
#   http_request_fuzzer  any bytes as a client sends them, in pieces: the
#                        incremental head scanner agrees with itself fed at
#                        once and with StreamReader::ReadHead; heads parse
#                        to a request or an InvalidArgument; responses
#                        formatted read back
# Run: nice -n 19 ./http_request_fuzzer -max_total_time=600 -timeout=10 \
#        -rss_limit_mb=2048 ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/http_request
# Built from the three sources it needs (not the whole http module, which
# pulls OpenSSL for the client), instrumented.
add_executable(http_request_fuzzer ${CMAKE_SOURCE_DIR}/tests/fuzz/http_request_fuzzer.cc
  ${CMAKE_SOURCE_DIR}/src/http/http_message.cc
  ${CMAKE_SOURCE_DIR}/src/http/byte_stream.cc
  ${CMAKE_SOURCE_DIR}/src/process/errno_text.cc)
confwatch_target_setup(http_request_fuzzer)
target_compile_options(http_request_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined -g)
target_link_options(http_request_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_libraries(http_request_fuzzer PRIVATE ${CW_THIRD_PARTY})
