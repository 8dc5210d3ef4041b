// FileKeySource over real files in a temp dir and real inotify: what Read
// returns, and that a followed file delivers exactly the keys that changed,
// however it changed. The binary with the daemon around it is tested in
// tests/integration/daemon_file_backend_test.cc.
#include "file_backend/file_key_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

// "put /k=v" / "delete /k", in the order delivered.
std::string Print(const std::vector<KeyChange>& changes) {
  std::string out;
  for (const KeyChange& c : changes) {
    absl::StrAppend(&out, out.empty() ? "" : ", ",
                    c.deleted ? absl::StrCat("delete ", c.key) : absl::StrCat("put ", c.key, "=", c.value));
  }
  return out;
}

// Records what the source delivers; the test waits for the n-th delivery.
class RecordingSink : public ChangeSink {
 public:
  void OnChanges(std::vector<KeyChange> changes, int64_t revision) override {
    std::lock_guard<std::mutex> lock(mu_);
    deliveries_.push_back(Print(changes));
    revisions_.push_back(revision);
    cv_.notify_all();
  }
  void OnResync(std::vector<std::string>, SourceSnapshot) override {}
  void OnSourceState(bool, std::string) override {}
  void OnWatchFailed(std::string, absl::Status) override {}

  // The n-th delivery (1-based), or "<none>" after 10 s (a bound for a hung
  // watcher, not a speed assertion).
  std::string Delivery(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return deliveries_.size() >= n; });
    return deliveries_.size() >= n ? deliveries_[n - 1] : "<none>";
  }
  std::vector<int64_t> revisions() {
    std::lock_guard<std::mutex> lock(mu_);
    return revisions_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> deliveries_;
  std::vector<int64_t> revisions_;
};

class FileKeySourceTest : public ::testing::Test {
 protected:
  void Write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(WriteTestFile(dir_.Path(name), text).ok());
  }
  // As editors save: a new file renamed over the old one.
  void Replace(const std::string& name, const std::string& text) {
    Write(".tmp", text);
    ASSERT_EQ(0, rename(dir_.Path(".tmp").c_str(), dir_.Path(name).c_str()));
  }
  // Reads `prefixes` and follows them from there into sink_.
  void ReadAndFollow(FileKeySource* source, const std::vector<std::string>& prefixes) {
    absl::StatusOr<SourceSnapshot> snap = source->Read(prefixes);
    ASSERT_TRUE(snap.ok()) << snap.status();
    ASSERT_TRUE(source->Follow(prefixes, {}, snap->revision, &sink_).ok());
  }

  TempDir dir_;
  RecordingSink sink_;
};

TEST_F(FileKeySourceTest, ReadKeepsTheKeysUnderThePrefixesAndCountsRevisions) {
  Write("data.yaml", "app: {v: 1}\nother: {w: 2}\n");
  FileKeySource source({dir_.Path("data.yaml")}, "*");
  EXPECT_EQ("file " + dir_.Path("data.yaml"), source.Describe());
  absl::StatusOr<SourceSnapshot> snap = source.Read({"/app"});
  ASSERT_TRUE(snap.ok()) << snap.status();
  ASSERT_EQ(1u, snap->kvs.size());
  EXPECT_EQ("/app/v", snap->kvs[0].key);
  EXPECT_EQ(1, snap->revision);
  EXPECT_EQ(2, source.Read({""})->revision);
}

// A path open() refuses with EACCES: a mode-000 file, or (as root, who may
// read that) a write-only procfs file; "" when neither is refused here.
std::string UnreadablePath(const TempDir& dir) {
  const std::string file = dir.Path("locked.yaml");
  if (!WriteTestFile(file, "k: v\n").ok() || chmod(file.c_str(), 0) != 0) return "";
  for (const std::string& path : {file, std::string("/proc/sys/vm/compact_memory")}) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      close(fd);
      continue;
    }
    if (errno == EACCES) return path;
  }
  return "";
}

// PermissionDenied from a KeySource means "a prefix is refused, read the
// others": the daemon would then read prefix by prefix. A data file the
// process may not read fails the whole read instead.
TEST_F(FileKeySourceTest, AnUnreadableFileIsUnavailableNotAPrefixRefusal) {
  const std::string path = UnreadablePath(dir_);
  if (path.empty()) GTEST_SKIP() << "no path refuses this process with EACCES";
  FileKeySource source({path}, "*");
  absl::StatusOr<SourceSnapshot> snap = source.Read({"/app"});
  EXPECT_EQ(absl::StatusCode::kUnavailable, snap.status().code()) << snap.status();
  EXPECT_EQ("IO error: " + path + ": Permission denied", snap.status().message());
}

TEST_F(FileKeySourceTest, AFollowedFileDeliversOnlyTheKeysThatChanged) {
  Write("data.yaml", "app: {v: 1, w: 1}\nother: {x: 1}\n");
  FileKeySource source({dir_.Path("data.yaml")}, "*");
  ReadAndFollow(&source, {"/app"});
  Replace("data.yaml", "app: {n: 1, v: 2, w: 1}\nother: {x: 2}\n");
  EXPECT_EQ("put /app/n=1, put /app/v=2", sink_.Delivery(1));
  Replace("data.yaml", "app: {v: 2}\nother: {x: 2}\n");
  EXPECT_EQ("delete /app/n, delete /app/w", sink_.Delivery(2));
  std::vector<int64_t> revisions = sink_.revisions();
  ASSERT_EQ(2u, revisions.size());
  EXPECT_LT(revisions[0], revisions[1]);
}

TEST_F(FileKeySourceTest, ABrokenFileDeliversNothingAndTheNextGoodVersionItsChanges) {
  Write("data.yaml", "app: {v: 1}\n");
  FileKeySource source({dir_.Path("data.yaml")}, "*");
  ReadAndFollow(&source, {"/app"});
  Replace("data.yaml", "app: {v: 2\n");  // logged; the keys read before stay
  Replace("data.yaml", "app: {v: 3}\n");
  EXPECT_EQ("put /app/v=3", sink_.Delivery(1));
}

// Nothing watches the files between the first Read and Follow: a change
// made then is delivered as soon as following starts.
TEST_F(FileKeySourceTest, AChangeBetweenReadAndFollowIsDelivered) {
  Write("data.yaml", "app: {v: 1}\n");
  FileKeySource source({dir_.Path("data.yaml")}, "*");
  absl::StatusOr<SourceSnapshot> snap = source.Read({"/app"});
  ASSERT_TRUE(snap.ok()) << snap.status();
  Replace("data.yaml", "app: {v: 2}\n");
  ASSERT_TRUE(source.Follow({"/app"}, {}, snap->revision, &sink_).ok());
  EXPECT_EQ("put /app/v=2", sink_.Delivery(1));
}

TEST_F(FileKeySourceTest, ADataDirectoryIsFollowedWhole) {
  ASSERT_EQ(0, mkdir(dir_.Path("conf").c_str(), 0755));
  Write("conf/a.yaml", "app: {a: 1}\n");
  FileKeySource source({dir_.Path("conf")}, "*.yaml");
  ReadAndFollow(&source, {"/app"});
  Write("conf/b.yaml", "app: {b: 1}\n");
  EXPECT_EQ("put /app/b=1", sink_.Delivery(1));
}

struct DiffCase {
  std::vector<KVPair> before;
  std::vector<KVPair> after;
  std::string changes;
};

TEST(DiffSorted, PutsNewAndChangedKeysAndDeletesTheKeysGone) {
  const std::vector<DiffCase> cases = {
      {{}, {}, ""},
      {{{"/a", "1"}}, {{"/a", "1"}}, ""},
      {{}, {{"/a", "1"}, {"/b", "2"}}, "put /a=1, put /b=2"},
      {{{"/a", "1"}, {"/b", "2"}}, {}, "delete /a, delete /b"},
      {{{"/a", "1"}, {"/c", "3"}}, {{"/b", "2"}, {"/c", "4"}}, "delete /a, put /b=2, put /c=4"},
      {{{"/a", ""}}, {{"/a", "x"}}, "put /a=x"},
  };
  for (const DiffCase& c : cases) {
    EXPECT_EQ(c.changes, Print(DiffSorted(c.before, c.after))) << c.changes;
  }
}

}  // namespace
}  // namespace confwatch
