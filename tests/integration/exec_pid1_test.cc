// confwatch as PID 1 of a new PID namespace (unshare --pid --fork
// --mount-proc), the way it runs as a container entrypoint: orphaned
// grandchildren are re-parented to it and must be reaped, and the child's
// exit code must still come back. The child script looks for zombies from
// inside the namespace, where /proc shows only that namespace (the PID 1
// test needs root for unshare). And the same with -subreaper outside a
// namespace. And in watch mode without a command.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/exec_test_util.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

using exec_test::Binary;
using exec_test::Process;
using exec_test::WriteAll;

// Spawns three grandchildren that are orphaned at once (their shell exits)
// and exit 0.3 s later; records their pids, whether PID 1 adopted them, and
// the zombies left once they are dead (polling up to 5 s for the reaper).
constexpr char kOrphanScript[] = R"sh(dir=$1
for i in 1 2 3; do sh -c "sleep 0.3 & echo \$! >> $dir/orphans"; done
sleep 0.1
for p in $(cat $dir/orphans); do grep '^PPid:' /proc/$p/status >> $dir/ppids; done
i=0
while [ $i -lt 50 ]; do
  sleep 0.1
  zombies=$(grep -l '^State:.*Z' /proc/[0-9]*/status 2>/dev/null)
  alive=0
  for p in $(cat $dir/orphans); do [ -e /proc/$p ] && alive=1; done
  [ $alive = 0 ] && [ -z "$zombies" ] && break
  i=$((i+1))
done
echo "$zombies" > $dir/zombies
cat /proc/1/comm > $dir/pid1
exit 5
)sh";

class ExecPid1Test : public ::testing::Test {
 protected:
  void SetUp() override {
    mkdir(dir_.Path("conf.d").c_str(), 0755);
    WriteAll(dir_.Path("orphans.sh"), kOrphanScript);
  }

  std::vector<std::string> ConfwatchArgs(std::vector<std::string> extra) const {
    std::vector<std::string> argv = {Binary(),      "-confdir", dir_.path(), "-backend",
                                     "env",         "-config-file", "",      "-onetime=false",
                                     "-log-level", "debug"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    for (const std::string& a : {std::string("--"), std::string("/bin/sh"),
                                 dir_.Path("orphans.sh"), dir_.path()}) {
      argv.push_back(a);
    }
    return argv;
  }

  TempDir dir_;
};

TEST_F(ExecPid1Test, Pid1ReapsOrphanedGrandchildrenAndKeepsTheChildsExitCode) {
  if (geteuid() != 0) GTEST_SKIP() << "unshare --pid needs root";
  if (access("/usr/bin/unshare", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/unshare";
  std::vector<std::string> argv = {"/usr/bin/unshare", "--pid", "--fork", "--mount-proc"};
  for (const std::string& a : ConfwatchArgs({})) argv.push_back(a);
  Process p(argv, dir_.Path("confwatch.log"));
  EXPECT_EQ(5, p.WaitExit(std::chrono::seconds(30)).value_or(-1)) << p.Log();
  EXPECT_EQ("confwatch\n", ReadFile(dir_.Path("pid1")).value_or("")) << p.Log();
  // Each orphan was adopted by PID 1 (confwatch)...
  EXPECT_EQ("PPid:\t1\nPPid:\t1\nPPid:\t1\n", ReadFile(dir_.Path("ppids")).value_or(""));
  // ...and reaped: no zombie in the namespace.
  EXPECT_EQ("\n", ReadFile(dir_.Path("zombies")).value_or("")) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "reaping orphaned processes (running as PID 1)"))
      << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "reaped orphan pid ")) << p.Log();
}

TEST_F(ExecPid1Test, SubreaperAdoptsAndReapsOrphansOutsideANamespace) {
  Process p(ConfwatchArgs({"-subreaper"}), dir_.Path("confwatch.log"));
  const std::string confwatch_pid = absl::StrCat(p.pid());
  EXPECT_EQ(5, p.WaitExit(std::chrono::seconds(30)).value_or(-1)) << p.Log();
  std::string ppid_line = absl::StrCat("PPid:\t", confwatch_pid, "\n");
  EXPECT_EQ(ppid_line + ppid_line + ppid_line, ReadFile(dir_.Path("ppids")).value_or(""))
      << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "reaping orphaned processes (child subreaper)"))
      << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "reaped orphan pid ")) << p.Log();
}

// No exec mode: a check_cmd that leaves a background process behind. The
// orphan comes to confwatch (-subreaper) and is reaped, and the check's own
// status is still the check's: the file is installed.
TEST_F(ExecPid1Test, SubreaperInWatchModeReapsOrphansOfCheckCommands) {
  mkdir(dir_.Path("templates").c_str(), 0755);
  WriteAll(dir_.Path("data.yaml"), "x: 1\n");
  WriteAll(dir_.Path("templates/a.tmpl"), "x={{getv \"/x\"}}\n");
  WriteAll(dir_.Path("conf.d/a.toml"),
           "[template]\nsrc = \"a.tmpl\"\ndest = \"" + dir_.Path("a.conf") +
               "\"\nkeys = [\"/x\"]\n"
               "check_cmd = \"sleep 0.3 >/dev/null 2>&1 & true\"\n");
  std::vector<std::string> argv = {Binary(), "-confdir",     dir_.path(), "-backend",
                                   "file",   "-file",        dir_.Path("data.yaml"),
                                   "-watch", "-subreaper",   "-config-file", "",
                                   "-log-level", "debug"};
  Process p(argv, dir_.Path("confwatch.log"));
  EXPECT_TRUE(exec_test::PollUntil(
      [&] { return ReadFile(dir_.Path("a.conf")).value_or("") == "x=1\n"; }))
      << p.Log();
  EXPECT_TRUE(exec_test::PollUntil(
      [&] { return absl::StrContains(p.Log(), "reaped orphan pid "); }))
      << p.Log();
  p.Signal(SIGTERM);
  EXPECT_EQ(0, p.WaitExit().value_or(-1)) << p.Log();
}

}  // namespace
}  // namespace confwatch
