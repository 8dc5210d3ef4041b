// See e2e_support.h.
#include "tests/e2e/e2e_support.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace confwatch {
namespace {

std::vector<std::string> FilesEndingWith(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    ADD_FAILURE() << "cannot open " << dir;
    return names;
  }
  while (dirent* e = readdir(d)) {
    if (absl::EndsWith(e->d_name, suffix)) names.push_back(e->d_name);
  }
  closedir(d);
  return names;
}

void WriteOrFail(const std::string& path, const std::string& contents) {
  absl::Status s = WriteTestFile(path, contents);
  ASSERT_TRUE(s.ok()) << s;
}

constexpr char kHaproxyMainConfig[] = "/etc/haproxy/haproxy.cfg";

// A shipped TOML made fit for a test confdir (see TemplateConfdir).
std::string AdaptToml(const std::string& toml, const std::string& out_dir,
                      const std::string& haproxy_cfg, bool keep_haproxy_checks) {
  const bool have_nginx = access(kNginxBinary, X_OK) == 0;
  const bool have_haproxy = keep_haproxy_checks && access(kHaproxyBinary, X_OK) == 0;
  std::string adapted;
  for (absl::string_view line : absl::StrSplit(toml, '\n')) {
    if (absl::StartsWith(line, "reload_cmd") || absl::StartsWith(line, "reload_signal") ||
        absl::StartsWith(line, "pid_file")) {
      continue;
    }
    if (absl::StartsWith(line, "check_cmd")) {
      std::string check(line);
      // By full path: PATH may lack /usr/sbin when the tests do not run as root.
      if (have_nginx && absl::StrContains(check, "nginx -t")) {
        absl::StrAppend(
            &adapted, absl::StrReplaceAll(check, {{"nginx -t", absl::StrCat(kNginxBinary, " -t")}}),
            "\n");
      } else if (have_haproxy && absl::StrContains(check, "haproxy -c")) {
        check = absl::StrReplaceAll(check, {{kHaproxyMainConfig, haproxy_cfg}});
        absl::StrAppend(
            &adapted,
            absl::StrReplaceAll(check, {{"haproxy -c", absl::StrCat(kHaproxyBinary, " -c")}}),
            "\n");
      }
      continue;
    }
    if (absl::StartsWith(line, "dest = \"")) {
      std::string dest(line.substr(8, line.size() - 9));
      absl::StrAppend(&adapted, "dest = \"", out_dir, "/", dest.substr(dest.rfind('/') + 1),
                      "\"\n");
      continue;
    }
    absl::StrAppend(&adapted, line, "\n");
  }
  return adapted;
}

// Runs `command` through /bin/sh with its output in `log`; the exit status.
int RunLogged(const std::string& command, const std::string& log) {
  int status = std::system(absl::StrCat(command, " >", log, " 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

}  // namespace

TemplateConfdir::TemplateConfdir(const std::vector<std::string>& template_dirs,
                                 bool keep_haproxy_checks)
    : keep_haproxy_checks_(keep_haproxy_checks) {
  for (const char* sub : {"conf.d", "templates", "out"}) mkdir(dir_.Path(sub).c_str(), 0755);
  // Stands in for /etc/haproxy/haproxy.cfg in the haproxy check_cmds: a
  // listener, so that haproxy -c judges the backends file alone.
  WriteOrFail(Scratch("haproxy.cfg"),
              absl::StrCat("global\ndefaults\n  mode http\n  timeout connect 1s\n"
                           "  timeout client 1s\n  timeout server 1s\nfrontend main\n"
                           "  bind 127.0.0.1:",
                           FreePort(), "\n"));
  for (const std::string& name : template_dirs) Copy(name);
}

void TemplateConfdir::Copy(const std::string& name) {
  {
    const std::string src = absl::StrCat(CONFWATCH_SOURCE_DIR, "/templates/", name);
    for (const std::string& f : FilesEndingWith(src, ".tmpl")) {
      std::optional<std::string> text = ReadWholeFile(src + "/" + f);
      ASSERT_TRUE(text.has_value()) << src << "/" << f;
      WriteOrFail(Tmpl(f), *text);
    }
    std::vector<std::string> tomls = FilesEndingWith(src, ".toml");
    ASSERT_FALSE(tomls.empty()) << "no resource TOML in " << src;
    for (const std::string& f : tomls) {
      std::optional<std::string> text = ReadWholeFile(src + "/" + f);
      ASSERT_TRUE(text.has_value()) << src << "/" << f;
      WriteOrFail(Toml(f),
                  AdaptToml(*text, dir_.Path("out"), Scratch("haproxy.cfg"), keep_haproxy_checks_));
    }
  }
}

void TemplateConfdir::EditTemplate(const std::string& name, const std::string& from,
                                   const std::string& to) {
  std::string text = ReadWholeFile(Tmpl(name)).value_or("");
  size_t at = text.find(from);
  ASSERT_NE(std::string::npos, at) << name << " has no " << from;
  text.replace(at, from.size(), to);
  WriteOrFail(Tmpl(name), text);
}

::testing::AssertionResult NginxAccepts(const std::string& upstreams,
                                        const std::vector<std::string>& names) {
  TempDir d;
  std::string conf = absl::StrCat("pid ", d.Path("nginx.pid"), ";\nerror_log ", d.Path("error.log"),
                                  ";\nevents {}\nhttp {\n  include ", upstreams,
                                  ";\n  server {\n    listen 127.0.0.1:", FreePort(), ";\n");
  for (const std::string& n : names) {
    absl::StrAppend(&conf, "    location /", n, "/ { proxy_pass http://", n, "; }\n");
  }
  absl::StrAppend(&conf, "  }\n}\n");
  if (absl::Status s = WriteTestFile(d.Path("nginx.conf"), conf); !s.ok()) {
    return ::testing::AssertionFailure() << s;
  }
  int code = RunLogged(absl::StrCat(kNginxBinary, " -t -p ", d.path(), "/ -e ", d.Path("error.log"),
                                    " -c ", d.Path("nginx.conf")),
                       d.Path("out"));
  if (code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "nginx -t exited " << code << ":\n"
                                       << ReadWholeFile(d.Path("out")).value_or("") << "\n"
                                       << conf;
}

::testing::AssertionResult HaproxyAccepts(const std::string& backends,
                                          const std::vector<std::string>& names) {
  TempDir d;
  std::string conf = absl::StrCat(
      "global\ndefaults\n  mode http\n  timeout connect 1s\n  timeout client 1s\n"
      "  timeout server 1s\nfrontend main\n  bind 127.0.0.1:",
      FreePort(), "\n");
  for (const std::string& n : names) {
    absl::StrAppend(&conf, "  use_backend ", n, " if { path_beg /", n, "/ }\n");
  }
  if (absl::Status s = WriteTestFile(d.Path("haproxy.cfg"), conf); !s.ok()) {
    return ::testing::AssertionFailure() << s;
  }
  int code =
      RunLogged(absl::StrCat(kHaproxyBinary, " -c -f ", d.Path("haproxy.cfg"), " -f ", backends),
                d.Path("out"));
  if (code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "haproxy -c exited " << code << ":\n"
                                       << ReadWholeFile(d.Path("out")).value_or("") << "\n"
                                       << conf;
}

}  // namespace confwatch
