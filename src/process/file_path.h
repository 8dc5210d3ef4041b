// DirName and BaseName split an OS file path at its last '/', the way the
// installer names its stage files and the file watcher finds the directory to
// watch. Unlike Go's path.Dir/Base (store/go_path.h, which confd's templates
// use), they do not clean the path: "/etc/nginx/" has DirName "/etc/nginx".
//
// Thread-safety: pure functions.
#ifndef CONFWATCH_PROCESS_FILE_PATH_H_
#define CONFWATCH_PROCESS_FILE_PATH_H_

#include <string>

namespace confwatch {

// "/etc/nginx" for "/etc/nginx/nginx.conf", "/" for "/x", "." for "x".
std::string DirName(const std::string& path);

// "nginx.conf" for "/etc/nginx/nginx.conf", "x" for "x".
std::string BaseName(const std::string& path);

}  // namespace confwatch

#endif  // CONFWATCH_PROCESS_FILE_PATH_H_
