// Randomized property test of the one-revision rule (issue 16) against the
// real binary and a real etcd (ctest label `faults`): every version of a file
// that confwatch installs is etcd's state at ONE revision for all of the
// resource's prefixes together, those revisions never go back, and the file
// ends at the final state.
//
// One resource reads three prefixes (/p/a, /p/b, /q) and renders every
// key=value line in key order. The test thread is the only writer: random
// multi-key txns across the prefixes (puts, deletes, a key moving to another
// prefix, keys put under a lease that is later revoked so they all vanish at
// one revision). After each write a model replays it and records the
// rendering at the revision etcd's response header names, so the expected
// file at every revision is known. The resource's check_cmd copies each
// staged file into a capture directory before it is installed, so every
// installed version is seen. Each scenario adds one fault: none, compaction
// while following, confwatch SIGSTOPped through writes and a compaction,
// etcd kill -9 + restart, a 3-member cluster losing the member watched. A
// control runs the compaction scenario with one prefix covering all keys.
//
// CONFWATCH_PROP_ROUNDS (default 200 writes) and CONFWATCH_PROP_SEED (default
// random) make a run longer or repeat one; every failure names the seed.
//
// Thread-safety: everything runs on the test thread.
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "etcd/etcd_client.h"
#include "etcdserverpb/rpc.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/integration/confwatch_process.h"
#include "tests/integration/etcd_test_util.h"
#include "tests/support/etcd_test_server.h"

namespace confwatch {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// The watched prefixes, in key order; each holds keys k0..k5.
const std::vector<std::string> kPrefixes = {"/p/a/", "/p/b/", "/q/"};
constexpr int kNamesPerPrefix = 6;
constexpr int kDefaultRounds = 200;
// Long enough that no lease expires during a run: only revocation deletes.
constexpr int64_t kLeaseTtlSeconds = 3600;
constexpr char kHeader[] = "# property\n";

int EnvInt(const char* name, int fallback) {
  const char* v = getenv(name);
  int n = 0;
  return v != nullptr && absl::SimpleAtoi(v, &n) && n > 0 ? n : fallback;
}

uint64_t SeedFromEnv() {
  const char* v = getenv("CONFWATCH_PROP_SEED");
  uint64_t seed = 0;
  if (v != nullptr && absl::SimpleAtoi(v, &seed)) return seed;
  return (static_cast<uint64_t>(std::random_device()()) << 32) ^ std::random_device()();
}

// What the resource's template renders for `kvs`: a header, then key=value
// per key in key order.
std::string Render(const std::map<std::string, std::string>& kvs) {
  std::string s = kHeader;
  for (const auto& [k, v] : kvs) absl::StrAppend(&s, k, "=", v, "\n");
  return s;
}

constexpr char kTemplate[] =
    "# property\n"
    "{{range gets \"/p/a/*\"}}{{.Key}}={{.Value}}\n{{end}}"
    "{{range gets \"/p/b/*\"}}{{.Key}}={{.Value}}\n{{end}}"
    "{{range gets \"/q/*\"}}{{.Key}}={{.Value}}\n{{end}}";

// One operation of a txn: a put (with an optional lease) or a delete.
struct Op {
  std::string key;
  std::optional<std::string> value;  // nullopt: delete
  int64_t lease = 0;
};

// etcd's keys as the writer left them, with the lease each is bound to.
class Model {
 public:
  void Apply(const std::vector<Op>& ops) {
    for (const Op& op : ops) {
      if (op.value) keys_[op.key] = {*op.value, op.lease};
      else keys_.erase(op.key);
    }
  }
  // Deletes every key bound to `lease`; true when there was one.
  bool Revoke(int64_t lease) {
    bool any = false;
    for (auto it = keys_.begin(); it != keys_.end();) {
      if (it->second.second == lease) {
        it = keys_.erase(it);
        any = true;
      } else {
        ++it;
      }
    }
    return any;
  }
  bool Has(const std::string& key) const { return keys_.count(key) > 0; }
  const std::string& Value(const std::string& key) const { return keys_.at(key).first; }
  std::vector<std::string> Keys() const {
    std::vector<std::string> out;
    for (const auto& kv : keys_) out.push_back(kv.first);
    return out;
  }
  std::string Rendered() const {
    std::map<std::string, std::string> kvs;
    for (const auto& [k, v] : keys_) kvs[k] = v.first;
    return Render(kvs);
  }

 private:
  std::map<std::string, std::pair<std::string, int64_t>> keys_;  // key -> value, lease
};

// The expected file at each revision, in revision order.
struct Version {
  int64_t revision;
  std::string text;
};

// Raw etcd KV and Lease calls whose responses carry the revision (the
// EtcdClient has no multi-op txn and does not return a revoke's revision).
// Each call waits for the channel to be ready, up to 5 s.
class TxnWriter {
 public:
  explicit TxnWriter(const std::string& endpoint)
      : channel_(grpc::CreateChannel(endpoint, TestClientCredentials(nullptr))),
        kv_(etcdserverpb::KV::NewStub(channel_)),
        lease_(etcdserverpb::Lease::NewStub(channel_)) {}

  // One txn of `ops`; returns the revision in its response header.
  absl::StatusOr<int64_t> Txn(const std::vector<Op>& ops) {
    etcdserverpb::TxnRequest req;
    for (const Op& op : ops) {
      if (op.value) {
        etcdserverpb::PutRequest* put = req.add_success()->mutable_request_put();
        put->set_key(op.key);
        put->set_value(*op.value);
        put->set_lease(op.lease);
      } else {
        req.add_success()->mutable_request_delete_range()->set_key(op.key);
      }
    }
    etcdserverpb::TxnResponse resp;
    return Call("txn", resp, [&](grpc::ClientContext* ctx) { return kv_->Txn(ctx, req, &resp); });
  }
  absl::StatusOr<int64_t> Grant() {
    etcdserverpb::LeaseGrantRequest req;
    req.set_ttl(kLeaseTtlSeconds);
    etcdserverpb::LeaseGrantResponse resp;
    absl::StatusOr<int64_t> r = Call(
        "grant", resp, [&](grpc::ClientContext* ctx) { return lease_->LeaseGrant(ctx, req, &resp); });
    if (!r.ok()) return r.status();
    return resp.id();
  }
  // The revision after the revoke; NotFound when the lease is gone.
  absl::StatusOr<int64_t> Revoke(int64_t id) {
    etcdserverpb::LeaseRevokeRequest req;
    req.set_id(id);
    etcdserverpb::LeaseRevokeResponse resp;
    return Call("revoke", resp,
                [&](grpc::ClientContext* ctx) { return lease_->LeaseRevoke(ctx, req, &resp); });
  }
  // etcd's current revision (a linearizable read).
  absl::StatusOr<int64_t> Revision() {
    etcdserverpb::RangeRequest req;
    req.set_key("/");
    req.set_limit(1);
    etcdserverpb::RangeResponse resp;
    return Call("range", resp, [&](grpc::ClientContext* ctx) { return kv_->Range(ctx, req, &resp); });
  }

 private:
  template <typename Response>
  absl::StatusOr<int64_t> Call(const char* what, const Response& resp,
                               const std::function<grpc::Status(grpc::ClientContext*)>& rpc) {
    grpc::ClientContext ctx;
    ctx.set_wait_for_ready(true);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::Status s = rpc(&ctx);
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) {
      return absl::NotFoundError(absl::StrCat(what, ": ", s.error_message()));
    }
    if (!s.ok()) return absl::UnavailableError(absl::StrCat(what, ": ", s.error_message()));
    return resp.header().revision();
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<etcdserverpb::KV::Stub> kv_;
  std::unique_ptr<etcdserverpb::Lease::Stub> lease_;
};

// The lines of `a` missing from `b`, each prefixed with `mark`.
std::string MissingLines(const std::string& a, const std::string& b, const char* mark) {
  std::vector<std::string> la = absl::StrSplit(a, '\n', absl::SkipEmpty());
  std::vector<std::string> lb = absl::StrSplit(b, '\n', absl::SkipEmpty());
  std::set<std::string> sb(lb.begin(), lb.end());
  std::string out;
  for (const std::string& l : la) {
    if (sb.count(l) == 0) absl::StrAppend(&out, "    ", mark, l, "\n");
  }
  return out;
}

// How far `captured` is from the expected file of a revision: lines it has
// that the revision lacks, and lines the revision has that it lacks.
std::string Diff(const std::string& captured, const std::string& expected) {
  return MissingLines(captured, expected, "+ ") + MissingLines(expected, captured, "- ");
}

size_t DiffSize(const std::string& captured, const std::string& expected) {
  std::string d = Diff(captured, expected);
  return static_cast<size_t>(std::count(d.begin(), d.end(), '\n'));
}

// Checks that each capture, in order, equals the expected file at some
// revision of `history`, at revisions that never go back. Empty when it
// holds; else which capture broke it, the revisions closest to it and what
// differs ("+" in the capture only, "-" in the revision only).
std::string CheckCaptures(const std::vector<std::string>& captures,
                          const std::vector<Version>& history) {
  size_t at = 0;  // index in history of the last matched revision
  for (size_t i = 0; i < captures.size(); ++i) {
    size_t j = at;
    while (j < history.size() && history[j].text != captures[i]) ++j;
    if (j < history.size()) {
      at = j;
      continue;
    }
    std::set<std::string> states;
    for (const Version& v : history) states.insert(v.text);
    size_t never = 0;
    for (const std::string& c : captures) never += states.count(c) == 0 ? 1 : 0;
    std::string msg = absl::StrCat(never, " of ", captures.size(),
                                   " installed versions were etcd's state at no revision.\n",
                                   "Installed version ", i + 1, " is not etcd's state at any ",
                                   "revision >= ", history[at].revision,
                                   " (the previous version's):\n", captures[i]);
    for (size_t k = 0; k < at; ++k) {
      if (history[k].text == captures[i]) {
        absl::StrAppend(&msg, "it equals the older revision ", history[k].revision,
                        ": the revision went back\n");
      }
    }
    std::vector<size_t> order;
    for (size_t k = 0; k < history.size(); ++k) order.push_back(k);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return DiffSize(captures[i], history[a].text) < DiffSize(captures[i], history[b].text);
    });
    for (size_t n = 0; n < std::min<size_t>(3, order.size()); ++n) {
      const Version& v = history[order[n]];
      absl::StrAppend(&msg, "closest: revision ", v.revision, ", differs by\n",
                      Diff(captures[i], v.text));
    }
    return msg;
  }
  return "";
}

// The files in `dir`, read in name order (check_cmd names them by time).
std::vector<std::string> ReadCaptures(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  std::vector<std::string> out;
  for (const std::string& n : names) out.push_back(ReadWholeFile(dir + "/" + n).value_or(""));
  return out;
}

class ConsistencyProperty : public ::testing::Test {
 protected:
  ConsistencyProperty()
      : seed_(SeedFromEnv()), rounds_(EnvInt("CONFWATCH_PROP_ROUNDS", kDefaultRounds)),
        rng_(seed_) {
    trace_.emplace(__FILE__, __LINE__,
                   absl::StrCat("seed ", seed_, ", ", rounds_, " rounds: rerun with "
                                "CONFWATCH_PROP_SEED=", seed_, " CONFWATCH_PROP_ROUNDS=", rounds_));
    captures_ = c_.Scratch("captures");
    mkdir(captures_.c_str(), 0755);
    c_.AddTemplate("prop.tmpl", kTemplate);
    AddResource("\"/p/a\", \"/p/b\", \"/q\"");
    std::printf("[ seed     ] CONFWATCH_PROP_SEED=%llu CONFWATCH_PROP_ROUNDS=%d\n",
                static_cast<unsigned long long>(seed_), rounds_);
  }

  // The resource, reading the prefixes `keys` (a TOML array body); its
  // check_cmd copies each staged version into captures_, named by time.
  void AddResource(const std::string& keys) {
    c_.AddResource("prop.toml", "prop.tmpl", "prop.conf", keys,
                   absl::StrCat("check_cmd = \"cp {{.src}} ", captures_, "/$(date +%s%N)\"\n"));
  }

  // Writes a few keys under each prefix through `endpoint` before confwatch
  // starts: the first recorded revision.
  void Seed(const std::string& endpoint) {
    writer_ = std::make_unique<TxnWriter>(endpoint);
    std::vector<Op> ops;
    for (const std::string& p : kPrefixes) {
      for (int i = 0; i < kNamesPerPrefix; i += 2) ops.push_back({p + "k" + std::to_string(i), "s"});
    }
    absl::StatusOr<int64_t> rev = writer_->Txn(ops);
    ASSERT_TRUE(rev.ok()) << rev.status();
    model_.Apply(ops);
    history_.push_back({*rev, model_.Rendered()});
  }

  int64_t revision() const { return history_.back().revision; }
  int Rand(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  std::string RandomKey() {
    return kPrefixes[Rand(kPrefixes.size())] + "k" + std::to_string(Rand(kNamesPerPrefix));
  }
  // `n` distinct keys spanning at least two prefixes.
  std::vector<std::string> RandomKeys(int n) {
    std::set<std::string> keys;
    while (static_cast<int>(keys.size()) < n) keys.insert(RandomKey());
    std::set<std::string> prefixes;
    for (const std::string& k : keys) prefixes.insert(k.substr(0, k.rfind('/')));
    return prefixes.size() >= 2 ? std::vector<std::string>(keys.begin(), keys.end())
                                : RandomKeys(n);
  }

  // Runs `write` until it succeeds, for up to 30 s (an election or a
  // restart can fail a request). Returns the revision etcd answered, 0 after
  // a test failure; *retried says whether an attempt failed first.
  int64_t Retry(const char* what, const std::function<absl::StatusOr<int64_t>()>& write,
                bool* retried) {
    absl::StatusOr<int64_t> r;
    *retried = false;
    auto deadline = steady_clock::now() + std::chrono::seconds(30);
    while (!(r = write()).ok() && steady_clock::now() < deadline) {
      *retried = true;
      std::this_thread::sleep_for(milliseconds(200));
    }
    EXPECT_TRUE(r.ok()) << what << ": " << r.status();
    return r.ok() ? *r : 0;
  }

  // Records that `changed` writes took etcd from revision() to `rev`. A
  // write retried after an unknown outcome may have been applied twice:
  // puts and deletes applied again give the same state at a later revision.
  void Record(int64_t rev, bool changed, bool retried) {
    const int64_t want = revision() + (changed ? 1 : 0);
    if (rev != want && !(retried && rev > want)) {
      ADD_FAILURE() << "the test's model is out of step with etcd: expected revision " << want
                    << ", etcd answered " << rev;
      return;
    }
    const std::string text = model_.Rendered();
    for (int64_t r = revision() + 1; r <= rev; ++r) history_.push_back({r, text});
  }

  void WriteTxn(const std::vector<Op>& ops) {
    bool retried = false;
    int64_t rev = Retry("txn", [&] { return writer_->Txn(ops); }, &retried);
    if (rev == 0) return;
    model_.Apply(ops);
    Record(rev, true, retried);
  }

  // Puts and deletes over 2-5 keys of at least two prefixes.
  void MultiKeyTxn(const std::string& value) {
    std::vector<Op> ops;
    for (const std::string& k : RandomKeys(2 + Rand(4))) {
      if (model_.Has(k) && Rand(3) == 0) ops.push_back({k, std::nullopt});
      else ops.push_back({k, value});
    }
    WriteTxn(ops);
  }
  // A key renamed into another prefix: delete it and put its value under
  // the new name in one txn.
  void MoveTxn(const std::string& value) {
    std::vector<std::string> keys = model_.Keys();
    if (keys.empty()) return MultiKeyTxn(value);
    const std::string from = keys[Rand(keys.size())];
    std::string to = RandomKey();
    while (to.substr(0, to.rfind('/')) == from.substr(0, from.rfind('/'))) to = RandomKey();
    WriteTxn({{from, std::nullopt}, {to, model_.Value(from) + "-moved-" + value}});
  }
  // A fresh lease carrying 2-3 keys of different prefixes.
  void LeaseTxn(const std::string& value) {
    bool retried = false;
    int64_t lease = Retry("grant", [&] { return writer_->Grant(); }, &retried);
    if (lease == 0) return;
    std::vector<Op> ops;
    for (const std::string& k : RandomKeys(2 + Rand(2))) ops.push_back({k, "lease-" + value, lease});
    WriteTxn(ops);
    leases_.push_back(lease);
  }
  // Revokes a live lease: every key still bound to it vanishes at one
  // revision.
  void RevokeLease() {
    const size_t i = Rand(leases_.size());
    const int64_t lease = leases_[i];
    leases_.erase(leases_.begin() + i);
    bool retried = false, attempted = false;
    int64_t rev = Retry("revoke", [&]() -> absl::StatusOr<int64_t> {
      absl::StatusOr<int64_t> r = writer_->Revoke(lease);
      // A retry after an attempt that was applied: the lease is gone.
      if (absl::IsNotFound(r.status()) && attempted) return writer_->Revision();
      attempted = true;
      return r;
    }, &retried);
    if (rev == 0) return;
    Record(rev, model_.Revoke(lease), retried);
  }

  // One random write.
  void Step(int round) {
    const std::string value = absl::StrCat("r", round);
    const int dice = Rand(100);
    if (dice < 40) MultiKeyTxn(value);
    else if (dice < 60) MoveTxn(value);
    else if (dice < 75) LeaseTxn(value);
    else if (dice < 90 && !leases_.empty()) RevokeLease();
    else WriteTxn({{RandomKey(), value}});
  }
  // `n` random writes, each after a random pause of 0-15 ms so that
  // confwatch sometimes renders between two writes and sometimes coalesces.
  void Steps(int n) {
    for (int i = 0; i < n && !HasFailure(); ++i) {
      Step(round_++);
      std::this_thread::sleep_for(milliseconds(Rand(16)));
    }
  }

  // Waits for the final state on disk, stops confwatch, and checks every
  // captured version against the history.
  void CheckRun(ConfwatchProcess& p, steady_clock::time_point started) {
    const std::string final_text = model_.Rendered();
    EXPECT_TRUE(FileBecomes(c_.Out("prop.conf"), final_text, std::chrono::seconds(60)))
        << "final file != final state\n" << p.Log().substr(0, 4000);
    EXPECT_EQ(0, p.Stop()) << p.Log().substr(0, 4000);
    std::vector<std::string> captures = ReadCaptures(captures_);
    ASSERT_FALSE(captures.empty()) << p.Log().substr(0, 4000);
    EXPECT_EQ(final_text, captures.back()) << "the last installed version is the final state";
    std::string broken = CheckCaptures(captures, history_);
    EXPECT_TRUE(broken.empty()) << "revisions " << history_.front().revision << ".."
                                << revision() << ": " << broken;
    std::printf("[ measured ] %d writes, revisions %lld..%lld, %zu versions installed, "
                "%lld ms\n",
                round_, static_cast<long long>(history_.front().revision),
                static_cast<long long>(revision()), captures.size(), MsSince(started));
  }

  const uint64_t seed_;
  const int rounds_;
  std::mt19937_64 rng_;
  std::optional<::testing::ScopedTrace> trace_;
  Confdir c_;
  std::string captures_;
  std::unique_ptr<TxnWriter> writer_;
  Model model_;
  std::vector<Version> history_;
  std::vector<int64_t> leases_;
  int round_ = 0;
};

// A single etcd, its writer, and `confwatch -watch` on it.
class SingleEtcdProperty : public ConsistencyProperty {
 protected:
  void Start(EtcdTestOptions options = {}) {
    auto etcd = EtcdTestServer::Start(std::move(options));
    ASSERT_TRUE(etcd.ok()) << etcd.status();
    etcd_ = *std::move(etcd);
    ASSERT_NO_FATAL_FAILURE(Seed(etcd_->endpoint()));
    p_ = std::make_unique<ConfwatchProcess>(
        c_, std::vector<std::string>{"-node", etcd_->endpoint(), "-watch"});
  }
  void Compact() {
    std::unique_ptr<EtcdClient> client = ConnectForTest({etcd_->endpoint()});
    ASSERT_NE(client, nullptr);
    absl::Status s = client->Compact(revision());
    ASSERT_TRUE(s.ok()) << s;
  }

  // The scenario of the two compaction-resync tests below.
  void RunCompactionResync();

  std::unique_ptr<EtcdTestServer> etcd_;
  std::unique_ptr<ConfwatchProcess> p_;
};

TEST_F(SingleEtcdProperty, EveryInstalledVersionIsOneRevisionWhileFollowing) {
  auto started = steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(Start());
  Steps(rounds_);
  CheckRun(*p_, started);
}

TEST_F(SingleEtcdProperty, EveryInstalledVersionIsOneRevisionThroughCompactionsWhileFollowing) {
  auto started = steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(Start());
  for (int done = 0; done < rounds_ && !HasFailure(); done += 25) {
    Steps(std::min(25, rounds_ - done));
    ASSERT_NO_FATAL_FAILURE(Compact());
  }
  CheckRun(*p_, started);
}

// confwatch is SIGSTOPped. The writes made first still reach its socket
// buffer; then etcd drops the connection of the client that no longer
// answers its keepalive pings (1 s + 1 s here), so the writes made after
// that and the compaction that follows them leave confwatch's watches
// behind the compacted revision: after SIGCONT etcd answers "compacted" and
// each prefix is read again. Those reads must not mix revisions in a render.
void SingleEtcdProperty::RunCompactionResync() {
  auto started = steady_clock::now();
  EtcdTestOptions o;
  o.extra_args = {"--grpc-keepalive-interval=1s", "--grpc-keepalive-timeout=1s"};
  ASSERT_NO_FATAL_FAILURE(Start(o));
  Steps(rounds_ / 3);
  ASSERT_EQ(0, kill(p_->pid(), SIGSTOP));
  Steps(rounds_ / 6);
  ASSERT_TRUE(PollUntil(
      [&] { return EtcdMetric(etcd_->endpoint(), "etcd_debugging_mvcc_watch_stream_total") == 0; },
      std::chrono::seconds(30)))
      << "etcd never dropped the stopped confwatch's watch stream";
  Steps(rounds_ / 6);
  ASSERT_NO_FATAL_FAILURE(Compact());
  ASSERT_EQ(0, kill(p_->pid(), SIGCONT));
  Steps(rounds_ - round_);
  CheckRun(*p_, started);
  EXPECT_TRUE(absl::StrContains(p_->Log(), "compacted"))
      << "the watch was meant to be resumed behind the compaction\n" << p_->Log().substr(0, 4000);
}

TEST_F(SingleEtcdProperty, EveryInstalledVersionIsOneRevisionAfterACompactionResync) {
  RunCompactionResync();
}

// The control: the same run with the resource reading one prefix that
// covers all the keys, which confwatch already renders at one revision. A
// failure here is a fault of the test, not of the multi-prefix mechanism.
TEST_F(SingleEtcdProperty, OneCoveringPrefixIsOneRevisionAfterACompactionResync) {
  AddResource("\"/\"");
  RunCompactionResync();
}

TEST_F(SingleEtcdProperty, EveryInstalledVersionIsOneRevisionAcrossAnEtcdKillAndRestart) {
  auto started = steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(Start());
  Steps(rounds_ / 2);
  etcd_->Kill();
  std::this_thread::sleep_for(milliseconds(500));
  absl::Status s = etcd_->Restart();
  ASSERT_TRUE(s.ok()) << s;
  Steps(rounds_ - round_);
  CheckRun(*p_, started);
}

// confwatch knows all three members and watches through member 0; writes go
// through member 1. Member 0 is SIGKILLed mid-run (maybe the raft leader):
// confwatch moves its watches to another member and resumes there.
TEST_F(ConsistencyProperty, EveryInstalledVersionIsOneRevisionWhenTheWatchedMemberDies) {
  auto started = steady_clock::now();
  auto cluster = EtcdTestCluster::Start(3);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  std::vector<std::string> endpoints = (*cluster)->endpoints();
  ASSERT_NO_FATAL_FAILURE(Seed(endpoints[1]));
  std::vector<std::string> args;
  for (const std::string& e : endpoints) args.insert(args.end(), {"-node", e});
  args.push_back("-watch");
  ConfwatchProcess p(c_, args);
  Steps(rounds_ / 2);
  (*cluster)->member(0)->Kill();
  Steps(rounds_ - round_);
  CheckRun(p, started);
}

}  // namespace
}  // namespace confwatch
