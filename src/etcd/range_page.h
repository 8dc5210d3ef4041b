// RangePage: one etcd Range response decoded straight from the wire into a
// RangeSink, the caller's final form of the keys. The generated RangeResponse
// would first build a protobuf message and two strings per key, which the
// client then moves out and frees: at 100k keys that is most of the client's
// CPU for a snapshot (malloc, free, malloc_consolidate), and at a million keys
// a page held as strings was the largest item of the load's peak. Here each
// key and value is read into two scratch strings reused for the whole page and
// handed to the sink as views: nothing is allocated per key, and a sink that
// packs records (KvRecords) holds the page's bytes once.
//
// gRPC calls SerializationTraits<RangePage>::Deserialize when the response
// arrives, so a RangePage is the response type of a typed generic call:
//
//   KeyValueSink sink(&kvs);
//   RangePage page(&sink);
//   grpc::TemplatedGenericStub<etcdserverpb::RangeRequest, RangePage> stub(channel);
//   auto call = stub.PrepareUnaryCall(&ctx, kRangeMethod, req, &cq);
//   call->StartCall(); call->Finish(&page, &status, tag); cq.Next(...);
//
// Thread-safety: plain values; decoding runs on the thread that collects the
// call's completion.
#ifndef CONFWATCH_ETCD_RANGE_PAGE_H_
#define CONFWATCH_ETCD_RANGE_PAGE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "etcd/etcd_types.h"
#include "google/protobuf/io/zero_copy_stream.h"
#include "grpcpp/impl/codegen/serialization_traits.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/status.h"

namespace confwatch {

// The full gRPC method name of KV.Range.
inline constexpr char kRangeMethod[] = "/etcdserverpb.KV/Range";

// One key as decoded. The views are valid during RangeSink::Add only.
struct KeyValueView {
  std::string_view key;
  std::string_view value;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  int64_t version = 0;
  int64_t lease = 0;
};

// Where the keys of a read go, in key order, page after page. A page that
// fails, or a read that starts over, is dropped with Truncate.
class RangeSink {
 public:
  virtual ~RangeSink() = default;
  virtual void Add(const KeyValueView& kv) = 0;
  // Keys added so far.
  virtual size_t size() const = 0;
  // Drops every key after the first n. REQUIRES: n <= size().
  virtual void Truncate(size_t n) = 0;
  // About `keys` more keys are coming (the first page tells how many are
  // left): a sink that grows by reallocating may make room once.
  virtual void ExpectMore(size_t /*keys*/) {}
};

// Appends every field of each key to a vector of KeyValue.
class KeyValueSink : public RangeSink {
 public:
  // REQUIRES: kvs outlives the sink.
  explicit KeyValueSink(std::vector<KeyValue>* kvs) : kvs_(kvs) {}
  void Add(const KeyValueView& kv) override;
  size_t size() const override { return kvs_->size(); }
  void Truncate(size_t n) override;
  void ExpectMore(size_t keys) override { kvs_->reserve(kvs_->size() + keys); }

 private:
  std::vector<KeyValue>* kvs_;
};

struct RangePage {
  // REQUIRES: sink outlives the page. Decoded keys are added to *sink.
  explicit RangePage(RangeSink* sink) : sink(sink), size_before(sink->size()) {}

  RangeSink* sink;
  size_t size_before;     // sink->size() when the page was made
  int64_t revision = 0;   // header.revision
  int64_t count = 0;      // keys in the requested range, beyond the limit too
  bool more = false;      // keys left after this page
  int64_t keys = 0;       // keys added
  int64_t kv_bytes = 0;   // key + value bytes added
  std::string last_key;   // the last key added (where the next page starts)

  // Drops what a failed or repeated call added and clears the fields.
  void Reset();
};

// Decodes a serialized etcdserverpb.RangeResponse from `in` into `page`,
// skipping fields it does not know. False when the bytes are not a valid
// message; then page->sink is as before.
bool DecodeRangePage(google::protobuf::io::ZeroCopyInputStream* in, RangePage* page);

}  // namespace confwatch

namespace grpc {

template <>
class SerializationTraits<confwatch::RangePage, void> {
 public:
  static Status Deserialize(ByteBuffer* buffer, confwatch::RangePage* page);
  // Never sent; present because a response type must name both directions.
  static Status Serialize(const confwatch::RangePage& page, ByteBuffer* buffer, bool* own_buffer);
};

}  // namespace grpc

#endif  // CONFWATCH_ETCD_RANGE_PAGE_H_
