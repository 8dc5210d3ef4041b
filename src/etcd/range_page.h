// RangePage: one etcd Range response decoded straight from the wire into the
// caller's KeyValues. The generated RangeResponse would first build a
// protobuf message and two strings per key, which the client then moves out
// and frees: at 100k keys that is most of the client's CPU for a snapshot
// (malloc, free, malloc_consolidate). Here each key and value is read once
// into its final std::string and nothing else is allocated per key.
//
// gRPC calls SerializationTraits<RangePage>::Deserialize when the response
// arrives, so a RangePage is the response type of a typed generic call:
//
//   std::vector<KeyValue> kvs;
//   RangePage page(&kvs);
//   grpc::TemplatedGenericStub<etcdserverpb::RangeRequest, RangePage> stub(channel);
//   auto call = stub.PrepareUnaryCall(&ctx, kRangeMethod, req, &cq);
//   call->StartCall(); call->Finish(&page, &status, tag); cq.Next(...);
//
// Thread-safety: plain value; decoding runs on the thread that collects the
// call's completion.
#ifndef CONFWATCH_ETCD_RANGE_PAGE_H_
#define CONFWATCH_ETCD_RANGE_PAGE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "etcd/etcd_types.h"
#include "google/protobuf/io/zero_copy_stream.h"
#include "grpcpp/impl/codegen/serialization_traits.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/status.h"

namespace confwatch {

// The full gRPC method name of KV.Range.
inline constexpr char kRangeMethod[] = "/etcdserverpb.KV/Range";

struct RangePage {
  // REQUIRES: kvs outlives the page. Decoded kvs are appended to *kvs.
  explicit RangePage(std::vector<KeyValue>* kvs) : kvs(kvs), size_before(kvs->size()) {}

  std::vector<KeyValue>* kvs;
  size_t size_before;     // kvs->size() when the page was made
  int64_t revision = 0;   // header.revision
  int64_t count = 0;      // keys in the requested range, beyond the limit too
  bool more = false;      // keys left after this page
  int64_t kv_bytes = 0;   // key + value bytes appended

  // Drops what a failed or repeated call appended and clears the fields.
  void Reset();
};

// Decodes a serialized etcdserverpb.RangeResponse from `in` into `page`,
// skipping fields it does not know. False when the bytes are not a valid
// message; then page->kvs is as before.
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
