// Unit tests of InstallWorker's batch installs on the real filesystem in a
// temp dir: that the installs of one batch overlap (so a start with many
// resources is not a sequence of fsyncs) and that overlapping keeps what a
// sequential batch guarantees.
#include "daemon/install_worker.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

// The real filesystem, whose Fsync of a file waits (up to 10 s) until
// `rendezvous` fsyncs are under way at once, and records the most it saw.
class RendezvousFileSystem : public PosixFileSystem {
 public:
  explicit RendezvousFileSystem(int rendezvous) : rendezvous_(rendezvous) {}

  int Fsync(int fd) override {
    {
      absl::MutexLock lock(&mu_);
      ++in_flight_;
      most_ = std::max(most_, in_flight_);
      auto met = [this] { return most_ >= rendezvous_; };
      mu_.AwaitWithTimeout(absl::Condition(&met), absl::Seconds(10));
    }
    const int err = PosixFileSystem::Fsync(fd);
    absl::MutexLock lock(&mu_);
    --in_flight_;
    return err;
  }

  int most() {
    absl::MutexLock lock(&mu_);
    return most_;
  }

 private:
  const int rendezvous_;
  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int most_ ABSL_GUARDED_BY(mu_) = 0;
};

class NoCommands : public CommandRunner {
 public:
  absl::StatusOr<CommandResult> Run(const std::string& command, absl::Duration) override {
    return absl::InternalError(absl::StrCat("unexpected command: ", command));
  }
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TemplateResource Resource(const std::string& name, const std::string& dest) {
  TemplateResource r;
  r.name = name;
  r.dest = dest;
  return r;
}

TEST(InstallWorker, InstallsOfOneBatchOverlap) {
  TempDir dir;
  RendezvousFileSystem fs(/*rendezvous=*/4);
  NoCommands runner;
  Installer installer(&fs, &runner, InstallOptions());
  ReloadContext reload;
  reload.runner = &runner;
  InstallWorker worker(&installer, reload);
  worker.set_install_threads(4);
  std::vector<TemplateResource> resources;
  for (int i = 0; i < 8; ++i) {
    resources.push_back(Resource(absl::StrCat("r", i, ".toml"), dir.Path(absl::StrCat("f", i))));
  }
  std::vector<BatchItem> batch;
  for (int i = 0; i < 8; ++i) {
    batch.push_back(BatchItem{i, &resources[i], absl::StrCat("v", i, "\n"), {}, {}});
  }

  std::vector<ItemResult> results = worker.Process(batch);

  EXPECT_EQ(4, fs.most());  // without overlap: 1, after waiting 10 s per file
  ASSERT_EQ(8u, results.size());
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(i, results[i].id);
    EXPECT_TRUE(results[i].status.ok()) << results[i].status;
    EXPECT_EQ(InstallOutcome::kInstalled, results[i].outcome);
    EXPECT_EQ(absl::StrCat("v", i, "\n"), ReadAll(resources[i].dest));
  }
}

TEST(InstallWorker, ItemsSharingADestAreInstalledInBatchOrderOnOneThread) {
  TempDir dir;
  RendezvousFileSystem fs(/*rendezvous=*/1);
  NoCommands runner;
  Installer installer(&fs, &runner, InstallOptions());
  ReloadContext reload;
  reload.runner = &runner;
  InstallWorker worker(&installer, reload);
  worker.set_install_threads(8);
  const std::string shared = dir.Path("shared");
  std::vector<TemplateResource> resources = {
      Resource("a.toml", shared), Resource("b.toml", dir.Path("other")), Resource("c.toml", shared)};
  std::vector<BatchItem> batch = {{0, &resources[0], "first\n", {}, {}},
                                  {1, &resources[1], "other\n", {}, {}},
                                  {2, &resources[2], "last\n", {}, {}}};

  std::vector<ItemResult> results = worker.Process(batch);

  EXPECT_EQ("last\n", ReadAll(shared));
  EXPECT_EQ("other\n", ReadAll(dir.Path("other")));
  for (const ItemResult& r : results) EXPECT_TRUE(r.status.ok()) << r.status;
  EXPECT_LE(fs.most(), 2);  // two dests: never more than two installs at once
}

}  // namespace
}  // namespace confwatch
