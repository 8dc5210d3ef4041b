// Types live forever: predeclared ones are function-local statics and
// composites are interned in a process-wide table, so pointer equality is
// type identity, exactly like Go's reflect.Type.
#include "template/type.h"

#include <map>
#include <mutex>
#include <tuple>

#include "template/function.h"

namespace confwatch {

class TypeFactory {
 public:
  static Type* Make(Kind kind, std::string name, bool named) {
    return new Type(kind, std::move(name), named);
  }

  static const Type* Composite(Kind kind, const Type* key, const Type* elem) {
    static std::mutex* mu = new std::mutex;
    static auto* table = new std::map<std::tuple<Kind, const Type*, const Type*>, Type*>;
    std::lock_guard<std::mutex> lock(*mu);
    Type*& slot = (*table)[{kind, key, elem}];
    if (slot == nullptr) {
      std::string name;
      switch (kind) {
        case Kind::kSlice:
          name = "[]" + elem->name();
          break;
        case Kind::kMap:
          name = "map[" + key->name() + "]" + elem->name();
          break;
        default:
          name = "*" + elem->name();
          break;
      }
      slot = Make(kind, std::move(name), false);
      slot->key_ = key;
      slot->elem_ = elem;
    }
    return slot;
  }
};

Type::Type(Kind kind, std::string name, bool named)
    : kind_(kind), name_(std::move(name)), named_(named) {}

int Type::FieldIndex(std::string_view name) const {
  const Type* t = kind_ == Kind::kPointer ? elem_ : this;
  const auto& fields = t->underlying()->fields_;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

const Function* Type::Method(std::string_view name) const {
  for (const auto& m : methods_) {
    if (m.first == name) return m.second.get();
  }
  if (kind_ == Kind::kPointer && elem_ != nullptr) return elem_->Method(name);
  return nullptr;
}

bool Type::AssignableTo(const Type* target) const {
  if (target == this) return true;
  if (target->kind_ == Kind::kInterface && target != Type::Error()) return true;
  if (target->kind_ == Kind::kReflectValue) return true;
  if (target == Type::Error()) return Method("Error") != nullptr;
  if (named_ && target->named_) return false;
  const Type* a = underlying();
  const Type* b = target->underlying();
  if (a == b) return true;
  // Unnamed composites are interned, so identical underlying composites
  // are the same pointer; anything else differs.
  return false;
}

bool Type::CanBeNil() const {
  switch (kind_) {
    case Kind::kInterface:
    case Kind::kSlice:
    case Kind::kMap:
    case Kind::kPointer:
    case Kind::kReflectValue:
      return true;
    default:
      return false;
  }
}

bool Type::IsInteger() const { return kind_ >= Kind::kInt && kind_ <= Kind::kUintptr; }
bool Type::IsUnsigned() const { return kind_ >= Kind::kUint && kind_ <= Kind::kUintptr; }
bool Type::IsFloat() const { return kind_ == Kind::kFloat32 || kind_ == Kind::kFloat64; }

int Type::BitSize() const {
  switch (kind_) {
    case Kind::kInt8:
    case Kind::kUint8:
      return 8;
    case Kind::kInt16:
    case Kind::kUint16:
      return 16;
    case Kind::kInt32:
    case Kind::kUint32:
    case Kind::kFloat32:
      return 32;
    case Kind::kComplex128:
      return 128;
    default:
      return 64;
  }
}

#define CONFWATCH_PREDECLARED(Fn, kind, name)                       \
  const Type* Type::Fn() {                                          \
    static const Type* t = TypeFactory::Make(kind, name, true);     \
    return t;                                                       \
  }
CONFWATCH_PREDECLARED(Bool, Kind::kBool, "bool")
CONFWATCH_PREDECLARED(Int, Kind::kInt, "int")
CONFWATCH_PREDECLARED(Int8, Kind::kInt8, "int8")
CONFWATCH_PREDECLARED(Int16, Kind::kInt16, "int16")
CONFWATCH_PREDECLARED(Int32, Kind::kInt32, "int32")
CONFWATCH_PREDECLARED(Int64, Kind::kInt64, "int64")
CONFWATCH_PREDECLARED(Uint, Kind::kUint, "uint")
CONFWATCH_PREDECLARED(Uint8, Kind::kUint8, "uint8")
CONFWATCH_PREDECLARED(Uint16, Kind::kUint16, "uint16")
CONFWATCH_PREDECLARED(Uint32, Kind::kUint32, "uint32")
CONFWATCH_PREDECLARED(Uint64, Kind::kUint64, "uint64")
CONFWATCH_PREDECLARED(Uintptr, Kind::kUintptr, "uintptr")
CONFWATCH_PREDECLARED(Float32, Kind::kFloat32, "float32")
CONFWATCH_PREDECLARED(Float64, Kind::kFloat64, "float64")
CONFWATCH_PREDECLARED(Complex128, Kind::kComplex128, "complex128")
CONFWATCH_PREDECLARED(String, Kind::kString, "string")
CONFWATCH_PREDECLARED(Any, Kind::kInterface, "interface {}")
CONFWATCH_PREDECLARED(ReflectValue, Kind::kReflectValue, "reflect.Value")
#undef CONFWATCH_PREDECLARED

const Type* Type::Error() {
  // Named: only types with an Error method are assignable to it.
  static const Type* t = TypeFactory::Make(Kind::kInterface, "error", true);
  return t;
}

const Type* Type::SliceOf(const Type* elem) {
  return TypeFactory::Composite(Kind::kSlice, nullptr, elem);
}

const Type* Type::MapOf(const Type* key, const Type* elem) {
  return TypeFactory::Composite(Kind::kMap, key, elem);
}

const Type* Type::PointerTo(const Type* elem) {
  return TypeFactory::Composite(Kind::kPointer, nullptr, elem);
}

Type* Type::NewNamed(std::string name, const Type* underlying) {
  const Type* u = underlying->underlying();
  Type* t = TypeFactory::Make(u->kind_, std::move(name), true);
  t->underlying_ = u;
  t->elem_ = u->elem_;
  t->key_ = u->key_;
  t->fields_ = u->fields_;
  return t;
}

Type* Type::NewStruct(std::string name, std::vector<StructField> fields) {
  Type* t = TypeFactory::Make(Kind::kStruct, std::move(name), true);
  t->fields_ = std::move(fields);
  return t;
}

void Type::AddMethod(std::string name, std::shared_ptr<const Function> fn) {
  methods_.emplace_back(std::move(name), std::move(fn));
}

}  // namespace confwatch
