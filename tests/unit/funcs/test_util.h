// Test helpers for the function-map tests: a FuncEnv fake (fixed
// environment, clock, host name and DNS answers) and a renderer that runs a
// template text through the real parser and executor over a small store,
// returning Go's output or Go's error text.
//
// Thread-safety: single-threaded test use only.
#ifndef CONFWATCH_TESTS_UNIT_FUNCS_TEST_UTIL_H_
#define CONFWATCH_TESTS_UNIT_FUNCS_TEST_UTIL_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "store/store.h"
#include "store/view.h"
#include "funcs/confd.h"
#include "funcs/env.h"
#include "template/template.h"

namespace confwatch::testing {

class FakeFuncEnv : public FuncEnv {
 public:
  std::map<std::string, std::string> env;
  std::string hostname = "testhost";
  std::vector<std::string> existing_files;
  GoTime now;
  std::map<std::string, std::vector<std::string>> ips;       // host -> addresses
  std::map<std::string, std::vector<SrvRecord>> srv;         // query name -> records
  std::map<std::string, std::vector<std::string>> ifaces;    // interface -> addresses

  std::string Getenv(const std::string& name) const override {
    auto it = env.find(name);
    return it == env.end() ? "" : it->second;
  }
  absl::StatusOr<std::string> Hostname() const override { return hostname; }
  bool FileExists(const std::string& path) const override {
    for (const std::string& f : existing_files) {
      if (f == path) return true;
    }
    return false;
  }
  GoTime Now() const override { return now; }
  absl::StatusOr<std::vector<std::string>> LookupIP(const std::string& host) const override {
    auto it = ips.find(host);
    if (it == ips.end()) return absl::NotFoundError("no such host");
    return it->second;
  }
  absl::StatusOr<std::vector<SrvRecord>> LookupSRV(const std::string& service,
                                                   const std::string& proto,
                                                   const std::string& name) const override {
    auto it = srv.find("_" + service + "._" + proto + "." + name);
    if (it == srv.end()) return absl::NotFoundError("no such host");
    return it->second;
  }
  std::vector<std::string> InterfaceAddrs(const std::string& name) const override {
    auto it = ifaces.find(name);
    return it == ifaces.end() ? std::vector<std::string>{} : it->second;
  }
};

// A template case with Go's expected result: exactly one of want_output and
// want_error is set.
struct GoCase {
  const char* name;
  const char* text;
  const char* want_output;
  const char* want_error;
};

// Renders `text` as template "t.tmpl" (the name the Go goldens used) with
// data nil, over the given keys (every key visible, no prefix).
class Renderer {
 public:
  Renderer(const FuncEnv& env, const std::vector<std::pair<std::string, std::string>>& kvs)
      : funcs_(ConfwatchFuncMap(env)), scope_(*ViewScope::Create("", {"/"})) {
    for (const auto& [k, v] : kvs) store_.Put(k, v);
  }

  // "output" on success, "error: <message>" on failure.
  std::string Render(const std::string& text, ExecContext* ctx = nullptr) const {
    absl::StatusOr<std::shared_ptr<const Template>> t = Template::Parse("t.tmpl", text, funcs_);
    if (!t.ok()) return "error: " + std::string(t.status().message());
    StoreView view(store_, scope_);
    ExecContext local;
    if (ctx == nullptr) ctx = &local;
    ctx->store = &view;
    std::string out;
    absl::Status s = (*t)->Execute(Value::Nil(), *ctx, &out);
    ctx->store = nullptr;
    if (!s.ok()) return "error: " + std::string(s.message());
    return out;
  }

  const FuncMap& funcs() const { return funcs_; }

 private:
  FuncMap funcs_;
  Store store_;
  ViewScope scope_;
};

// The expected string Render() returns for a GoCase.
inline std::string Want(const GoCase& c) {
  return c.want_output ? c.want_output : std::string("error: ") + c.want_error;
}

}  // namespace confwatch::testing

#endif  // CONFWATCH_TESTS_UNIT_FUNCS_TEST_UTIL_H_
