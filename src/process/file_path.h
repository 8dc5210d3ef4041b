// DirName and BaseName split an OS file path at its last '/', the way the
// installer names its stage files and the file watcher finds the directory to
// watch; IsHiddenName says which entries a directory walk skips. Unlike Go's path.Dir/Base (golang/path.h, which confd's templates
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

// True for a directory entry name starting with '.', which the conf.d walk
// and the file backend's directory walk skip. A Kubernetes ConfigMap or
// Secret volume holds "<name> -> ..data/<name>", "..data -> ..<timestamp>"
// and the real files in "..<timestamp>/"; while kubelet swaps "..data" two
// timestamp directories exist until it removes the old one, so walking them
// would read a second, possibly older, copy of every file and fail on a
// directory removed mid-walk. Editors' swap files (".app.yaml.swp") are
// hidden too.
bool IsHiddenName(const std::string& name);

}  // namespace confwatch

#endif  // CONFWATCH_PROCESS_FILE_PATH_H_
