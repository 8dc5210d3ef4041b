// See kv_records.h.
#include "store/kv_records.h"

#include <algorithm>
#include <utility>

namespace confwatch {
namespace kv_record {

void Write(char* dst, std::string_view key, std::string_view value, bool own_alloc) {
  const uint32_t words[2] = {static_cast<uint32_t>(key.size()) | (own_alloc ? kOwnAlloc : 0),
                             static_cast<uint32_t>(value.size())};
  std::memcpy(dst, words, sizeof words);
  if (!key.empty()) std::memcpy(dst + kHeaderBytes, key.data(), key.size());
  if (!value.empty()) std::memcpy(dst + kHeaderBytes + key.size(), value.data(), value.size());
}

char* NewOwn(std::string_view key, std::string_view value) {
  char* rec = new char[Bytes(key.size(), value.size())];
  Write(rec, key, value, /*own_alloc=*/true);
  return rec;
}

}  // namespace kv_record

const char* KvRecords::Append(std::string_view key, std::string_view value) {
  const size_t need = kv_record::Bytes(key.size(), value.size());
  if (blocks_.empty() || blocks_.back().capacity - blocks_.back().used < need) {
    Block b;
    b.capacity = std::max(need, kBlockBytes);
    b.data.reset(new char[b.capacity]);
    blocks_.push_back(std::move(b));
  }
  Block& b = blocks_.back();
  char* rec = b.data.get() + b.used;
  kv_record::Write(rec, key, value, /*own_alloc=*/false);
  b.used += need;
  ++b.records;
  ++count_;
  return rec;
}

void KvRecords::Truncate(size_t n) {
  // `kept` counts the records in blocks_[0, back]; whole blocks go first.
  size_t kept = count_;
  while (!blocks_.empty() && kept - blocks_.back().records >= n) {
    kept -= blocks_.back().records;
    blocks_.pop_back();
  }
  count_ = n;
  if (kept == n) return;
  // The last block holds records n-1 and n: keep its first `keep`.
  Block& b = blocks_.back();
  const size_t keep = n - (kept - b.records);
  size_t offset = 0;
  for (size_t i = 0; i < keep; ++i) {
    const char* rec = b.data.get() + offset;
    offset += kv_record::Bytes(kv_record::KeySize(rec), kv_record::ValueSize(rec));
  }
  b.used = offset;
  b.records = keep;
}

size_t KvRecords::block_bytes() const {
  size_t n = 0;
  for (const Block& b : blocks_) n += b.capacity;
  return n;
}

KvRecords::const_iterator& KvRecords::const_iterator::operator++() {
  const char* rec = **this;
  offset_ += kv_record::Bytes(kv_record::KeySize(rec), kv_record::ValueSize(rec));
  if (offset_ == (*blocks_)[block_].used) {
    ++block_;
    offset_ = 0;
  }
  return *this;
}

std::vector<KvRecords::Block> KvRecords::TakeBlocks() {
  count_ = 0;
  return std::exchange(blocks_, {});
}

}  // namespace confwatch
