// Value is a Go value as text/template sees it: a Type (see type.h) plus its
// data. It models what Go's reflect.Value does for templates: the invalid
// value ("<no value>", a missing map key), a nil interface ("<nil>", JSON
// null), bools, numbers of each Go numeric type, strings, slices, maps with
// string keys, structs and pointers to structs.
//
// Values are immutable and cheap to copy: strings, slices, maps and structs
// share their storage through reference counts, so ranging over a 100k-element
// list copies no string bytes. A Value may be read from many threads at once.
//
// Nesting depth is unbounded (a template can wrap a list in a list in a loop;
// JSON alone goes 10000 deep), so nothing that walks a Value may recurse once
// per level: releasing the last reference to a nested value frees its
// containers one after another from a per-thread queue, not by a destructor
// chain, and the printers, encoders and comparisons walk with explicit stacks.
//
// "Boxed" values: an element read out of a container whose element type is
// interface{} (a []interface{} or map[string]interface{} from JSON) keeps its
// dynamic type but remembers it came from an interface slot, because Go's
// messages then name "interface {}" (e.g. "can't evaluate field x in type
// interface {}"). static_type() returns Any() for such values.
//
// A slice may also be kept as ListViews (below): views into bytes that
// something else keeps alive, 16 bytes an element for a []string, 32 for a
// key/value pair; that is how getvs and gets hand out a big list without
// copying the Store's keys and values.
#ifndef CONFWATCH_TEMPLATE_VALUE_H_
#define CONFWATCH_TEMPLATE_VALUE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "template/type.h"

namespace confwatch {

class Value;
class ListViews;
class StringViews;
class PairViews;
using ValueList = std::vector<Value>;
// Go maps print and range in sorted key order; keys are strings here.
using ValueMap = std::map<std::string, Value, std::less<>>;

class Value {
 public:
  // The invalid value (Go's reflect.Value{}): prints "<no value>".
  Value() = default;
  // Frees a nested value level by level on this thread, never recursively.
  ~Value();
  Value(const Value&) = default;
  Value(Value&&) noexcept = default;
  Value& operator=(const Value&) = default;
  Value& operator=(Value&&) noexcept = default;

  // --- Constructors. Each REQUIRES the given type to have the matching kind.
  static Value Nil();  // nil interface{}: prints "<nil>"
  static Value Bool(bool b);
  static Value Int(int64_t i);  // Go int
  static Value Float64(double f);
  static Value String(std::string s);
  // Zero-copy string: `data` keeps the bytes alive (use the shared_ptr
  // aliasing constructor to point into a larger owner, e.g. a store node).
  static Value StringRef(std::shared_ptr<const char> data, size_t size);
  // Any integer type (Int8..Uintptr); `bits` is the two's-complement pattern.
  static Value Integer(const Type* type, uint64_t bits);
  static Value Float(const Type* type, double f);  // Float32 or Float64
  static Value Complex(double real, double imag);   // complex128
  static Value StringOf(const Type* type, std::string s);  // named strings
  // A slice; `type` must have kind kSlice, elements must be assignable to its
  // element type.
  static Value List(const Type* type, ValueList elems);
  static Value List(const Type* type, std::shared_ptr<const ValueList> elems);
  // []string; the elements share one buffer (one allocation for all bytes).
  static Value StringList(std::vector<std::string> elems);
  // A []string (`type`'s element type is Type::String()) kept as views:
  // `elems` must keep its bytes alive as long as the Value or an element
  // read out of it is used (an element views the same bytes).
  static Value ViewList(const Type* type, std::shared_ptr<const StringViews> elems);
  // A slice of a struct of two string fields (memkv.KVPairs) kept as views,
  // with the same lifetime rule.
  static Value ViewList(const Type* type, std::shared_ptr<const PairViews> elems);
  // The elements of such a list, from views (e.g. into a Store): their
  // bytes are copied once, straight into the shared buffer.
  static ValueList SharedStrings(const std::vector<std::string_view>& elems);
  static Value Map(const Type* type, ValueMap entries);
  static Value Map(const Type* type, std::shared_ptr<const ValueMap> entries);
  // A struct (kind kStruct) or a non-nil pointer to one (kind kPointer, the
  // fields are the pointee's). `fields` are in declaration order.
  static Value Struct(const Type* type, ValueList fields);
  // The same data as another type of the same kind (a named string/int type,
  // a named slice type such as memkv.KVPairs).
  Value Retyped(const Type* type) const;
  // Go's reflect.Zero(type): false, 0, "", nil slice/map/pointer/interface,
  // struct of zero fields.
  static Value Zero(const Type* type);

  // --- Inspection.
  bool valid() const { return type_ != nullptr; }
  // Kind of the dynamic type; kInvalid for the invalid value.
  Kind kind() const { return type_ ? type_->kind() : Kind::kInvalid; }
  // Dynamic type. REQUIRES: valid().
  const Type* type() const { return type_; }
  // Type as Go's template sees it before unwrapping an interface: Any() for
  // boxed values, else type(). REQUIRES: valid().
  const Type* static_type() const { return boxed_ ? Type::Any() : type_; }
  bool boxed() const { return boxed_; }
  // A copy marked (or not) as read out of an interface{} slot.
  Value Boxed(bool boxed = true) const;

  // True for a nil interface and for nil slices, maps and pointers.
  bool IsNil() const;

  // --- Accessors. Each REQUIRES the matching kind.
  bool AsBool() const { return scalar_.b; }
  int64_t AsInt() const { return static_cast<int64_t>(scalar_.u); }  // signed kinds
  uint64_t AsUint() const { return scalar_.u; }  // unsigned kinds
  double AsFloat() const { return scalar_.f; }   // float kinds
  std::string_view AsString() const {
    return std::string_view(static_cast<const char*>(ref_.get()), scalar_.u);
  }
  // Slice elements; empty for a nil slice. For a ViewList the Values are
  // made on the first call (40 bytes an element) and kept with the list.
  const ValueList& AsList() const;
  // The views of a ViewList of strings, else nullptr. REQUIRES: kind() == kSlice.
  const StringViews* AsStringViews() const {
    return views_ == Views::kStrings ? static_cast<const StringViews*>(ref_.get()) : nullptr;
  }
  // The views of a ViewList of pairs, else nullptr. REQUIRES: kind() == kSlice.
  const PairViews* AsPairViews() const {
    return views_ == Views::kPairs ? static_cast<const PairViews*>(ref_.get()) : nullptr;
  }
  // Map entries; empty for a nil map.
  const ValueMap& AsMap() const;
  // Struct fields (also for a pointer to struct).
  const ValueList& AsFields() const;

  // Element i of a slice, boxed if the element type is interface{}.
  // REQUIRES: kind() == kSlice, i < AsList().size().
  Value Index(size_t i) const;
  // Map lookup: the invalid value when the key is missing; the element is
  // boxed if the map's element type is interface{}. REQUIRES: kMap.
  Value MapIndex(std::string_view key) const;
  // Field i of a struct or pointer to struct, boxed if declared interface{}.
  Value Field(size_t i) const;
  // Number of elements of a slice or map, bytes of a string.
  size_t Len() const;
  // Address of the shared storage: identity of pointers, what %p prints.
  const void* storage() const { return ref_.get(); }
  // complex128 parts. REQUIRES: kind() == kComplex128.
  double Real() const { return scalar_.f; }
  double Imag() const;

 private:
  const Type* type_ = nullptr;
  bool boxed_ = false;
  // A slice whose ref_ is a StringViews or a PairViews.
  enum class Views : uint8_t { kNone, kStrings, kPairs };
  Views views_ = Views::kNone;
  const ListViews* AsListViews() const;
  union Scalar {
    bool b;
    uint64_t u;  // also the byte length of a string
    double f;
  } scalar_{};
  // String bytes (aliased), or a ValueList / ValueMap; nullptr when nil.
  std::shared_ptr<const void> ref_;
};

// The elements of a slice as views into bytes that the owner of this object
// keeps alive (getvs and gets: the Store's records). The executor reads the
// views of its subclasses directly where it can (a range whose body is only
// text and {{.}}, or {{.Key}} / {{.Value}} for pairs); anything that needs
// the elements as Values gets them from values(), made once and kept.
//
// Thread-safety: const methods may be called from many threads at once;
// ForgetValues() and a subclass's mutable access only while nothing else
// uses the object.
class ListViews {
 public:
  ListViews() = default;
  ListViews(const ListViews&) = delete;
  ListViews& operator=(const ListViews&) = delete;
  virtual ~ListViews() { delete values_.load(std::memory_order_relaxed); }

  virtual size_t size() const = 0;
  // Element i as a Value of type `elem` viewing the same bytes (no
  // reference count: valid while the viewed bytes are). REQUIRES: i < size().
  virtual Value At(size_t i, const Type* elem) const = 0;
  // The elements as Values of type `elem` (the list's element type), made
  // on the first call. REQUIRES: the same `elem` on every call.
  const ValueList& values(const Type* elem) const;

 protected:
  // Forgets the Values made by values(); a subclass calls it before it
  // changes its views. REQUIRES: nothing else uses this object.
  void ForgetValues() { delete values_.exchange(nullptr, std::memory_order_relaxed); }

 private:
  mutable std::mutex mu_;  // serialises making values_
  mutable std::atomic<const ValueList*> values_{nullptr};
};

// A []string as views, 16 bytes an element (getvs).
class StringViews final : public ListViews {
 public:
  StringViews() = default;
  explicit StringViews(std::vector<std::string_view> views) : views_(std::move(views)) {}

  const std::vector<std::string_view>& views() const { return views_; }
  // For changing the views; forgets the Values made from them.
  // REQUIRES: nothing else uses this object (no Value over it is read).
  std::vector<std::string_view>& mutable_views() {
    ForgetValues();
    return views_;
  }
  size_t size() const override { return views_.size(); }
  Value At(size_t i, const Type* elem) const override;

 private:
  std::vector<std::string_view> views_;
};

// A slice of a struct of two string fields (memkv.KVPair {Key, Value}) as
// views, 32 bytes an element (gets).
class PairViews final : public ListViews {
 public:
  struct Pair {
    std::string_view key;
    std::string_view value;
  };
  PairViews() = default;
  explicit PairViews(std::vector<Pair> pairs) : pairs_(std::move(pairs)) {}

  const std::vector<Pair>& pairs() const { return pairs_; }
  // As StringViews::mutable_views.
  std::vector<Pair>& mutable_pairs() {
    ForgetValues();
    return pairs_;
  }
  size_t size() const override { return pairs_.size(); }
  // REQUIRES: `elem` is a struct of two string fields.
  Value At(size_t i, const Type* elem) const override;

 private:
  std::vector<Pair> pairs_;
};

}  // namespace confwatch

#endif  // CONFWATCH_TEMPLATE_VALUE_H_
