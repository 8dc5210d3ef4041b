// Go-exact JSON decoding and encoding for template values; see json.h.
//
// The decoder is one pass (iterative, with an explicit stack) that
// reproduces the messages of Go's scanner (encoding/json/scanner.go) state by
// state. Go validates the whole input before decoding, so a syntax error
// anywhere wins over a type error; here syntax errors abort at once and type
// errors are remembered (first one wins), which gives the same result.
#include "funcs/json.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "funcs/time.h"
#include "golang/strconv.h"
#include "template/json_value.h"
#include "golang/utf8.h"

namespace confwatch {
namespace {

// Go's encoding/json limit on nesting ("exceeded max depth").
constexpr int kMaxNestingDepth = 10000;

// json's quoteChar: how the scanner shows an offending byte.
std::string QuoteChar(unsigned char c) {
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  std::string rune;
  utf8::AppendRune(&rune, c);  // Go: string(rune(c)), so 0xE9 shows as 'é'
  std::string q = gostrconv::Quote(rune);
  return "'" + q.substr(1, q.size() - 2) + "'";
}

class Decoder {
 public:
  explicit Decoder(std::string_view data) : data_(data) {}

  // On a type error *partial still gets what Go stores (the offending
  // values as nil); on a syntax error Go stores nothing: the zero value.
  absl::StatusOr<Value> Decode(const Type* target, Value* partial) {
    std::optional<Value> v = ParseValue(target);
    if (v) {
      SkipSpace();
      if (pos_ < data_.size()) {
        v.reset();
        syntax_error_ =
            absl::StrCat("invalid character ", QuoteChar(Peek()), " after top-level value");
      }
    }
    if (!v) {
      if (partial) *partial = Value::Zero(target);
      return absl::InvalidArgumentError(syntax_error_);
    }
    if (!type_error_.empty()) {
      if (partial) *partial = v->valid() ? *v : Value::Zero(target);
      return absl::InvalidArgumentError(type_error_);
    }
    return *v;
  }

 private:
  bool AtEnd() const { return pos_ >= data_.size(); }
  unsigned char Peek() const { return static_cast<unsigned char>(data_[pos_]); }

  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\r' || Peek() == '\n')) ++pos_;
  }

  // Records a syntax error about the current byte; at the end of the input
  // Go's scanner feeds a space, hence "invalid character ' ' ...".
  std::nullopt_t Fail(std::string_view context) {
    unsigned char c = AtEnd() ? ' ' : Peek();
    syntax_error_ = absl::StrCat("invalid character ", QuoteChar(c), " ", std::string(context));
    return std::nullopt;
  }
  std::nullopt_t FailEnd() {
    syntax_error_ = "unexpected end of JSON input";
    return std::nullopt;
  }
  // Where the scanner skips spaces, the end of input is "unexpected end".
  std::nullopt_t FailOrEnd(std::string_view context) {
    return AtEnd() ? FailEnd() : Fail(context);
  }

  void TypeError(std::string_view what, const Type* target) {
    if (type_error_.empty()) {
      type_error_ = absl::StrCat("json: cannot unmarshal ", std::string(what),
                                 " into Go value of type ", target->name());
    }
  }

  // An object or array being decoded. `type` is the Go type being filled,
  // nullptr once a type error made Go skip the value (its contents are then
  // not decoded).
  struct Open {
    bool object;
    const Type* type;
    ValueList elems;
    ValueMap entries;
    std::string key;  // object: the key whose value comes next
  };

  // Decodes one value into `target` (nullptr: skip it). Iterative, with an
  // explicit stack, so that nesting up to Go's limit cannot overflow the C++
  // stack.
  std::optional<Value> ParseValue(const Type* target) {
    std::vector<Open> stack;
    while (true) {
      // A value starts here: scalars complete at once, containers open.
      const Type* want = stack.empty() ? target : (stack.back().type ? Type::Any() : nullptr);
      SkipSpace();
      if (AtEnd()) return FailEnd();
      std::optional<Value> done;
      unsigned char c = Peek();
      if (c == '{' || c == '[') {
        if (stack.size() + 1 > static_cast<size_t>(kMaxNestingDepth)) return Fail("exceeded max depth");
        ++pos_;
        bool object = c == '{';
        stack.push_back({object, Expect(object ? Kind::kMap : Kind::kSlice,
                                        object ? "object" : "array", want), {}, {}, {}});
        SkipSpace();
        if (!AtEnd() && Peek() == (object ? '}' : ']')) {
          ++pos_;
          done = Close(&stack);
        } else if (object) {
          if (!ParseKey(&stack.back())) return std::nullopt;
          continue;
        } else {
          continue;
        }
      } else {
        done = ParseScalar(want);
        if (!done) return std::nullopt;
      }
      // A value is complete: store it and consume separators and closers.
      while (true) {
        if (stack.empty()) return done;
        Open& top = stack.back();
        if (top.object) {
          top.entries.insert_or_assign(std::move(top.key), *done);
        } else {
          top.elems.push_back(*done);
        }
        SkipSpace();
        if (AtEnd()) return FailEnd();
        char closer = top.object ? '}' : ']';
        if (Peek() == ',') {
          ++pos_;
          if (top.object && !ParseKey(&top)) return std::nullopt;
          break;  // the next value
        }
        if (Peek() != closer) {
          return Fail(top.object ? "after object key:value pair" : "after array element");
        }
        ++pos_;
        done = Close(&stack);
      }
    }
  }

  // Pops the innermost container and returns its value.
  Value Close(std::vector<Open>* stack) {
    Open top = std::move(stack->back());
    stack->pop_back();
    if (top.type == nullptr) return Value();  // skipped: only "no error" matters
    if (top.object) return Value::Map(top.type, std::move(top.entries));
    return Value::List(top.type, std::move(top.elems));
  }

  // Reads `"key" :` of an object member into top->key.
  bool ParseKey(Open* top) {
    SkipSpace();
    if (AtEnd() || Peek() != '"') return FailOrEnd("looking for beginning of object key string"), false;
    std::optional<std::string> key = ParseString();
    if (!key) return false;
    SkipSpace();
    if (AtEnd() || Peek() != ':') return FailOrEnd("after object key"), false;
    ++pos_;
    top->key = std::move(*key);
    return true;
  }

  std::optional<Value> ParseScalar(const Type* target) {
    switch (Peek()) {
      case '"': return ParseStringValue(target);
      case 't': return ParseLiteral("true", Value::Bool(true), "bool", target);
      case 'f': return ParseLiteral("false", Value::Bool(false), "bool", target);
      case 'n': return ParseLiteral("null", Value(), "", target);
      default:
        if (Peek() == '-' || (Peek() >= '0' && Peek() <= '9')) return ParseNumber(target);
        return Fail("looking for beginning of value");
    }
  }

  // Kind check of a composite against the target; returns the type to
  // build (nullptr: skip).
  const Type* Expect(Kind kind, std::string_view what, const Type* target) {
    if (target == nullptr) return nullptr;
    if (target->kind() == Kind::kInterface) {
      return kind == Kind::kMap ? JsonObjectType() : JsonArrayType();
    }
    if (target->kind() != kind) {
      TypeError(what, target);
      return nullptr;
    }
    return target;
  }

  std::optional<Value> ParseStringValue(const Type* target) {
    std::optional<std::string> s = ParseString();
    if (!s) return std::nullopt;
    if (!Scalar(Kind::kString, "string", target)) return Value();
    return Value::String(std::move(*s));
  }

  // Whether a scalar of `kind` may be stored into `target`.
  bool Scalar(Kind kind, std::string_view what, const Type* target) {
    if (target == nullptr) return false;
    if (target->kind() == Kind::kInterface || target->kind() == kind) return true;
    TypeError(what, target);
    return false;
  }

  std::optional<Value> ParseLiteral(std::string_view word, Value v, std::string_view what,
                                    const Type* target) {
    for (size_t i = 1; i < word.size(); ++i) {
      ++pos_;
      if (AtEnd() || Peek() != static_cast<unsigned char>(word[i])) {
        return Fail(absl::StrCat("in literal ", std::string(word), " (expecting '", std::string(1, word[i]), "')"));
      }
    }
    ++pos_;
    if (word == "null") {
      // null leaves a map, slice or interface at its zero value (nil).
      return target ? Value::Zero(target) : Value();
    }
    if (!Scalar(Kind::kBool, what, target)) return Value();
    return v;
  }

  bool Digit() const { return !AtEnd() && Peek() >= '0' && Peek() <= '9'; }
  void Digits() {
    while (Digit()) ++pos_;
  }

  std::optional<Value> ParseNumber(const Type* target) {
    size_t start = pos_;
    if (Peek() == '-') {
      ++pos_;
      if (!Digit()) return Fail("in numeric literal");
    }
    if (Peek() == '0') {
      ++pos_;
    } else {
      Digits();
    }
    if (!AtEnd() && Peek() == '.') {
      ++pos_;
      if (!Digit()) return Fail("after decimal point in numeric literal");
      Digits();
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      ++pos_;
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) ++pos_;
      if (!Digit()) return Fail("in exponent of numeric literal");
      Digits();
    }
    std::string text(data_.substr(start, pos_ - start));
    if (!Scalar(Kind::kFloat64, "number", target)) return Value();
    // Only overflow fails here (the syntax was checked above).
    absl::StatusOr<double> f = gostrconv::ParseFloat(text);
    if (!f.ok()) {
      // Go stores nothing into the interface{} slot: it stays nil.
      TypeError(absl::StrCat("number ", text), Type::Float64());
      return Value::Nil();
    }
    return Value::Float64(*f);
  }

  // Parses a string literal at pos_ (which is '"'), with Go's unquoting:
  // invalid UTF-8 and unpaired surrogates become U+FFFD.
  std::optional<std::string> ParseString() {
    ++pos_;
    std::string out;
    while (true) {
      if (AtEnd()) return FailEnd();
      unsigned char c = Peek();
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) return Fail("in string literal");
      if (c == '\\') {
        if (!ParseEscape(&out)) return std::nullopt;
        continue;
      }
      if (c < 0x80) {
        out.push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      utf8::Decoded d = utf8::DecodeRune(data_.substr(pos_));
      utf8::AppendRune(&out, d.rune);
      pos_ += d.width;
    }
  }

  bool ParseEscape(std::string* out) {
    ++pos_;
    if (AtEnd()) return Fail("in string escape code"), false;
    char c = static_cast<char>(Peek());
    switch (c) {
      case '"': case '\\': case '/': out->push_back(c); break;
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'n': out->push_back('\n'); break;
      case 'r': out->push_back('\r'); break;
      case 't': out->push_back('\t'); break;
      case 'u': {
        std::optional<char32_t> r = ParseHex4();
        if (!r) return false;
        AppendUtf16(out, *r);
        return true;
      }
      default:
        return Fail("in string escape code"), false;
    }
    ++pos_;
    return true;
  }

  // Reads XXXX after "\u" (pos_ on the 'u'); leaves pos_ after the digits.
  std::optional<char32_t> ParseHex4() {
    char32_t r = 0;
    for (int i = 0; i < 4; ++i) {
      ++pos_;
      if (AtEnd() || !std::isxdigit(Peek())) return Fail("in \\u hexadecimal character escape");
      unsigned char h = Peek();
      r = r * 16 + static_cast<char32_t>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
    }
    ++pos_;
    return r;
  }

  // A surrogate pair "\uD83D\uDE00" joins into one rune; anything else
  // surrogate-like is U+FFFD, and the second escape is then read on its own.
  void AppendUtf16(std::string* out, char32_t r) {
    if (r >= 0xD800 && r < 0xDC00 && data_.substr(pos_, 2) == "\\u") {
      std::optional<char32_t> r2 = PeekHex4(pos_ + 2);
      if (r2 && *r2 >= 0xDC00 && *r2 < 0xE000) {
        pos_ += 6;
        utf8::AppendRune(out, 0x10000 + ((r - 0xD800) << 10) + (*r2 - 0xDC00));
        return;
      }
    }
    if (r >= 0xD800 && r < 0xE000) r = utf8::kRuneError;
    utf8::AppendRune(out, r);
  }

  std::optional<char32_t> PeekHex4(size_t at) const {
    if (at + 4 > data_.size()) return std::nullopt;
    char32_t r = 0;
    for (size_t i = at; i < at + 4; ++i) {
      unsigned char h = static_cast<unsigned char>(data_[i]);
      if (!std::isxdigit(h)) return std::nullopt;
      r = r * 16 + static_cast<char32_t>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
    }
    return r;
  }

  std::string_view data_;
  size_t pos_ = 0;
  std::string syntax_error_;
  std::string type_error_;
};

// ---------------------------------------------------------------- encoding

// Iterative, like the decoder: a value nested as deep as JSON allows must not
// exhaust the C++ stack.
class Encoder {
 public:
  explicit Encoder(std::string_view indent) : indent_(indent) {}

  absl::Status Encode(const Value& root) {
    std::vector<Open> stack;
    Value next = root;
    while (true) {
      if (absl::Status s = EncodeOne(next, &stack); !s.ok()) return s;
      // Find the next element to write, closing finished containers.
      while (true) {
        if (stack.empty()) return absl::OkStatus();
        Open& top = stack.back();
        if (top.index < top.count) {
          if (top.index > 0) out_.push_back(',');
          Newline(stack.size());
          next = Member(&top);
          break;
        }
        Newline(stack.size() - 1);
        out_.push_back(top.close);
        stack.pop_back();
      }
    }
  }

  std::string Take() { return std::move(out_); }

 private:
  // A list, map or struct whose elements are being written.
  struct Open {
    Value v;
    size_t count;
    size_t index = 0;
    char close;
    ValueMap::const_iterator it;  // maps: the next entry
  };

  void Newline(size_t depth) {
    if (indent_.empty()) return;
    out_.push_back('\n');
    for (size_t i = 0; i < depth; ++i) out_.append(indent_);
  }

  // Writes a scalar, or opens a container (pushed when it has elements).
  absl::Status EncodeOne(const Value& v, std::vector<Open>* stack) {
    if (!v.valid()) {
      out_.append("null");
      return absl::OkStatus();
    }
    if (v.type() == TimeType()) return EncodeTime(v);
    switch (v.kind()) {
      case Kind::kInterface: out_.append("null"); return absl::OkStatus();
      case Kind::kBool: out_.append(v.AsBool() ? "true" : "false"); return absl::OkStatus();
      case Kind::kString: EncodeString(v.AsString()); return absl::OkStatus();
      case Kind::kFloat32:
      case Kind::kFloat64: return EncodeFloat(v.AsFloat(), v.kind() == Kind::kFloat32);
      case Kind::kSlice:
      case Kind::kMap:
      case Kind::kStruct:
      case Kind::kPointer: OpenContainer(v, stack); return absl::OkStatus();
      default:
        break;
    }
    if (v.type()->IsUnsigned()) {
      absl::StrAppend(&out_, v.AsUint());
      return absl::OkStatus();
    }
    if (v.type()->IsInteger()) {
      absl::StrAppend(&out_, v.AsInt());
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(
        absl::StrCat("json: unsupported type: ", v.type()->name()));
  }

  // nil slices, maps and pointers are null; empty containers stay on one
  // line even when indenting, as Go's Indent leaves them.
  void OpenContainer(const Value& v, std::vector<Open>* stack) {
    if (v.IsNil()) {
      out_.append("null");
      return;
    }
    Open open{v, 0, 0, ']', {}};
    if (v.kind() == Kind::kSlice) {
      open.count = v.Len();
    } else if (v.kind() == Kind::kMap) {
      open.count = v.Len();
      open.close = '}';
      open.it = v.AsMap().begin();
    } else {
      const Type* t = v.kind() == Kind::kPointer ? v.type()->elem() : v.type();
      open.count = t->fields().size();
      open.close = '}';
    }
    out_.push_back(open.close == ']' ? '[' : '{');
    if (open.count == 0) {
      out_.push_back(open.close);
      return;
    }
    stack->push_back(std::move(open));
  }

  // Writes the key of the next member (maps, structs) and returns its value.
  Value Member(Open* top) {
    size_t i = top->index++;
    if (top->v.kind() == Kind::kSlice) return top->v.Index(i);
    std::string_view key;
    Value elem;
    if (top->v.kind() == Kind::kMap) {
      key = top->it->first;
      elem = top->v.MapIndex(key);
      ++top->it;
    } else {
      const Type* t = top->v.kind() == Kind::kPointer ? top->v.type()->elem() : top->v.type();
      key = t->fields()[i].name;
      elem = top->v.Field(i);
    }
    EncodeString(key);
    out_.append(indent_.empty() ? ":" : ": ");
    return elem;
  }

  absl::Status EncodeTime(const Value& v) {
    absl::StatusOr<std::string> text = TimeMarshalJson(v);
    if (!text.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("json: error calling MarshalJSON for type time.Time: ",
                       text.status().message()));
    }
    out_.append(*text);
    return absl::OkStatus();
  }

  // floatEncoder: ES6 number formatting ('f' unless the magnitude is tiny or
  // huge), shortest round-trip digits, exponent without zero padding.
  absl::Status EncodeFloat(double f, bool is32) {
    if (std::isnan(f) || std::isinf(f)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "json: unsupported value: ", std::isnan(f) ? "NaN" : (f > 0 ? "+Inf" : "-Inf")));
    }
    double abs = std::fabs(f);
    bool exp = false;
    if (abs != 0) {
      exp = is32 ? (static_cast<float>(abs) < 1e-6f || static_cast<float>(abs) >= 1e21f)
                 : (abs < 1e-6 || abs >= 1e21);
    }
    char buf[64];
    std::chars_format fmt = exp ? std::chars_format::scientific : std::chars_format::fixed;
    std::to_chars_result r = is32 ? std::to_chars(buf, buf + sizeof(buf), static_cast<float>(f), fmt)
                                  : std::to_chars(buf, buf + sizeof(buf), f, fmt);
    std::string text(buf, r.ptr);
    size_t n = text.size();
    if (exp && n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0') {
      text.erase(n - 2, 1);  // e-07 -> e-7
    }
    out_.append(text);
    return absl::OkStatus();
  }

  // encodeState.string with escapeHTML.
  void EncodeString(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_.push_back('"');
    for (size_t i = 0; i < s.size();) {
      unsigned char b = static_cast<unsigned char>(s[i]);
      if (b < 0x80) {
        ++i;
        if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&') {
          out_.push_back(static_cast<char>(b));
          continue;
        }
        out_.push_back('\\');
        switch (b) {
          case '\\': case '"': out_.push_back(static_cast<char>(b)); break;
          case '\n': out_.push_back('n'); break;
          case '\r': out_.push_back('r'); break;
          case '\t': out_.push_back('t'); break;
          default:
            out_.append("u00");
            out_.push_back(kHex[b >> 4]);
            out_.push_back(kHex[b & 0xF]);
        }
        continue;
      }
      utf8::Decoded d = utf8::DecodeRune(s.substr(i));
      if (d.rune == utf8::kRuneError && d.width == 1) {
        out_.append("\\ufffd");
      } else if (d.rune == 0x2028 || d.rune == 0x2029) {
        out_.append(d.rune == 0x2028 ? "\\u2028" : "\\u2029");
      } else {
        out_.append(s.substr(i, d.width));
      }
      i += d.width;
    }
    out_.push_back('"');
  }

  std::string indent_;
  std::string out_;
};

}  // namespace

absl::StatusOr<Value> GoJsonUnmarshal(std::string_view data, const Type* target,
                                      Value* partial) {
  return Decoder(data).Decode(target, partial);
}

absl::StatusOr<std::string> GoJsonMarshal(const Value& v, std::string_view indent) {
  Encoder encoder(indent);
  if (absl::Status s = encoder.Encode(v); !s.ok()) return s;
  return encoder.Take();
}

}  // namespace confwatch
