// The build's paths, given by cmake to this file alone (see build_paths.h).
#include "tests/support/build_paths.h"

namespace confwatch::test {
const char* BinaryDir() { return CW_BUILD_PATHS_BINARY_DIR; }
const char* SourceDir() { return CW_BUILD_PATHS_SOURCE_DIR; }
}  // namespace confwatch::test
