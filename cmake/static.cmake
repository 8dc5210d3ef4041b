# CONFWATCH_STATIC (on by default): a "mostly static" confwatch executable,
# to cut its resident memory. Only the confwatch binary is linked this way;
# the test and benchmark binaries link the shared libraries (same objects).
#
# Why: the shared build maps ~60 shared libraries (grpc, protobuf, ~30 abseil
# pieces, re2, yaml-cpp, spdlog/fmt ...). Each costs file-backed resident pages
# that have nothing to do with our work: its symbol tables and relocations read
# by the dynamic linker, and the neighbours of every touched page (the kernel
# maps 64 KB around each fault). Linked from the static archives with
# --gc-sections, only the code we reach is in the binary, in one place
# (19.1 MB -> 11.8 MB resident at 100 keys, README "Benchmarks").
#
# What stays dynamic, and why:
#  - glibc: a static glibc breaks getaddrinfo/NSS (DNS names of etcd nodes).
#  - OpenSSL (libssl, libcrypto): shared, one copy for gRPC's TLS and the
#    https:// health check; the system's package gets its security updates.
#  - libstdc++ and libgcc_s: linked statically into the confwatch binary
#    (confwatch_static_deps below). Nothing that stays shared is C++ (glibc,
#    OpenSSL, zlib are C), so there is only one C++ runtime in the process
#    and one unwinder.
#  - spdlog and fmt have no static archive in Debian: the whole build uses
#    them header-only when this is on (one spdlog registry per binary).
#
# Sets CW_STATIC_OK (OFF, with a warning saying what is missing, when an
# archive is not installed: the build then links confwatch shared) and
# CW_GRPC_PLUGINS_STATIC (the plugin registry source, gRPC 1.51 only), and
# defines the INTERFACE target confwatch_static_deps that only the confwatch
# executable links.

set(CW_STATIC_OK ON)
set(CW_LIBDIR /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE})
if(NOT CMAKE_LIBRARY_ARCHITECTURE)
  set(CW_LIBDIR /usr/lib/x86_64-linux-gnu)
endif()

# Full paths to the archives, in gRPC's pkg-config --static order; a link group
# resolves what that order misses (abseil pieces our own code needs).
set(CW_STATIC_NAMES
  grpc++ grpc address_sorting re2 upb cares gpr protobuf yaml-cpp)
set(CW_STATIC_ARCHIVES "")
foreach(n ${CW_STATIC_NAMES})
  set(a ${CW_LIBDIR}/lib${n}.a)
  if(NOT EXISTS ${a})
    message(WARNING "CONFWATCH_STATIC: ${a} is missing (its Debian -dev package ships it); "
                    "linking confwatch against the shared libraries instead")
    set(CW_STATIC_OK OFF)
    return()
  endif()
  list(APPEND CW_STATIC_ARCHIVES ${a})
endforeach()
file(GLOB CW_ABSL_ARCHIVES ${CW_LIBDIR}/libabsl_*.a)
if(NOT CW_ABSL_ARCHIVES)
  message(WARNING "CONFWATCH_STATIC: no ${CW_LIBDIR}/libabsl_*.a (libabsl-dev); "
                  "linking confwatch against the shared libraries instead")
  set(CW_STATIC_OK OFF)
  return()
endif()
list(APPEND CW_STATIC_ARCHIVES ${CW_ABSL_ARCHIVES})

find_package(ZLIB REQUIRED)

# spdlog and fmt header-only in every target of the build, so that the test
# binaries (linked shared) and the confwatch binary run the same code.
add_compile_definitions(SPDLOG_FMT_EXTERNAL FMT_HEADER_ONLY=1)
# Each function and datum in its own section, so that --gc-sections drops
# what nothing reaches (our code; Debian's archives are as they were built).
add_compile_options(-ffunction-sections -fdata-sections)

add_library(confwatch_static_deps INTERFACE)
target_link_libraries(confwatch_static_deps INTERFACE
  -Wl,--start-group ${CW_STATIC_ARCHIVES} -Wl,--end-group
  OpenSSL::SSL OpenSSL::Crypto ZLIB::ZLIB
  Threads::Threads ${CMAKE_DL_LIBS} rt atomic)
target_link_options(confwatch_static_deps INTERFACE -Wl,--gc-sections -Wl,-O1
  -static-libstdc++ -static-libgcc)
# gold (part of binutils) folds identical functions (--icf=all: ~330 KB less
# text here, mostly template instances); the default linker is used without it.
include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_LINK_OPTIONS -fuse-ld=gold -Wl,--icf=all)
check_cxx_source_compiles("int main() { return 0; }" CW_HAVE_GOLD_ICF)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
if(CW_HAVE_GOLD_ICF)
  target_link_options(confwatch_static_deps INTERFACE -fuse-ld=gold -Wl,--icf=all)
endif()

# src/etcd/grpc_plugins_static.cc registers only the gRPC plugins confwatch
# uses; it names gRPC 1.51's internal registration functions. Another gRPC
# links the full registry instead (~2 MB more resident, nothing else lost).
set(CW_GRPC_PLUGINS_STATIC "")
if(gRPC_VERSION VERSION_GREATER_EQUAL 1.51 AND gRPC_VERSION VERSION_LESS 1.52)
  set(CW_GRPC_PLUGINS_STATIC ${CMAKE_SOURCE_DIR}/src/etcd/grpc_plugins_static.cc)
else()
  message(STATUS "CONFWATCH_STATIC: gRPC ${gRPC_VERSION} is not 1.51: keeping its full plugin registry")
endif()
