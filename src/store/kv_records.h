// KvRecords: key/value pairs packed back to back in large blocks, the form in
// which a big read (an etcd snapshot) travels from the source to the Store,
// and in which the Store then keeps it: Store::ReplacePrefixes adopts the
// blocks, so a million keys cost their bytes plus an 8-byte header each, in
// about one allocation per MiB, instead of two heap strings (and their
// allocator overhead) per key in a vector that is then copied again.
//
// A record is [key size: uint32][value size: uint32][key][value], unaligned,
// and never moves: its address stays valid as long as its block lives. The
// top bit of the key size is reserved for the Store (kv_record::kOwnAlloc).
//
//   KvRecords r;
//   r.Append("/svc/a", "10.0.0.1:80");
//   for (const char* rec : r) use(kv_record::Key(rec), kv_record::Value(rec));
//
// Thread-safety: a plain value; not thread-safe.
#ifndef CONFWATCH_STORE_KV_RECORDS_H_
#define CONFWATCH_STORE_KV_RECORDS_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <string_view>
#include <vector>

namespace confwatch {

namespace kv_record {

inline constexpr size_t kHeaderBytes = 8;
// Set in a record's key size word when the record is its own allocation
// (new char[]) rather than part of a block.
inline constexpr uint32_t kOwnAlloc = uint32_t{1} << 31;

inline uint32_t Word(const char* rec, size_t i) {
  uint32_t w;
  std::memcpy(&w, rec + 4 * i, sizeof w);
  return w;
}
inline size_t KeySize(const char* rec) { return Word(rec, 0) & ~kOwnAlloc; }
inline size_t ValueSize(const char* rec) { return Word(rec, 1); }
inline bool OwnAlloc(const char* rec) { return (Word(rec, 0) & kOwnAlloc) != 0; }
inline std::string_view Key(const char* rec) {
  return std::string_view(rec + kHeaderBytes, KeySize(rec));
}
inline std::string_view Value(const char* rec) {
  return std::string_view(rec + kHeaderBytes + KeySize(rec), ValueSize(rec));
}
inline size_t Bytes(size_t key_size, size_t value_size) {
  return kHeaderBytes + key_size + value_size;
}
// Writes a record at `dst`, which has room for Bytes(key.size(), value.size()).
// REQUIRES: key.size() < 2^31, value.size() < 2^32.
void Write(char* dst, std::string_view key, std::string_view value, bool own_alloc);
// A record in its own allocation; release with delete[].
char* NewOwn(std::string_view key, std::string_view value);

}  // namespace kv_record

class KvRecords {
 public:
  // Records are packed into blocks of this size; a larger record gets a
  // block of its own.
  static constexpr size_t kBlockBytes = size_t{1} << 20;

  struct Block {
    std::unique_ptr<char[]> data;
    size_t used = 0;
    size_t capacity = 0;
    size_t records = 0;  // records in data[0, used)
  };

  KvRecords() = default;
  KvRecords(KvRecords&&) = default;
  KvRecords& operator=(KvRecords&&) = default;
  KvRecords(const KvRecords&) = delete;
  KvRecords& operator=(const KvRecords&) = delete;

  // Appends a copy of key and value; returns the record.
  const char* Append(std::string_view key, std::string_view value);

  // Drops every record after the first n; the blocks they alone used are
  // freed. Walks at most one block. REQUIRES: n <= size().
  void Truncate(size_t n);

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Bytes of the blocks (allocated, not just used).
  size_t block_bytes() const;

  // Forward iteration over the records in the order they were appended.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = const char*;
    using difference_type = std::ptrdiff_t;
    using pointer = const char* const*;
    using reference = const char*;
    const char* operator*() const { return (*blocks_)[block_].data.get() + offset_; }
    const_iterator& operator++();
    bool operator==(const const_iterator& o) const {
      return block_ == o.block_ && offset_ == o.offset_;
    }
    bool operator!=(const const_iterator& o) const { return !(*this == o); }

   private:
    friend class KvRecords;
    const_iterator(const std::vector<Block>* blocks, size_t block, size_t offset)
        : blocks_(blocks), block_(block), offset_(offset) {}
    const std::vector<Block>* blocks_;
    size_t block_;
    size_t offset_;
  };
  const_iterator begin() const { return const_iterator(&blocks_, 0, 0); }
  const_iterator end() const { return const_iterator(&blocks_, blocks_.size(), 0); }

  // Hands the blocks over (the records in them stay where they are) and
  // leaves this empty.
  std::vector<Block> TakeBlocks();

 private:
  std::vector<Block> blocks_;  // none empty
  size_t count_ = 0;
};

}  // namespace confwatch

#endif  // CONFWATCH_STORE_KV_RECORDS_H_
