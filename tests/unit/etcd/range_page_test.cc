// DecodeRangePage must read exactly what protobuf's own parser reads from a
// RangeResponse: the reference here is the generated message.
#include "etcd/range_page.h"

#include <random>
#include <string>
#include <vector>

#include "etcdserverpb/rpc.pb.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

std::string RandomBytes(std::mt19937* rng, size_t max_len) {
  std::string s(std::uniform_int_distribution<size_t>(0, max_len)(*rng), '\0');
  for (char& c : s) c = static_cast<char>((*rng)() & 0xff);
  return s;
}

etcdserverpb::RangeResponse RandomResponse(std::mt19937* rng, int kvs) {
  etcdserverpb::RangeResponse r;
  r.mutable_header()->set_cluster_id((*rng)());
  r.mutable_header()->set_member_id(uint64_t{1} << 63 | (*rng)());
  r.mutable_header()->set_revision(static_cast<int64_t>((*rng)()) << 8);
  r.mutable_header()->set_raft_term(7);
  for (int i = 0; i < kvs; ++i) {
    mvccpb::KeyValue* kv = r.add_kvs();
    // Empty, short (in-place std::string) and long keys and values, any bytes.
    kv->set_key(RandomBytes(rng, i % 3 == 0 ? 4 : 300));
    kv->set_value(RandomBytes(rng, i % 2 == 0 ? 10 : 5000));
    kv->set_create_revision((*rng)());
    kv->set_mod_revision(static_cast<int64_t>((*rng)()) << 20);
    kv->set_version(i);
    kv->set_lease(i % 4 == 0 ? 0 : -static_cast<int64_t>((*rng)()));
  }
  r.set_more(kvs % 2 == 1);
  r.set_count(kvs * 1000 + 3);
  return r;
}

// What the client built before from the generated message.
std::vector<KeyValue> Reference(const etcdserverpb::RangeResponse& r) {
  std::vector<KeyValue> out;
  for (const mvccpb::KeyValue& kv : r.kvs()) {
    out.push_back(KeyValue{kv.key(), kv.value(), kv.create_revision(), kv.mod_revision(),
                           kv.version(), kv.lease()});
  }
  return out;
}

// Decodes `wire` handed over in pieces of `block` bytes (gRPC delivers a
// message as several slices; fields straddle them).
bool Decode(const std::string& wire, int block, RangePage* page) {
  google::protobuf::io::ArrayInputStream in(wire.data(), static_cast<int>(wire.size()), block);
  return DecodeRangePage(&in, page);
}

TEST(RangePage, DecodesWhatProtobufEncodesAcrossAnySliceBoundaries) {
  std::mt19937 rng(42);
  for (int kvs : {0, 1, 2, 7, 64}) {
    etcdserverpb::RangeResponse r = RandomResponse(&rng, kvs);
    std::string wire = r.SerializeAsString();
    for (int block : {1, 3, 17, 4096, static_cast<int>(wire.size()) + 1}) {
      std::vector<KeyValue> got = {KeyValue{"/kept", "from an earlier page"}};
      KeyValueSink sink(&got);
      RangePage page(&sink);
      ASSERT_TRUE(Decode(wire, block, &page)) << kvs << " kvs, block " << block;
      std::vector<KeyValue> want = {KeyValue{"/kept", "from an earlier page"}};
      for (KeyValue& kv : Reference(r)) want.push_back(kv);
      EXPECT_EQ(got, want) << kvs << " kvs, block " << block;
      EXPECT_EQ(page.revision, r.header().revision());
      EXPECT_EQ(page.count, r.count());
      EXPECT_EQ(page.more, r.more());
      int64_t bytes = 0;
      for (const mvccpb::KeyValue& kv : r.kvs()) bytes += kv.key().size() + kv.value().size();
      EXPECT_EQ(page.kv_bytes, bytes);
      EXPECT_EQ(page.keys, kvs);
      EXPECT_EQ(page.last_key, kvs == 0 ? "" : r.kvs(kvs - 1).key());
    }
  }
}

// A newer etcd may add fields, to the response or to a KeyValue.
TEST(RangePage, SkipsFieldsItDoesNotKnow) {
  mvccpb::KeyValue kv;
  kv.set_key("/a");
  kv.set_value("1");
  kv.set_mod_revision(5);
  std::string kv_wire = kv.SerializeAsString();
  // field 9 varint 300, field 10 bytes "xyz", field 11 fixed64, field 12 fixed32
  const std::string unknown("\x48\xac\x02\x52\x03xyz\x59" "12345678" "\x65" "1234", 22);
  kv_wire = unknown + kv_wire + unknown;
  etcdserverpb::RangeResponse r;
  r.mutable_header()->set_revision(9);
  r.set_count(1);
  std::string wire = unknown + r.SerializeAsString();
  wire += '\x12';  // kvs, length-delimited
  wire += static_cast<char>(kv_wire.size());
  wire += kv_wire;
  wire += unknown;

  std::vector<KeyValue> got;
  KeyValueSink sink(&got);
  RangePage page(&sink);
  ASSERT_TRUE(Decode(wire, 5, &page));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (KeyValue{"/a", "1", 0, 5, 0, 0}));
  EXPECT_EQ(page.revision, 9);
  EXPECT_EQ(page.count, 1);
}

TEST(RangePage, BrokenMessageIsRefusedAndLeavesEarlierKeysAlone) {
  std::mt19937 rng(7);
  std::string wire = RandomResponse(&rng, 5).SerializeAsString();
  std::vector<std::string> broken = {
      wire.substr(0, wire.size() / 2),  // cut inside a kv
      wire + "\x12\x05\x0a\x09",        // a kv whose key runs past its end
      wire + "\x07",                    // wire type 7 does not exist
  };
  for (const std::string& b : broken) {
    std::vector<KeyValue> got = {KeyValue{"/kept", "v"}};
    KeyValueSink sink(&got);
    RangePage page(&sink);
    EXPECT_FALSE(Decode(b, 64, &page));
    EXPECT_EQ(got, (std::vector<KeyValue>{KeyValue{"/kept", "v"}}));
  }
}

TEST(RangePage, ResetDropsOnlyWhatThePageAppended) {
  std::vector<KeyValue> kvs = {KeyValue{"/a", "1"}};
  KeyValueSink sink(&kvs);
  RangePage page(&sink);
  kvs.push_back(KeyValue{"/b", "2"});
  page.count = 4;
  page.more = true;
  page.keys = 1;
  page.last_key = "/b";
  page.Reset();
  EXPECT_EQ(kvs, (std::vector<KeyValue>{KeyValue{"/a", "1"}}));
  EXPECT_EQ(page.count, 0);
  EXPECT_FALSE(page.more);
  EXPECT_EQ(page.keys, 0);
  EXPECT_EQ(page.last_key, "");
}

// The sink sees each key through views into scratch strings that the next
// key reuses: a sink that keeps them must copy, and what it copied is the
// key's own bytes, whatever the sizes of the keys before it.
TEST(RangePage, EachKeyReachesTheSinkWithItsOwnBytes) {
  struct Recorder : RangeSink {
    std::vector<std::pair<std::string, std::string>> seen;
    void Add(const KeyValueView& kv) override { seen.emplace_back(kv.key, kv.value); }
    size_t size() const override { return seen.size(); }
    void Truncate(size_t n) override { seen.resize(n); }
  };
  etcdserverpb::RangeResponse r;
  const std::vector<std::pair<std::string, std::string>> want = {
      {"/long/" + std::string(300, 'k'), std::string(5000, 'v')}, {"/s", "1"}, {"/t", ""},
      {"/u", std::string(40, 'w')}};
  for (const auto& [k, v] : want) {
    mvccpb::KeyValue* kv = r.add_kvs();
    kv->set_key(k);
    kv->set_value(v);
  }
  Recorder sink;
  RangePage page(&sink);
  ASSERT_TRUE(Decode(r.SerializeAsString(), 7, &page));
  EXPECT_EQ(sink.seen, want);
}

}  // namespace
}  // namespace confwatch
