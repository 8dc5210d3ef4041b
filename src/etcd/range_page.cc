// See range_page.h.
#include "etcd/range_page.h"

#include <climits>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpcpp/support/proto_buffer_reader.h"

namespace confwatch {
namespace {

using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;

// Field numbers as in rpc.proto and kv.proto.
constexpr uint32_t Tag(int field, WireFormatLite::WireType type) {
  return static_cast<uint32_t>(field) << 3 | type;
}
constexpr uint32_t kHeader = Tag(1, WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
constexpr uint32_t kKvs = Tag(2, WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
constexpr uint32_t kMore = Tag(3, WireFormatLite::WIRETYPE_VARINT);
constexpr uint32_t kCount = Tag(4, WireFormatLite::WIRETYPE_VARINT);
constexpr uint32_t kHeaderRevision = Tag(3, WireFormatLite::WIRETYPE_VARINT);
constexpr uint32_t kKvKey = Tag(1, WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
constexpr uint32_t kKvCreateRevision = Tag(2, WireFormatLite::WIRETYPE_VARINT);
constexpr uint32_t kKvModRevision = Tag(3, WireFormatLite::WIRETYPE_VARINT);
constexpr uint32_t kKvVersion = Tag(4, WireFormatLite::WIRETYPE_VARINT);
constexpr uint32_t kKvValue = Tag(5, WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
constexpr uint32_t kKvLease = Tag(6, WireFormatLite::WIRETYPE_VARINT);

bool ReadInt64(CodedInputStream* in, int64_t* out) {
  uint64_t v;
  if (!in->ReadVarint64(&v)) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

bool ReadBytes(CodedInputStream* in, std::string* out) {
  uint32_t size;
  return in->ReadVarint32(&size) && size <= INT_MAX && in->ReadString(out, static_cast<int>(size));
}

// Runs `field(tag)` for every field of the length-delimited message that
// starts at the stream's position; `field` returns false on bad input.
template <typename F>
bool ReadNested(CodedInputStream* in, F field) {
  uint32_t size;
  if (!in->ReadVarint32(&size) || size > INT_MAX) return false;
  CodedInputStream::Limit limit = in->PushLimit(static_cast<int>(size));
  while (uint32_t tag = in->ReadTag()) {
    if (!field(tag)) return false;
  }
  if (!in->ConsumedEntireMessage()) return false;
  in->PopLimit(limit);
  return true;
}

// The decoded key and value live here until the sink has them; reused for
// every key of a page, so their capacity is allocated once.
struct Scratch {
  std::string key;
  std::string value;
};

bool ReadKeyValue(CodedInputStream* in, Scratch* scratch, KeyValueView* kv) {
  scratch->key.clear();
  scratch->value.clear();
  const bool ok = ReadNested(in, [&](uint32_t tag) {
    switch (tag) {
      case kKvKey: return ReadBytes(in, &scratch->key);
      case kKvValue: return ReadBytes(in, &scratch->value);
      case kKvCreateRevision: return ReadInt64(in, &kv->create_revision);
      case kKvModRevision: return ReadInt64(in, &kv->mod_revision);
      case kKvVersion: return ReadInt64(in, &kv->version);
      case kKvLease: return ReadInt64(in, &kv->lease);
      default: return WireFormatLite::SkipField(in, tag);
    }
  });
  kv->key = scratch->key;
  kv->value = scratch->value;
  return ok;
}

bool ReadPage(CodedInputStream* in, RangePage* page) {
  Scratch scratch;
  while (uint32_t tag = in->ReadTag()) {
    bool ok;
    switch (tag) {
      case kHeader:
        ok = ReadNested(in, [&](uint32_t t) {
          return t == kHeaderRevision ? ReadInt64(in, &page->revision)
                                      : WireFormatLite::SkipField(in, t);
        });
        break;
      case kKvs: {
        KeyValueView kv;
        ok = ReadKeyValue(in, &scratch, &kv);
        if (ok) {
          page->sink->Add(kv);
          ++page->keys;
          page->kv_bytes += static_cast<int64_t>(kv.key.size() + kv.value.size());
          page->last_key.assign(kv.key);
        }
        break;
      }
      case kMore: {
        uint64_t v;
        ok = in->ReadVarint64(&v);
        page->more = v != 0;
        break;
      }
      case kCount: ok = ReadInt64(in, &page->count); break;
      default: ok = WireFormatLite::SkipField(in, tag);
    }
    if (!ok) return false;
  }
  return in->ConsumedEntireMessage();
}

}  // namespace

void KeyValueSink::Add(const KeyValueView& kv) {
  kvs_->push_back(KeyValue{std::string(kv.key), std::string(kv.value), kv.create_revision,
                           kv.mod_revision, kv.version, kv.lease});
}

void KeyValueSink::Truncate(size_t n) {
  kvs_->erase(kvs_->begin() + static_cast<std::ptrdiff_t>(n), kvs_->end());
}

void RangePage::Reset() {
  sink->Truncate(size_before);
  revision = 0;
  count = 0;
  more = false;
  keys = 0;
  kv_bytes = 0;
  last_key.clear();
}

bool DecodeRangePage(google::protobuf::io::ZeroCopyInputStream* in, RangePage* page) {
  page->Reset();
  CodedInputStream coded(in);
  // gRPC's receive limit has already bounded the message.
  coded.SetTotalBytesLimit(INT_MAX);
  if (ReadPage(&coded, page)) return true;
  page->Reset();
  return false;
}

}  // namespace confwatch

namespace grpc {

Status SerializationTraits<confwatch::RangePage, void>::Deserialize(ByteBuffer* buffer,
                                                                    confwatch::RangePage* page) {
  if (buffer == nullptr) return Status(StatusCode::INTERNAL, "etcd Range: no payload");
  bool ok;
  {
    ProtoBufferReader reader(buffer);
    if (!reader.status().ok()) return reader.status();
    ok = confwatch::DecodeRangePage(&reader, page);
  }
  buffer->Clear();
  return ok ? Status::OK
            : Status(StatusCode::INTERNAL, "etcd Range: the response is not a valid RangeResponse");
}

Status SerializationTraits<confwatch::RangePage, void>::Serialize(const confwatch::RangePage&,
                                                                  ByteBuffer*, bool*) {
  return Status(StatusCode::UNIMPLEMENTED, "a RangePage is only received");
}

}  // namespace grpc
