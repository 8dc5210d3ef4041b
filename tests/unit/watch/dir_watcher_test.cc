#include "watch/dir_watcher.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

// Records paths reported by the watcher and lets the test wait for one.
class Recorder {
 public:
  void Add(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    paths_.insert(path);
    cv_.notify_all();
  }
  bool Saw(const std::string& suffix) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& p : paths_) {
      if (absl::EndsWith(p, suffix)) return true;
    }
    return false;
  }
  bool WaitFor(const std::string& suffix) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] {
      for (const auto& p : paths_) {
        if (absl::EndsWith(p, suffix)) return true;
      }
      return false;
    });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> paths_;
};

std::string MakeTempDir() {
  char tmpl[] = "/tmp/confwatch-dirwatch-XXXXXX";
  return mkdtemp(tmpl);
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(DirWatcher, ReportsWriteRenameDeleteAndNewSubdirectories) {
  std::string dir = MakeTempDir();
  Recorder rec;
  auto w = DirWatcher::Start({{dir, true}}, [&](const std::string& p) { rec.Add(p); });
  ASSERT_TRUE(w.ok()) << w.status();

  WriteFile(dir + "/a.toml", "x");
  EXPECT_TRUE(rec.WaitFor("/a.toml"));

  // Editors save by writing a temp file and renaming it over the original.
  WriteFile(dir + "/.b.tmp", "y");
  ASSERT_EQ(0, rename((dir + "/.b.tmp").c_str(), (dir + "/b.toml").c_str()));
  EXPECT_TRUE(rec.WaitFor("/b.toml"));

  ASSERT_EQ(0, mkdir((dir + "/sub").c_str(), 0755));
  EXPECT_TRUE(rec.WaitFor("/sub"));
  usleep(100 * 1000);  // the watcher adds the new directory from its own thread
  WriteFile(dir + "/sub/c.toml", "z");
  EXPECT_TRUE(rec.WaitFor("/sub/c.toml"));

  ASSERT_EQ(0, unlink((dir + "/a.toml").c_str()));
  w->reset();
  std::string cmd = "rm -rf " + dir;
  ASSERT_EQ(0, system(cmd.c_str()));
}

TEST(DirWatcher, MissingRootIsAnErrorNamingIt) {
  auto w = DirWatcher::Start({{"/nonexistent/confwatch-dir", true}}, [](const std::string&) {});
  ASSERT_FALSE(w.ok());
  EXPECT_EQ("watch /nonexistent/confwatch-dir: No such file or directory", w.status().message());
}

// The daemon watches its confdir while the file backend watches its data
// files: each watcher hears of its own directories only.
TEST(DirWatcher, SeveralRunAtOnceEachReportingItsOwnRoots) {
  std::string a = MakeTempDir();
  std::string b = MakeTempDir();
  Recorder rec_a;
  Recorder rec_b;
  auto wa = DirWatcher::Start({{a, false}}, [&](const std::string& p) { rec_a.Add(p); });
  ASSERT_TRUE(wa.ok()) << wa.status();
  auto wb = DirWatcher::Start({{b, false}}, [&](const std::string& p) { rec_b.Add(p); });
  ASSERT_TRUE(wb.ok()) << wb.status();

  WriteFile(b + "/in-b.yaml", "x");
  WriteFile(a + "/in-a.toml", "x");
  EXPECT_TRUE(rec_a.WaitFor("/in-a.toml"));
  EXPECT_TRUE(rec_b.WaitFor("/in-b.yaml"));
  wa->reset();
  WriteFile(b + "/again.yaml", "y");
  EXPECT_TRUE(rec_b.WaitFor("/again.yaml")) << "stopping one leaves the other running";
  EXPECT_FALSE(rec_a.Saw("/in-b.yaml"));
  EXPECT_FALSE(rec_b.Saw("/in-a.toml"));
  wb->reset();
  ASSERT_EQ(0, system(("rm -rf " + a + " " + b).c_str()));
}

// A fleet of confwatch processes of one user runs out of inotify instances
// (128 by default): the warning says which limit to raise.
TEST(DirWatcher, InotifyLimitErrorsNameTheSysctl) {
  struct Case {
    std::string what;
    int err;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"inotify", EMFILE,
       "inotify: Too many open files (the inotify instances of this user, sysctl "
       "fs.inotify.max_user_instances; or this process's open-file limit)"},
      {"inotify watch /c/conf.d", ENOSPC,
       "inotify watch /c/conf.d: No space left on device (the inotify watches of this user, sysctl "
       "fs.inotify.max_user_watches)"},
      {"inotify watch /c/conf.d", EACCES, "inotify watch /c/conf.d: Permission denied"},
  };
  for (const Case& c : cases) {
    absl::Status s = InotifyError(c.what, c.err);
    EXPECT_EQ(absl::StatusCode::kInternal, s.code());
    EXPECT_EQ(c.message, s.message());
  }
}

}  // namespace
}  // namespace confwatch
