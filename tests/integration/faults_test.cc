// Fault injection against the real binary and a real etcd (ctest label
// `faults`): a check that hangs, a reload that keeps failing, the
// destination directory or a resource's TOML removed under a running
// confwatch, and etcd frozen (SIGSTOP) for longer than its keepalive. Each
// must leave the last good file in place, say what went wrong, and recover
// without a restart once the fault is gone.
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <errno.h>
#include <string.h>

#include <chrono>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/binary_etcd_test.h"
#include "tests/integration/confwatch_process.h"

namespace confwatch {
namespace {

using FaultsTest = BinaryEtcdTest;

TEST_F(FaultsTest, HangingCheckIsKilledAtItsTimeoutAndTheOldFileStays) {
  Confdir c;
  c.AddTemplate("app.tmpl", "v={{getv \"/app/v\"}}\n");
  // The check passes for "good..." values and hangs for anything else.
  c.AddResource("app.toml", "app.tmpl", "app.conf", "\"/app\"",
                "check_cmd = \"grep -q v=good {{.src}} || sleep 60\"\n"
                "check_cmd_timeout = \"1s\"\n");
  Put("/app/v", "good1");
  auto p = Watch(c);
  ASSERT_TRUE(FileBecomes(c.Out("app.conf"), "v=good1\n")) << p->Log();
  Put("/app/v", "hang");
  ASSERT_TRUE(PollUntil([&] { return absl::StrContains(p->Log(), "timed out after 1s"); },
                        std::chrono::seconds(20)))
      << p->Log();
  EXPECT_EQ("v=good1\n", ReadWholeFile(c.Out("app.conf")));
  Put("/app/v", "good2");
  EXPECT_TRUE(FileBecomes(c.Out("app.conf"), "v=good2\n", std::chrono::seconds(20))) << p->Log();
  EXPECT_EQ(0, p->Stop()) << p->Log();
}

TEST_F(FaultsTest, FailingReloadIsRetriedUntilItSucceeds) {
  Confdir c;
  const std::string attempts = c.Scratch("attempts"), healthy = c.Scratch("healthy");
  c.AddTemplate("app.tmpl", "v={{getv \"/app/v\"}}\n");
  c.AddResource("app.toml", "app.tmpl", "app.conf", "\"/app\"",
                absl::StrCat("reload_cmd = \"echo x >> ", attempts, "; test -e ", healthy, "\"\n"));
  Put("/app/v", "1");
  auto p = Watch(c);
  ASSERT_TRUE(FileBecomes(c.Out("app.conf"), "v=1\n")) << p->Log();
  ASSERT_TRUE(PollUntil([&] { return CountLines(attempts) >= 3; }, std::chrono::seconds(20)))
      << "a failed reload is retried with backoff\n" << p->Log();
  WriteFile(healthy, "");
  ASSERT_TRUE(PollUntil([&] { return absl::StrContains(p->Log(), "app.toml: reloaded"); },
                        std::chrono::seconds(30)))
      << p->Log();
  const int after_success = CountLines(attempts);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(after_success, CountLines(attempts)) << "no more retries once it worked";
  EXPECT_EQ(0, p->Stop()) << p->Log();
}

TEST_F(FaultsTest, RemovedDestinationDirectoryFailsClearlyOrIsRecreated) {
  Confdir c;
  const std::string plain = c.Scratch("plain"), created = c.Scratch("created");
  ASSERT_EQ(0, mkdir(plain.c_str(), 0755));
  ASSERT_EQ(0, mkdir(created.c_str(), 0755));
  c.AddTemplate("app.tmpl", "v={{getv \"/app/v\"}}\n");
  WriteFile(c.Toml("plain.toml"), absl::StrCat("[template]\nsrc = \"app.tmpl\"\ndest = \"", plain,
                                               "/app.conf\"\nkeys = [\"/app\"]\n"));
  WriteFile(c.Toml("created.toml"),
            absl::StrCat("[template]\nsrc = \"app.tmpl\"\ndest = \"", created,
                         "/app.conf\"\nkeys = [\"/app\"]\ncreate_dest_dirs = true\n"));
  Put("/app/v", "1");
  auto p = Watch(c);
  ASSERT_TRUE(FileBecomes(plain + "/app.conf", "v=1\n")) << p->Log();
  ASSERT_TRUE(FileBecomes(created + "/app.conf", "v=1\n")) << p->Log();
  ASSERT_EQ(0, system(absl::StrCat("rm -rf '", plain, "' '", created, "'").c_str()));
  Put("/app/v", "2");
  EXPECT_TRUE(FileBecomes(created + "/app.conf", "v=2\n")) << "create_dest_dirs recreates it\n"
                                                           << p->Log();
  EXPECT_TRUE(PollUntil([&] { return absl::StrContains(p->Log(), "set create_dest_dirs = true"); }))
      << p->Log();
  ASSERT_EQ(0, mkdir(plain.c_str(), 0755));  // the operator puts it back
  EXPECT_TRUE(FileBecomes(plain + "/app.conf", "v=2\n", std::chrono::seconds(20)))
      << "the failed install is retried\n" << p->Log();
  EXPECT_EQ(0, p->Stop()) << p->Log();
}

TEST_F(FaultsTest, DeletedResourceTomlStopsOnlyThatResource) {
  Confdir c;
  c.AddTemplate("app.tmpl", "v={{getv \"/app/v\"}}\n");
  c.AddResource("a.toml", "app.tmpl", "a.conf", "\"/app\"");
  c.AddResource("b.toml", "app.tmpl", "b.conf", "\"/app\"");
  Put("/app/v", "1");
  auto p = Watch(c);
  ASSERT_TRUE(FileBecomes(c.Out("a.conf"), "v=1\n")) << p->Log();
  ASSERT_TRUE(FileBecomes(c.Out("b.conf"), "v=1\n")) << p->Log();
  ASSERT_EQ(0, unlink(c.Toml("b.toml").c_str()));
  ASSERT_TRUE(PollUntil([&] { return absl::StrContains(p->Log(), "loaded 1 template resource(s)"); }))
      << p->Log();
  Put("/app/v", "2");
  EXPECT_TRUE(FileBecomes(c.Out("a.conf"), "v=2\n")) << p->Log();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ("v=1\n", ReadWholeFile(c.Out("b.conf"))) << "b is no longer managed; its file stays";
  EXPECT_EQ(0, p->Stop()) << p->Log();
}

TEST_F(FaultsTest, EtcdFrozenLongerThanKeepaliveThenContinuedLosesNothing) {
  Confdir c;
  c.AddTemplate("app.tmpl", "{{range gets \"/app/*\"}}{{.Key}}={{.Value}}\n{{end}}");
  c.AddResource("app.toml", "app.tmpl", "app.conf", "\"/app\"");
  Put("/app/a", "1");
  auto p = Watch(c);
  ASSERT_TRUE(FileBecomes(c.Out("app.conf"), "/app/a=1\n")) << p->Log();
  etcd_->Pause();  // SIGSTOP: connections stay open, nothing answers
  std::this_thread::sleep_for(std::chrono::seconds(12));
  EXPECT_EQ("/app/a=1\n", ReadWholeFile(c.Out("app.conf"))) << "the last good file stays";
  etcd_->Resume();
  Put("/app/b", "2");
  EXPECT_TRUE(FileBecomes(c.Out("app.conf"), "/app/a=1\n/app/b=2\n", std::chrono::seconds(30)))
      << p->Log();
  EXPECT_EQ(0, p->Stop()) << p->Log();
}

// The destination is a 256 KiB tmpfs that the test fills up: the install of a
// bigger file fails with ENOSPC, the old file stays whole, and once space is
// back the retry installs the new one.
TEST_F(FaultsTest, FullFilesystemKeepsTheOldFileAndRecoversWhenSpaceReturns) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
  Confdir c;
  const std::string mnt = c.Scratch("small");
  ASSERT_EQ(0, mkdir(mnt.c_str(), 0755));
  if (mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=256k") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here: " << strerror(errno);
  }
  struct Unmount {
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{mnt};
  c.AddTemplate("app.tmpl", "{{getv \"/app/v\"}}\n");
  WriteFile(c.Toml("app.toml"), absl::StrCat("[template]\nsrc = \"app.tmpl\"\ndest = \"", mnt,
                                             "/app.conf\"\nkeys = [\"/app\"]\n"));
  Put("/app/v", "small");
  auto p = Watch(c);
  ASSERT_TRUE(FileBecomes(mnt + "/app.conf", "small\n")) << p->Log();
  // Leave ~16 KiB free, then ask for a 100 KiB file.
  ASSERT_EQ(0, system(absl::StrCat("dd if=/dev/zero of=", mnt,
                                   "/filler bs=4k count=60 2>/dev/null").c_str()));
  const std::string big(100 * 1024, 'x');
  Put("/app/v", big);
  ASSERT_TRUE(PollUntil([&] { return absl::StrContains(p->Log(), "No space left on device"); },
                        std::chrono::seconds(20)))
      << p->Log();
  EXPECT_EQ("small\n", ReadWholeFile(mnt + "/app.conf")) << "the old file stays whole";
  EXPECT_EQ(0, system(absl::StrCat("! ls -A ", mnt, " | grep -q '^\\.app\\.conf'").c_str()))
      << "no stage file is left behind";
  ASSERT_EQ(0, unlink((mnt + "/filler").c_str()));
  EXPECT_TRUE(FileBecomes(mnt + "/app.conf", big + "\n", std::chrono::seconds(30)))
      << "the install is retried once there is space\n" << p->Log().substr(0, 4000);
  EXPECT_EQ(0, p->Stop());
}

}  // namespace
}  // namespace confwatch
