// Type is the Go type of a template Value: the subset of Go's reflect.Type the
// template language observes (kind, printed name, element/key types, struct
// fields, methods, assignability). Names print exactly as reflect.Type.String()
// does ("int", "[]string", "map[string]interface {}", "memkv.KVPair",
// "*net.SRV") because error messages and %T show them.
//
// Types are created once and never freed or changed (they live as long as the
// process); a `const Type*` may be compared by address for identity and used
// from any thread. The factory functions are thread-safe and intern unnamed
// composite types (SliceOf(String()) always returns the same pointer).
#ifndef CONFWATCH_TEMPLATE_TYPE_H_
#define CONFWATCH_TEMPLATE_TYPE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace confwatch {

class Function;

// Go's reflect.Kind, restricted to what templates can meet.
enum class Kind : unsigned char {
  kInvalid,  // no value at all (a missing map key): prints "<no value>"
  kBool,
  kInt,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUint,
  kUint8,
  kUint16,
  kUint32,
  kUint64,
  kUintptr,
  kFloat32,
  kFloat64,
  kComplex128,  // only so that the parser can reject imaginary constants
  kString,
  kInterface,  // interface{} / error; a Value of this kind is always nil
  kSlice,
  kMap,  // keys are always strings in this implementation
  kStruct,
  kPointer,  // pointer to a struct (e.g. *net.SRV)
  kReflectValue,  // parameter type of Go's builtins: any value, untouched
};

struct StructField {
  std::string name;  // exported (capitalised) names only, as Go requires
  const class Type* type;
};

class Type {
 public:
  Type(const Type&) = delete;
  Type& operator=(const Type&) = delete;

  Kind kind() const { return kind_; }
  // reflect.Type.String(): the name used in messages and by %T.
  const std::string& name() const { return name_; }
  // True for defined types: predeclared ones (int, string) and declared ones
  // (memkv.KVPair, memkv.KVPairs); false for literals ([]string, interface {}).
  bool named() const { return named_; }
  // Slice/map element, pointer target; nullptr otherwise.
  const Type* elem() const { return elem_; }
  // Map key type (always String()); nullptr otherwise.
  const Type* key() const { return key_; }
  // Struct fields in declaration order (empty for non-structs).
  const std::vector<StructField>& fields() const { return fields_; }
  // Index of the field called `name`, or -1.
  int FieldIndex(std::string_view name) const;
  // Method `name` declared on this type (for a pointer: on it or its target),
  // or nullptr. The method's first parameter is the receiver.
  const Function* Method(std::string_view name) const;

  // Go's assignability: identical types, any type to interface{}, or
  // identical underlying types when at least one side is unnamed
  // (memkv.KVPairs is assignable to []memkv.KVPair).
  bool AssignableTo(const Type* target) const;
  // Whether Go's reflect.Zero of this type is nil (slice, map, pointer,
  // interface).
  bool CanBeNil() const;
  bool IsInteger() const;   // signed or unsigned integer kinds
  bool IsUnsigned() const;  // kUint..kUintptr
  bool IsFloat() const;     // kFloat32, kFloat64
  // Bit size of a numeric kind (int/uint are 64, as on amd64).
  int BitSize() const;

  // Predeclared types.
  static const Type* Bool();
  static const Type* Int();
  static const Type* Int8();
  static const Type* Int16();
  static const Type* Int32();  // also rune
  static const Type* Int64();
  static const Type* Uint();
  static const Type* Uint8();  // also byte
  static const Type* Uint16();
  static const Type* Uint32();
  static const Type* Uint64();
  static const Type* Uintptr();
  static const Type* Float32();
  static const Type* Float64();
  static const Type* Complex128();
  static const Type* String();
  static const Type* Any();    // interface {}
  static const Type* Error();  // error
  // reflect.Value: Go's builtins take it; such a parameter receives the
  // argument as it is (no conversion, invalid values allowed for some).
  static const Type* ReflectValue();

  // Unnamed composites, interned.
  static const Type* SliceOf(const Type* elem);
  static const Type* MapOf(const Type* key, const Type* elem);  // key: String()
  static const Type* PointerTo(const Type* elem);

  // A named type with the given underlying type, e.g.
  //   NewNamed("memkv.KVPairs", SliceOf(kv_pair))
  // Methods may be attached with AddMethod() before the type is used to
  // parse or execute any template (types are immutable after that).
  static Type* NewNamed(std::string name, const Type* underlying);
  // A named struct type, e.g. NewStruct("memkv.KVPair", {{"Key", String()},
  // {"Value", String()}}).
  static Type* NewStruct(std::string name, std::vector<StructField> fields);
  // Attaches method `name`; `fn`'s first declared parameter is the receiver.
  // The executor passes the receiver dereferenced (a *T receiver arrives as
  // the T value) and checks the remaining arguments against the rest of the
  // signature. A String() or Error() method taking only the receiver and
  // returning a string is used by fmt, as Go's Stringer.
  // REQUIRES: called during start-up, before any concurrent use.
  void AddMethod(std::string name, std::shared_ptr<const Function> fn);

  // Underlying type: itself for unnamed types.
  const Type* underlying() const { return underlying_ ? underlying_ : this; }

 private:
  Type(Kind kind, std::string name, bool named);
  friend class TypeFactory;

  Kind kind_;
  std::string name_;
  bool named_;
  const Type* elem_ = nullptr;
  const Type* key_ = nullptr;
  const Type* underlying_ = nullptr;
  std::vector<StructField> fields_;
  std::vector<std::pair<std::string, std::shared_ptr<const Function>>> methods_;
};

}  // namespace confwatch

#endif  // CONFWATCH_TEMPLATE_TYPE_H_
