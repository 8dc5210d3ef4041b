// The confwatch binary against a real etcd: every version of a multi-prefix
// resource's file that confwatch installs is etcd's state at one revision.
// A check_cmd copies each staged version into a capture directory (named by
// the time it ran, so they sort in install order); the tests then check that
// no captured version mixes the effects of two etcd revisions (one
// transaction, one lease revocation) and that versions never go back.
//
// Thread-safety: test-thread only.
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "etcd/etcd_client.h"
#include "gtest/gtest.h"
#include "tests/integration/binary_etcd_test.h"
#include "tests/integration/confwatch_process.h"

namespace confwatch {
namespace {

using DaemonConsistencyTest = BinaryEtcdTest;

// The captured versions, oldest first.
std::vector<std::string> Captured(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    }
    closedir(d);
  }
  // Names are nanosecond timestamps of one width: text order is time order.
  std::sort(names.begin(), names.end());
  std::vector<std::string> out;
  for (const std::string& n : names) out.push_back(ReadWholeFile(dir + "/" + n).value_or(""));
  return out;
}

// A check_cmd that keeps a copy of every staged version in `dir`.
std::string CaptureCheck(const std::string& dir) {
  return absl::StrCat("check_cmd = \"cp {{.src}} ", dir, "/$(date +%s%N)\"\n");
}

std::string Generation(int g) { return absl::StrCat("g", 1000 + g); }

// One transaction's puts: /c/k0..k7, /d/x and /d/y, all set to generation g.
std::vector<std::pair<std::string, std::string>> GenerationTxn(int g) {
  std::vector<std::pair<std::string, std::string>> kvs;
  for (int i = 0; i < 8; ++i) kvs.emplace_back(absl::StrCat("/c/k", i), Generation(g));
  kvs.emplace_back("/d/x", Generation(g));
  kvs.emplace_back("/d/y", Generation(g));
  return kvs;
}

// Resource cd.toml (keys /c and /d) listing key=value lines, with every
// installed version captured in `captures`.
void AddGenerationResource(Confdir* c, const std::string& captures) {
  c->AddTemplate("cd.tmpl",
                 "{{range gets \"/c/*\"}}{{.Key}}={{.Value}}\n{{end}}"
                 "{{range gets \"/d/*\"}}{{.Key}}={{.Value}}\n{{end}}");
  c->AddResource("cd.toml", "cd.tmpl", "cd.conf", "\"/c\", \"/d\"", CaptureCheck(captures));
}

// cd.conf after GenerationTxn(g).
std::string Rendered(int g) {
  std::string want;
  for (int i = 0; i < 8; ++i) absl::StrAppend(&want, "/c/k", i, "=", Generation(g), "\n");
  absl::StrAppend(&want, "/d/x=", Generation(g), "\n/d/y=", Generation(g), "\n");
  return want;
}

// A version holding more than one generation; "" when none does. Checks that
// generations never go back.
std::string FirstTornVersion(const std::vector<std::string>& versions, int* torn) {
  *torn = 0;
  std::string first;
  int last = -1;
  for (const std::string& v : versions) {
    std::set<std::string> generations;
    for (absl::string_view line : absl::StrSplit(v, '\n', absl::SkipEmpty())) {
      generations.insert(std::string(line.substr(line.find('=') + 1)));
    }
    if (generations.size() != 1) {
      if (++*torn == 1) first = v;
      continue;
    }
    int g = 0;
    EXPECT_TRUE(absl::SimpleAtoi(generations.begin()->substr(1), &g)) << v;
    EXPECT_GE(g, last) << "a version went back in time:\n" << v;
    last = g;
  }
  return first;
}

// One transaction writes /c/k0..k7, /d/x and /d/y, all to one generation:
// a version that holds two generations is torn.
TEST_F(DaemonConsistencyTest, TransactionAcrossTwoPrefixesIsNeverSplitAcrossRenders) {
  Confdir c;
  const std::string captures = c.Scratch("captures");
  ASSERT_EQ(0, mkdir(captures.c_str(), 0755));
  AddGenerationResource(&c, captures);
  auto txn = [&](int g) {
    absl::StatusOr<int64_t> r = client_->PutMany(GenerationTxn(g));
    ASSERT_TRUE(r.ok()) << r.status();
  };
  txn(0);
  auto p = Watch(c);
  ASSERT_TRUE(FileBecomes(c.Out("cd.conf"), Rendered(0), std::chrono::seconds(30))) << p->Log();
  // Paced so that most transactions find confwatch idle: a render already
  // in flight would coalesce the two halves of a split revision.
  constexpr int kTxns = 200;
  for (int g = 1; g <= kTxns; ++g) {
    txn(g);
    std::this_thread::sleep_for(std::chrono::milliseconds(15));
  }
  ASSERT_TRUE(FileBecomes(c.Out("cd.conf"), Rendered(kTxns), std::chrono::seconds(60)))
      << p->Log();
  p->Stop();

  std::vector<std::string> versions = Captured(captures);
  ASSERT_GE(versions.size(), 2u);
  int torn = 0;
  std::string first_torn = FirstTornVersion(versions, &torn);
  EXPECT_EQ(torn, 0) << torn << " of " << versions.size()
                     << " installed versions mix two transactions, e.g.:\n"
                     << first_torn;
}

// confwatch is away (SIGSTOP) while etcd restarts and compacts the revisions
// it still needs: on its return etcd answers its watch "compacted", and both
// prefixes must be read again at ONE revision before the next render, not one
// prefix now and the other a moment later.
TEST_F(DaemonConsistencyTest, CompactionWhileAwayRereadsBothPrefixesAtOneRevision) {
  Confdir c;
  const std::string captures = c.Scratch("captures");
  ASSERT_EQ(0, mkdir(captures.c_str(), 0755));
  AddGenerationResource(&c, captures);
  int64_t revision = 0;
  auto txn = [&](int g) {
    absl::StatusOr<int64_t> r = client_->PutMany(GenerationTxn(g));
    ASSERT_TRUE(r.ok()) << r.status();
    revision = *r;
  };
  constexpr int kRounds = 3;
  txn(0);
  auto p = Watch(c);
  ASSERT_TRUE(FileBecomes(c.Out("cd.conf"), Rendered(0), std::chrono::seconds(30))) << p->Log();
  for (int round = 1; round <= kRounds; ++round) {
    ASSERT_EQ(0, kill(p->pid(), SIGSTOP));
    ASSERT_TRUE(etcd_->Restart().ok());  // the stream confwatch holds is gone
    for (int g = round * 10; g < round * 10 + 5; ++g) txn(g);
    ASSERT_TRUE(client_->Compact(revision).ok());
    ASSERT_EQ(0, kill(p->pid(), SIGCONT));
    ASSERT_TRUE(
        FileBecomes(c.Out("cd.conf"), Rendered(round * 10 + 4), std::chrono::seconds(60)))
        << p->Log();
  }
  EXPECT_TRUE(absl::StrContains(p->Log(), "compacted")) << p->Log();
  p->Stop();
  int torn = 0;
  std::vector<std::string> versions = Captured(captures);
  std::string first_torn = FirstTornVersion(versions, &torn);
  EXPECT_EQ(torn, 0) << torn << " of " << versions.size()
                     << " installed versions mix two revisions, e.g.:\n"
                     << first_torn;
}

// Each instance registers under two prefixes with ONE lease; revoking the
// lease deletes both keys at one revision, and so does its expiry (etcd's
// leader revokes an expired lease the same way). No version may list an
// instance under one prefix and not the other. One lease really expires.
TEST_F(DaemonConsistencyTest, LeaseOverTwoPrefixesLeavesBothAtOneRevision) {
  Confdir c;
  const std::string captures = c.Scratch("captures");
  ASSERT_EQ(0, mkdir(captures.c_str(), 0755));
  c.AddTemplate("web.tmpl",
                "{{range gets \"/services/web/*\"}}s {{base .Key}}\n{{end}}"
                "{{range gets \"/weights/web/*\"}}w {{base .Key}}\n{{end}}");
  c.AddResource("web.toml", "web.tmpl", "web.conf", "\"/services/web\", \"/weights/web\"",
                CaptureCheck(captures));
  constexpr int kInstances = 100;
  std::vector<int64_t> leases;
  for (int i = 0; i < kInstances; ++i) {
    // The last one is left to expire.
    absl::StatusOr<LeaseGrant> lease = client_->GrantLease(i + 1 == kInstances ? 8 : 600);
    ASSERT_TRUE(lease.ok()) << lease.status();
    leases.push_back(lease->id);
    const std::string id = absl::StrCat("i", 1000 + i);
    Put("/services/web/" + id, "10.0.0.1:80", lease->id);
    Put("/weights/web/" + id, "5", lease->id);
  }
  auto p = Watch(c);
  // (The expiring one may be gone already on a slow machine.)
  ASSERT_TRUE(PollUntil([&] { return CountLines(c.Out("web.conf")) >= 2 * (kInstances - 1); },
                        std::chrono::seconds(30)))
      << p->Log();
  leases.pop_back();
  for (int64_t lease : leases) {
    ASSERT_TRUE(client_->RevokeLease(lease).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(15));  // as above
  }
  ASSERT_TRUE(FileBecomes(c.Out("web.conf"), "", std::chrono::seconds(60))) << p->Log();
  p->Stop();

  std::vector<std::string> versions = Captured(captures);
  ASSERT_GE(versions.size(), 2u);
  int torn = 0;
  size_t last = kInstances + 1;
  std::string first_torn;
  for (const std::string& v : versions) {
    std::set<std::string> services, weights;
    for (absl::string_view line : absl::StrSplit(v, '\n', absl::SkipEmpty())) {
      (line[0] == 's' ? services : weights).insert(std::string(line.substr(2)));
    }
    if (services != weights) {
      if (++torn == 1) first_torn = v;
      continue;
    }
    EXPECT_LE(services.size(), last) << "a revoked instance came back:\n" << v;
    last = services.size();
  }
  EXPECT_EQ(torn, 0) << torn << " of " << versions.size()
                     << " installed versions list an instance under one prefix only, e.g.:\n"
                     << first_torn;
}

}  // namespace
}  // namespace confwatch
