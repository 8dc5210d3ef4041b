// Where this build's tree and the sources it was built from are, for tests
// that run the built confwatch binary or read files shipped in the repository.
//
//   std::string binary = std::string(CONFWATCH_BINARY_DIR) + "/confwatch";
//
// Every test binary is compiled with `-include` of this header, so the two
// macros work in any test file. The paths themselves are compiled into one
// translation unit (build_paths.cc) only: were they -D definitions on every
// test file, each file's compile command would name the checkout's absolute
// path and ccache could not reuse its object in a clone in another folder
// (CI's). Thread-safe: constant strings.
#ifndef CONFWATCH_TESTS_SUPPORT_BUILD_PATHS_H_
#define CONFWATCH_TESTS_SUPPORT_BUILD_PATHS_H_

namespace confwatch::test {
const char* BinaryDir();  // the cmake build directory (holds `confwatch`)
const char* SourceDir();  // the repository's root
}  // namespace confwatch::test

#ifndef CONFWATCH_BINARY_DIR
#define CONFWATCH_BINARY_DIR (::confwatch::test::BinaryDir())
#endif
#ifndef CONFWATCH_SOURCE_DIR
#define CONFWATCH_SOURCE_DIR (::confwatch::test::SourceDir())
#endif

#endif  // CONFWATCH_TESTS_SUPPORT_BUILD_PATHS_H_
