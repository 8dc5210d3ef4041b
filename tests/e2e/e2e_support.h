// Helpers for the end-to-end tests of templates/ and examples/: a confdir
// assembled from the shipped templates/<name>/ folders, the confwatch binary
// as a child process, polling a rendered file, and nginx -t / haproxy -c on a
// rendered file.
//
//   TemplateConfdir c({"nginx-grpc-resolver"});   // copies *.tmpl and *.toml
//   ConfwatchProcess p(c, {"-node", ep, "-watch"});   // confwatch_process.h
//   EXPECT_TRUE(FileBecomes(c.Out("grpc-upstreams.conf"), want)) << p.Log();
//
// The process and polling helpers are tests/integration/confwatch_process.h's;
// this adds what the shipped templates need.
//
// Thread-safety: none; use from the test's main thread.
#ifndef CONFWATCH_TESTS_E2E_E2E_SUPPORT_H_
#define CONFWATCH_TESTS_E2E_E2E_SUPPORT_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integration/confwatch_process.h"  // ConfwatchProcess, PollUntil, FileBecomes
#include "tests/support/temp_dir.h"

namespace confwatch {

inline constexpr char kNginxBinary[] = "/usr/sbin/nginx";
inline constexpr char kHaproxyBinary[] = "/usr/sbin/haproxy";

// A confdir in a temp dir holding the shipped templates/<name>/ folders:
// every *.tmpl goes to templates/, every *.toml to conf.d/ with its dest
// moved into out/ (same file name) and its reload_cmd, reload_signal and
// pid_file dropped (nothing to reload here). The shipped nginx check_cmds
// stay when nginx is installed (they are part of what is tested). The haproxy
// ones stay only with `keep_haproxy_checks` (and haproxy installed), checking
// against a minimal haproxy.cfg in the confdir instead of
// /etc/haproxy/haproxy.cfg: haproxy -c takes ~0.3 s per render, which tests
// measuring a 2 s lease expiry cannot spare (they run HaproxyAccepts on the
// installed file instead). Other check_cmds are dropped.
class TemplateConfdir {
 public:
  explicit TemplateConfdir(const std::vector<std::string>& template_dirs,
                           bool keep_haproxy_checks = false);

  std::string path() const { return dir_.path(); }
  std::string Out(const std::string& name) const { return dir_.Path("out/" + name); }
  std::string Scratch(const std::string& name) const { return dir_.Path(name); }
  std::string Tmpl(const std::string& name) const { return dir_.Path("templates/" + name); }
  std::string Toml(const std::string& name) const { return dir_.Path("conf.d/" + name); }

  // Replaces the first `from` in a copied template with `to` (as a user
  // edits $always); fails the test when `from` is absent.
  void EditTemplate(const std::string& name, const std::string& from, const std::string& to);

 private:
  // Copies templates/<name>/ (a void function: gtest's ASSERTs return).
  void Copy(const std::string& name);

  TempDir dir_;
  bool keep_haproxy_checks_;
};

// nginx -t on a minimal nginx.conf whose http block includes `upstreams`,
// with a server that proxy_passes to each upstream named in `names` (so an
// upstream missing from the file fails the check, as it would in production).
// Success, or a failure carrying nginx's output.
::testing::AssertionResult NginxAccepts(const std::string& upstreams,
                                        const std::vector<std::string>& names);

// haproxy -c on a minimal global/defaults/frontend config plus `backends`,
// the frontend using each backend in `names`.
::testing::AssertionResult HaproxyAccepts(const std::string& backends,
                                          const std::vector<std::string>& names);

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_E2E_E2E_SUPPORT_H_
