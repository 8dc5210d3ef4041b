# Generates C++ for the etcd v3 API subset in proto/ at build time (protoc +
# grpc_cpp_plugin) and builds it into the static library confwatch_proto.
# Included by the top-level CMakeLists.txt after find_package(Protobuf/gRPC).
# Generated headers live under ${CMAKE_BINARY_DIR}/proto_gen and are included
# as "etcdserverpb/rpc.grpc.pb.h", "mvccpb/kv.pb.h", "authpb/auth.pb.h".
set(CW_PROTO_SRC_DIR ${CMAKE_SOURCE_DIR}/proto)
set(CW_PROTO_GEN_DIR ${CMAKE_BINARY_DIR}/proto_gen)
file(MAKE_DIRECTORY ${CW_PROTO_GEN_DIR})

if(TARGET protobuf::protoc)
  set(CW_PROTOC $<TARGET_FILE:protobuf::protoc>)
else()
  find_program(CW_PROTOC_PATH protoc REQUIRED)
  set(CW_PROTOC ${CW_PROTOC_PATH})
endif()
if(TARGET gRPC::grpc_cpp_plugin)
  set(CW_GRPC_PLUGIN $<TARGET_FILE:gRPC::grpc_cpp_plugin>)
else()
  find_program(CW_GRPC_PLUGIN_PATH grpc_cpp_plugin REQUIRED)
  set(CW_GRPC_PLUGIN ${CW_GRPC_PLUGIN_PATH})
endif()

# In import order: each file's generation waits for the ones it imports, so
# their headers exist before anything that includes them is compiled. Files in
# CW_PROTO_SERVICES declare services and also get .grpc.pb.{h,cc}.
set(CW_PROTO_FILES mvccpb/kv authpb/auth etcdserverpb/rpc)
set(CW_PROTO_SERVICES etcdserverpb/rpc)

set(CW_PROTO_GENERATED "")
foreach(p ${CW_PROTO_FILES})
  set(outs ${CW_PROTO_GEN_DIR}/${p}.pb.cc ${CW_PROTO_GEN_DIR}/${p}.pb.h)
  set(grpc_args "")
  if(p IN_LIST CW_PROTO_SERVICES)
    list(APPEND outs ${CW_PROTO_GEN_DIR}/${p}.grpc.pb.cc ${CW_PROTO_GEN_DIR}/${p}.grpc.pb.h)
    set(grpc_args --grpc_out=${CW_PROTO_GEN_DIR} --plugin=protoc-gen-grpc=${CW_GRPC_PLUGIN})
  endif()
  add_custom_command(
    OUTPUT ${outs}
    COMMAND ${CW_PROTOC} -I ${CW_PROTO_SRC_DIR} --cpp_out=${CW_PROTO_GEN_DIR}
            ${grpc_args} ${CW_PROTO_SRC_DIR}/${p}.proto
    DEPENDS ${CW_PROTO_SRC_DIR}/${p}.proto ${CW_PROTO_GENERATED}
    COMMENT "protoc ${p}.proto"
    VERBATIM)
  list(APPEND CW_PROTO_GENERATED ${outs})
endforeach()

# No -Wall here: generated code is not ours to clean up.
add_library(confwatch_proto STATIC ${CW_PROTO_GENERATED})
target_include_directories(confwatch_proto SYSTEM PUBLIC ${CW_PROTO_GEN_DIR})
target_link_libraries(confwatch_proto PUBLIC gRPC::grpc++ protobuf::libprotobuf)
