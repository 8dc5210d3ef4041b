// Value storage: scalars inline, everything else behind one shared_ptr so a
// copy is a pointer copy plus a reference-count increment.
#include "template/value.h"

#include <cstring>
#include <utility>

namespace confwatch {
namespace {

const ValueList& EmptyList() {
  static const ValueList* empty = new ValueList;
  return *empty;
}

const ValueMap& EmptyMap() {
  static const ValueMap* empty = new ValueMap;
  return *empty;
}

// A composite's storage holds Values; strings and complex numbers do not.
bool HoldsValues(Kind kind) {
  return kind == Kind::kSlice || kind == Kind::kMap || kind == Kind::kStruct ||
         kind == Kind::kPointer;
}

// The storage whose release is deferred while this thread is already freeing
// a nested value; null when it is not.
thread_local std::vector<std::shared_ptr<const void>>* pending_releases = nullptr;

// Drops one reference to `ref`. When that frees a container, the Values in it
// do not free their own containers from inside its destructor (one C++ frame
// chain per nesting level, a stack overflow at a few thousand levels): they
// hand them to the outermost call, which frees them one at a time.
void Release(std::shared_ptr<const void> ref) {
  if (pending_releases != nullptr) {
    pending_releases->push_back(std::move(ref));
    return;
  }
  std::vector<std::shared_ptr<const void>> pending;
  pending_releases = &pending;
  ref.reset();
  while (!pending.empty()) {
    std::shared_ptr<const void> next = std::move(pending.back());
    pending.pop_back();
    next.reset();  // may append its own elements' storage
  }
  pending_releases = nullptr;
}

}  // namespace

Value::~Value() {
  // Reassigning a Value frees its old storage through shared_ptr directly;
  // that is one level, and the Values inside it come back here.
  if (ref_ != nullptr && HoldsValues(kind())) Release(std::move(ref_));
}

Value Value::Nil() {
  Value v;
  v.type_ = Type::Any();
  return v;
}

Value Value::Bool(bool b) {
  Value v;
  v.type_ = Type::Bool();
  v.scalar_.b = b;
  return v;
}

Value Value::Int(int64_t i) { return Integer(Type::Int(), static_cast<uint64_t>(i)); }

Value Value::Float64(double f) { return Float(Type::Float64(), f); }

Value Value::String(std::string s) { return StringOf(Type::String(), std::move(s)); }

Value Value::StringOf(const Type* type, std::string s) {
  Value v;
  v.type_ = type;
  auto owner = std::make_shared<const std::string>(std::move(s));
  v.scalar_.u = owner->size();
  v.ref_ = std::shared_ptr<const void>(owner, owner->data());
  return v;
}

Value Value::StringRef(std::shared_ptr<const char> data, size_t size) {
  Value v;
  v.type_ = Type::String();
  v.scalar_.u = size;
  v.ref_ = std::move(data);
  return v;
}

Value Value::Integer(const Type* type, uint64_t bits) {
  Value v;
  v.type_ = type;
  // Normalise to the type's width so that int8(-1) reads back as -1 and
  // uint8(256) as 0, as a Go conversion would.
  int size = type->BitSize();
  if (size < 64) {
    uint64_t mask = (uint64_t{1} << size) - 1;
    bits &= mask;
    if (!type->IsUnsigned() && (bits >> (size - 1)) != 0) bits |= ~mask;
  }
  v.scalar_.u = bits;
  return v;
}

Value Value::Float(const Type* type, double f) {
  Value v;
  v.type_ = type;
  v.scalar_.f = type->kind() == Kind::kFloat32 ? static_cast<double>(static_cast<float>(f)) : f;
  return v;
}

Value Value::Complex(double real, double imag) {
  Value v;
  v.type_ = Type::Complex128();
  v.scalar_.f = real;
  v.ref_ = std::make_shared<const double>(imag);
  return v;
}

double Value::Imag() const { return ref_ ? *static_cast<const double*>(ref_.get()) : 0; }

Value Value::List(const Type* type, ValueList elems) {
  return List(type, std::make_shared<const ValueList>(std::move(elems)));
}

Value Value::List(const Type* type, std::shared_ptr<const ValueList> elems) {
  Value v;
  v.type_ = type;
  v.ref_ = std::move(elems);
  return v;
}

namespace {

// Value::StringList's elements from any container of string-like elements.
template <typename Strings>
ValueList ShareStrings(const Strings& elems) {
  // One buffer for all the bytes, each element a view into it: a 100k-key
  // getvs costs one allocation for the strings instead of 100k.
  size_t total = 0;
  for (const auto& s : elems) total += s.size();
  auto buffer = std::make_shared<std::string>();
  buffer->reserve(total);
  for (const auto& s : elems) buffer->append(s.data(), s.size());
  const char* base = buffer->data();
  std::shared_ptr<const void> owner = std::move(buffer);
  ValueList list;
  list.reserve(elems.size());
  size_t offset = 0;
  for (const auto& s : elems) {
    list.push_back(Value::StringRef(std::shared_ptr<const char>(owner, base + offset), s.size()));
    offset += s.size();
  }
  return list;
}

}  // namespace

Value Value::StringList(std::vector<std::string> elems) {
  return List(Type::SliceOf(Type::String()), ShareStrings(elems));
}

ValueList Value::SharedStrings(const std::vector<std::string_view>& elems) {
  return ShareStrings(elems);
}

Value Value::ViewList(const Type* type, std::shared_ptr<const StringViews> elems) {
  Value v = List(type, std::shared_ptr<const ValueList>());
  v.ref_ = std::move(elems);
  v.views_ = v.ref_ != nullptr ? Views::kStrings : Views::kNone;
  return v;
}

Value Value::ViewList(const Type* type, std::shared_ptr<const PairViews> elems) {
  Value v = List(type, std::shared_ptr<const ValueList>());
  v.ref_ = std::move(elems);
  v.views_ = v.ref_ != nullptr ? Views::kPairs : Views::kNone;
  return v;
}

const ListViews* Value::AsListViews() const {
  switch (views_) {
    case Views::kStrings:
      return AsStringViews();
    case Views::kPairs:
      return AsPairViews();
    case Views::kNone:
      break;
  }
  return nullptr;
}

namespace {

// A string Value viewing bytes it does not own (no reference count).
Value StringView(std::string_view s) {
  return Value::StringRef(std::shared_ptr<const char>(std::shared_ptr<const void>(), s.data()),
                          s.size());
}

}  // namespace

const ValueList& ListViews::values(const Type* elem) const {
  // The acquire pairs with the release below: a reader that sees the
  // pointer sees the list it points at complete.
  if (const ValueList* made = values_.load(std::memory_order_acquire)) return *made;
  std::lock_guard<std::mutex> lock(mu_);
  if (const ValueList* made = values_.load(std::memory_order_relaxed)) return *made;
  auto made = new ValueList;
  const size_t n = size();
  made->reserve(n);
  for (size_t i = 0; i < n; ++i) made->push_back(At(i, elem));
  values_.store(made, std::memory_order_release);
  return *made;
}

Value StringViews::At(size_t i, const Type* elem) const {
  Value v = StringView(views_[i]);
  return elem == Type::String() ? v : v.Retyped(elem);
}

Value PairViews::At(size_t i, const Type* elem) const {
  return Value::Struct(elem, {StringView(pairs_[i].key), StringView(pairs_[i].value)});
}

Value Value::Map(const Type* type, ValueMap entries) {
  return Map(type, std::make_shared<const ValueMap>(std::move(entries)));
}

Value Value::Map(const Type* type, std::shared_ptr<const ValueMap> entries) {
  Value v;
  v.type_ = type;
  v.ref_ = std::move(entries);
  return v;
}

Value Value::Struct(const Type* type, ValueList fields) {
  Value v;
  v.type_ = type;
  v.ref_ = std::make_shared<const ValueList>(std::move(fields));
  return v;
}

Value Value::Zero(const Type* type) {
  switch (type->kind()) {
    case Kind::kBool:
      return Bool(false).Retyped(type);
    case Kind::kFloat32:
    case Kind::kFloat64:
      return Float(type, 0);
    case Kind::kComplex128:
      return Complex(0, 0);
    case Kind::kString:
      return StringOf(type, "");
    case Kind::kStruct: {
      ValueList fields;
      for (const auto& f : type->underlying()->fields()) fields.push_back(Zero(f.type));
      return Struct(type, std::move(fields));
    }
    case Kind::kInterface:
    case Kind::kReflectValue:
      return Nil();
    case Kind::kSlice:
    case Kind::kMap:
    case Kind::kPointer: {
      Value v;
      v.type_ = type;  // nil: no storage
      return v;
    }
    default:
      if (type->IsInteger()) return Integer(type, 0);
      return Value();
  }
}

Value Value::Retyped(const Type* type) const {
  Value v = *this;
  v.type_ = type;
  return v;
}

Value Value::Boxed(bool boxed) const {
  Value v = *this;
  v.boxed_ = boxed && valid();
  return v;
}

bool Value::IsNil() const {
  switch (kind()) {
    case Kind::kInterface:
      return true;
    case Kind::kSlice:
    case Kind::kMap:
    case Kind::kPointer:
      return ref_ == nullptr;
    default:
      return false;
  }
}

const ValueList& Value::AsList() const {
  if (views_ != Views::kNone) return AsListViews()->values(type_->elem());
  return ref_ ? *static_cast<const ValueList*>(ref_.get()) : EmptyList();
}

const ValueMap& Value::AsMap() const {
  return ref_ ? *static_cast<const ValueMap*>(ref_.get()) : EmptyMap();
}

const ValueList& Value::AsFields() const { return AsList(); }

Value Value::Index(size_t i) const {
  if (views_ != Views::kNone) return AsListViews()->At(i, type_->elem());
  const Value& e = AsList()[i];
  return type_->elem()->kind() == Kind::kInterface ? e.Boxed() : e;
}

Value Value::MapIndex(std::string_view key) const {
  const ValueMap& m = AsMap();
  auto it = m.find(key);
  if (it == m.end()) return Value();
  return type_->elem()->kind() == Kind::kInterface ? it->second.Boxed() : it->second;
}

Value Value::Field(size_t i) const {
  const Type* t = kind() == Kind::kPointer ? type_->elem() : type_;
  const Value& f = AsFields()[i];
  return t->underlying()->fields()[i].type->kind() == Kind::kInterface ? f.Boxed() : f;
}

size_t Value::Len() const {
  switch (kind()) {
    case Kind::kString:
      return scalar_.u;
    case Kind::kSlice:
      return views_ != Views::kNone ? AsListViews()->size() : AsList().size();
    case Kind::kMap:
      return AsMap().size();
    default:
      return 0;
  }
}

}  // namespace confwatch
