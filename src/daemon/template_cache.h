// TemplateCache parses each template file once and hands out the parsed,
// immutable Template until the file changes on disk (inode, size or mtime
// differ), so a render costs no parse. It also serves `include "x.tmpl"`
// from the same templates directory.
//
// The template is named after the file's base name, as confd names it
// (template.New(filepath.Base(src))), so error messages read
// `template: nginx.tmpl:3:14: ...`.
//
// Thread-safety: safe to call from several threads (one mutex; parses happen
// outside hot paths).
#ifndef CONFWATCH_DAEMON_TEMPLATE_CACHE_H_
#define CONFWATCH_DAEMON_TEMPLATE_CACHE_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "template/function.h"
#include "template/template.h"

namespace confwatch {

class TemplateCache {
 public:
  explicit TemplateCache(FuncMap funcs) : funcs_(std::move(funcs)) {}

  // The parsed template at `path` with `options`' delimiters.
  // Errors: IoError(path, errno) ("IO error: <path>: <strerror>", the code
  // following the errno: NotFound, PermissionDenied, ...), CheckTrustedPath's
  // refusal when another user could change the file (`untrusted path ...`,
  // checked whenever the file is parsed, and its owner and mode on every
  // call) or the parse error (`template: x.tmpl:7: unexpected "}" in
  // operand`).
  absl::StatusOr<std::shared_ptr<const Template>> Get(const std::string& path,
                                                      const ParseOptions& options)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Drops every entry (configuration reload).
  void Clear() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    ino_t inode = 0;
    off_t size = -1;
    int64_t mtime_ns = 0;
    uid_t uid = 0;
    mode_t mode = 0;
    std::shared_ptr<const Template> tmpl;
  };
  using Key = std::tuple<std::string, std::string, std::string>;  // path, left, right

  const FuncMap funcs_;
  absl::Mutex mu_;
  std::map<Key, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_TEMPLATE_CACHE_H_
