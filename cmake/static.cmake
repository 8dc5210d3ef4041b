# CONFWATCH_STATIC: a "mostly static" confwatch, to cut its resident memory.
#
# Why: the shared build maps ~60 shared libraries (grpc, protobuf, ~30 abseil
# pieces, re2, yaml-cpp, spdlog/fmt ...). Each costs file-backed resident pages
# that have nothing to do with our work: its symbol tables and relocations read
# by the dynamic linker, and the neighbours of every touched page (the kernel
# maps 64 KB around each fault). Linked from the static archives with
# --gc-sections, only the code we reach is in the binary, in one place.
#
# What stays dynamic, and why:
#  - glibc: a static glibc breaks getaddrinfo/NSS (DNS names of etcd nodes).
#  - OpenSSL (libssl, libcrypto): shared, one copy for gRPC's TLS and the
#    https:// health check; the system's package gets its security updates.
#  - libstdc++ and libgcc_s: linked statically into the confwatch binary
#    (CW_STATIC_EXE_OPTIONS below). Nothing that stays shared is C++ (glibc,
#    OpenSSL, zlib are C), so there is only one C++ runtime in the process
#    and one unwinder. This was not possible while cpp-httplib (shared only
#    in Debian) loaded libstdc++.so. The test binaries keep libstdc++.so.
#  - spdlog and fmt have no static archive in Debian: used header-only.
#
# This file defines one INTERFACE target, confwatch_static_deps, that
# CMakeLists.txt then uses in place of CW_THIRD_PARTY (the shared imported
# targets of gRPC, protobuf, abseil, spdlog, yaml-cpp), so every binary of the
# build (confwatch, tests, benchmarks) links the same way.

set(CW_LIBDIR /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE})
if(NOT CMAKE_LIBRARY_ARCHITECTURE)
  set(CW_LIBDIR /usr/lib/x86_64-linux-gnu)
endif()

# Full paths to the archives, in gRPC's pkg-config --static order; a link group
# resolves what that order misses (abseil pieces our own code needs).
set(CW_STATIC_NAMES
  grpc++ grpc address_sorting re2 upb cares gpr protobuf yaml-cpp inotifytools)
set(CW_STATIC_ARCHIVES "")
foreach(n ${CW_STATIC_NAMES})
  set(a ${CW_LIBDIR}/lib${n}.a)
  if(NOT EXISTS ${a})
    message(FATAL_ERROR "CONFWATCH_STATIC: ${a} is missing (its Debian -dev package ships it)")
  endif()
  list(APPEND CW_STATIC_ARCHIVES ${a})
endforeach()
file(GLOB CW_ABSL_ARCHIVES ${CW_LIBDIR}/libabsl_*.a)
if(NOT CW_ABSL_ARCHIVES)
  message(FATAL_ERROR "CONFWATCH_STATIC: no ${CW_LIBDIR}/libabsl_*.a (libabsl-dev)")
endif()
list(APPEND CW_STATIC_ARCHIVES ${CW_ABSL_ARCHIVES})

find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)

add_library(confwatch_static_deps INTERFACE)
target_compile_definitions(confwatch_static_deps INTERFACE
  SPDLOG_FMT_EXTERNAL FMT_HEADER_ONLY=1)
target_link_libraries(confwatch_static_deps INTERFACE
  nlohmann_json::nlohmann_json toml11::toml11 CLI11::CLI11
  -Wl,--start-group ${CW_STATIC_ARCHIVES} -Wl,--end-group
  OpenSSL::SSL OpenSSL::Crypto ZLIB::ZLIB
  Threads::Threads ${CMAKE_DL_LIBS} rt atomic)
# Each function and datum in its own section, so that --gc-sections drops
# what nothing reaches (our code; Debian's archives are as they were built).
add_compile_options(-ffunction-sections -fdata-sections)
target_link_options(confwatch_static_deps INTERFACE -Wl,--gc-sections -Wl,-O1)
# gold (part of binutils) folds identical functions (--icf=all: ~330 KB less
# text here, mostly template instances); the default linker is used without it.
include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_LINK_OPTIONS -fuse-ld=gold -Wl,--icf=all)
check_cxx_source_compiles("int main() { return 0; }" CW_HAVE_GOLD_ICF)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
if(CW_HAVE_GOLD_ICF)
  target_link_options(confwatch_static_deps INTERFACE -fuse-ld=gold -Wl,--icf=all)
endif()
# For the confwatch binary only: -1.3 MB resident at 100 keys (libstdc++.so
# and libgcc_s mapped whole vs. the pieces confwatch uses).
set(CW_STATIC_EXE_OPTIONS -static-libstdc++ -static-libgcc)
