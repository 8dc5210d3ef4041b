// Evaluation of fields, function and method calls and their arguments:
// Go 1.19 exec.go evalField / evalCall / validateType / evalArg and the
// constant conversions. See exec_state.h.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "template/exec_state.h"
#include "golang/strconv.h"
#include "template/status_macros.h"

namespace confwatch {
namespace tmpl {

Result ExecState::EvalFieldNode(const Value& dot, const FieldNode* field,
                            const std::vector<NodePtr>* args, const Value* final) {
  At(field);
  return EvalFieldChain(dot, dot, field, field->ident.data(), field->ident.size(), args, final);
}

Result ExecState::EvalChainNode(const Value& dot, const ChainNode* chain,
                            const std::vector<NodePtr>* args, const Value* final) {
  At(chain);
  if (chain->field.empty()) return Errorf("internal error: no fields in evalChainNode");
  if (chain->node->type() == NodeType::kNil) {
    return Errorf("indirection through explicit nil in " + chain->String());
  }
  // (pipe).Field1.Field2 has pipe as .Node, fields as .Field. Eval the
  // pipeline, then the fields.
  CW_ASSIGN_OR_RETURN(Value pipe, EvalArg(dot, nullptr, chain->node.get()));
  return EvalFieldChain(dot, pipe, chain, chain->field.data(), chain->field.size(), args, final);
}

Result ExecState::EvalVariableNode(const Value& dot, const VariableNode* variable,
                               const std::vector<NodePtr>* args, const Value* final) {
  // $x.Field has $x as the first ident, Field as the second. Eval the var,
  // then the fields.
  At(variable);
  CW_ASSIGN_OR_RETURN(Value value, VarValue(variable->ident[0]));
  if (variable->ident.size() == 1) {
    CW_RETURN_IF_ERROR(NotAFunction(args, final));
    return value;
  }
  return EvalFieldChain(dot, value, variable, variable->ident.data() + 1,
                        variable->ident.size() - 1, args, final);
}

// evalFieldChain evaluates .X.Y.Z possibly followed by arguments. dot is the
// environment in which to evaluate arguments, while receiver is the value
// being walked along the chain.
Result ExecState::EvalFieldChain(const Value& dot, Value receiver, const Node* node,
                             const std::string* ident, size_t n,
                             const std::vector<NodePtr>* args, const Value* final) {
  for (size_t i = 0; i + 1 < n; ++i) {
    CW_ASSIGN_OR_RETURN(receiver, EvalField(dot, ident[i], node, nullptr, nullptr, receiver));
  }
  // Now if it's a method, it gets the arguments.
  return EvalField(dot, ident[n - 1], node, args, final, receiver);
}

Result ExecState::EvalFunction(const Value& dot, const IdentifierNode* node, const Node* cmd,
                           const std::vector<NodePtr>* args, const Value* final) {
  At(node);
  const std::string& name = node->ident;
  const Function* fn = t_.funcs().Find(name);
  bool is_builtin = false;
  if (fn == nullptr) {
    fn = Builtins().Find(name);
    is_builtin = fn != nullptr;
  }
  if (fn == nullptr) return Errorf(gostrconv::Quote(name) + " is not a defined function");
  return EvalCall(dot, *fn, nullptr, is_builtin, cmd, name, args, final);
}

// evalField evaluates an expression like (.Field) or (.Field arg1 arg2).
// The 'final' argument represents the return value from the preceding value
// of the pipeline, if any.
Result ExecState::EvalField(const Value& dot, const std::string& field_name, const Node* node,
                        const std::vector<NodePtr>* args, const Value* final,
                        const Value& receiver0) {
  if (!receiver0.valid()) {
    if (t_.options().missing_key == ParseOptions::MissingKey::kError) {
      // Treat invalid value as missing map key.
      return Errorf("nil data; no entry for key " + gostrconv::Quote(field_name));
    }
    return Value();
  }
  const Type* typ = receiver0.static_type();
  auto [receiver, is_nil] = Indirect(receiver0);
  if (receiver.kind() == Kind::kInterface && is_nil) {
    // Calling a method on a nil interface can't work. The MissingKey option
    // doesn't apply since the receiver is nil.
    return Errorf(absl::StrCat("nil pointer evaluating ", typ->name(), ".", field_name));
  }
  // Unless it's an interface, need to get to a value of type *T to guarantee
  // we see all methods of both T and *T.
  if (const Function* method = receiver.type()->Method(field_name)) {
    return EvalCall(dot, *method, &receiver, false, node, field_name, args, final);
  }
  bool has_args = (args != nullptr && args->size() > 1) || final != nullptr;
  // It's not a method; must be a field of a struct or an element of a map.
  switch (receiver.kind()) {
    case Kind::kStruct: {
      int index = receiver.type()->FieldIndex(field_name);
      if (index >= 0) {
        // If it's a function, we must call it.
        if (has_args) return Errorf(field_name + " has arguments but cannot be invoked as function");
        return receiver.Field(static_cast<size_t>(index));
      }
      break;
    }
    case Kind::kMap: {
      // If it's a map, attempt to use the field name as a key.
      if (has_args) return Errorf(field_name + " is not a method but has arguments");
      Value result = receiver.MapIndex(field_name);
      if (!result.valid()) {
        switch (t_.options().missing_key) {
          case ParseOptions::MissingKey::kDefault:
            break;  // Just use the invalid value.
          case ParseOptions::MissingKey::kZero:
            result = Value::Zero(receiver.type()->elem());
            break;
          case ParseOptions::MissingKey::kError:
            return Errorf("map has no entry for key " + gostrconv::Quote(field_name));
        }
      }
      return result;
    }
    case Kind::kPointer:
      if (receiver.type()->FieldIndex(field_name) >= 0 && is_nil) {
        return Errorf(absl::StrCat("nil pointer evaluating ", typ->name(), ".", field_name));
      }
      break;
    default:
      break;
  }
  return Errorf(absl::StrCat("can't evaluate field ", field_name, " in type ", typ->name()));
}

// evalCall executes a function or method call. If it's a method, receiver
// is bound to it (Go's method value) and is not among the declared
// parameters the caller sees in counts.
Result ExecState::EvalCall(const Value& dot, const Function& fn, const Value* receiver,
                       bool is_builtin, const Node* node, const std::string& name,
                       const std::vector<NodePtr>* args0, const Value* final) {
  // Zeroth arg is function name/node; not passed to function.
  const NodePtr* args = nullptr;
  size_t nargs = 0;
  if (args0 != nullptr && !args0->empty()) {
    args = args0->data() + 1;
    nargs = args0->size() - 1;
  }
  const Signature& sig = fn.signature();
  size_t skip = receiver != nullptr ? 1 : 0;  // methods declare the receiver first
  size_t num_params = sig.params.size() >= skip ? sig.params.size() - skip : 0;
  const Type* const* params = sig.params.data() + skip;
  size_t num_in = nargs + (final != nullptr ? 1 : 0);
  size_t num_fixed = nargs;
  if (fn.variadic()) {
    num_fixed = num_params;
    if (num_in < num_fixed) {
      return Errorf(absl::StrFormat("wrong number of args for %s: want at least %d got %d", name,
                                    num_params, nargs));
    }
  } else if (num_in != num_params) {
    return Errorf(absl::StrFormat("wrong number of args for %s: want %d got %d", name,
                                  num_params, num_in));
  }

  // Special case for builtin and/or, which short-circuit.
  if (is_builtin && (name == "and" || name == "or")) {
    const Type* arg_type = params[0];
    Value v;
    for (size_t i = 0; i < nargs; ++i) {
      CW_ASSIGN_OR_RETURN(v, EvalArg(dot, arg_type, args[i].get()));
      if (IsTrue(IndirectInterface(v)) == (name == "or")) {
        // This value was already unwrapped by the .Interface().(reflect.Value).
        return v;
      }
    }
    if (final != nullptr) {
      // The last argument to and/or is coming from the pipeline. We didn't
      // short circuit on an earlier argument, so we are going to return
      // this one; check its type.
      CW_ASSIGN_OR_RETURN(v, ValidateType(*final, arg_type));
    }
    return v;
  }

  // Build the arg list.
  std::vector<Value> argv;
  argv.reserve(num_in + skip);
  if (receiver != nullptr) argv.push_back(*receiver);
  // Args must be evaluated. Fixed args first.
  size_t i = 0;
  for (; i < num_fixed && i < nargs; ++i) {
    CW_ASSIGN_OR_RETURN(Value v, EvalArg(dot, params[i], args[i].get()));
    argv.push_back(std::move(v));
  }
  // Now the ... args.
  if (fn.variadic()) {
    for (; i < nargs; ++i) {
      CW_ASSIGN_OR_RETURN(Value v, EvalArg(dot, sig.variadic, args[i].get()));
      argv.push_back(std::move(v));
    }
  }
  // Add final value if necessary.
  if (final != nullptr) {
    const Type* t = fn.variadic() ? sig.variadic : params[num_params - 1];
    if (fn.variadic() && num_in - 1 < num_fixed) {
      // The added final argument corresponds to a fixed parameter of the
      // function. Validate against the type of the actual parameter.
      t = params[num_in - 1];
    }
    CW_ASSIGN_OR_RETURN(Value v, ValidateType(*final, t));
    argv.push_back(std::move(v));
  }
  absl::StatusOr<Value> result = fn.Call(ctx_, argv);
  if (!result.ok()) {
    At(node);
    absl::Status st = Errorf(absl::StrCat("error calling ", name, ": ", result.status().message()));
    if (absl::IsResourceExhausted(result.status())) {
      return absl::ResourceExhaustedError(st.message());
    }
    return st;
  }
  if (sig.result != nullptr && sig.result->kind() == Kind::kInterface) return result->Boxed();
  return result;
}

// validateType guarantees that the value is valid and assignable to the
// type.
Result ExecState::ValidateType(const Value& value0, const Type* typ) {
  if (!value0.valid()) {
    // An untyped nil interface{}. Accept as a proper nil value.
    if (typ == nullptr) return Value();
    // Like above, but use the zero value of the non-nil type.
    if (typ->CanBeNil()) return typ->kind() == Kind::kReflectValue ? Value() : Value::Zero(typ);
    return Errorf("invalid value; expected " + typ->name());
  }
  if (typ == nullptr || typ->kind() == Kind::kReflectValue) return value0;
  Value value = value0;
  if (!value.static_type()->AssignableTo(typ)) {
    if (value.boxed() && value.kind() != Kind::kInterface) {
      value = value.Boxed(false);
      if (value.type()->AssignableTo(typ)) return value;
      // fallthrough
    }
    // Does one dereference or indirection work? We could do more, as we do
    // with method receivers, but that gets messy and method receivers are
    // much more constrained, so it makes more sense there than here. Besides,
    // one is almost always all you need.
    if (value.kind() == Kind::kPointer && value.type()->elem()->AssignableTo(typ)) {
      if (value.IsNil()) return Errorf("dereference of nil pointer of type " + typ->name());
      return value.Retyped(value.type()->elem());
    }
    return Errorf(absl::StrCat("wrong type for value; expected ", typ->name(), "; got ",
                               value.static_type()->name()));
  }
  return value;
}

Result ExecState::EvalArg(const Value& dot, const Type* typ, const Node* n) {
  At(n);
  switch (n->type()) {
    case NodeType::kDot:
      return ValidateType(dot, typ);
    case NodeType::kNil:
      if (typ != nullptr && typ->CanBeNil()) {
        return typ->kind() == Kind::kReflectValue ? Value() : Value::Zero(typ);
      }
      return Errorf("cannot assign nil to " + (typ != nullptr ? typ->name() : "<nil>"));
    case NodeType::kField: {
      std::vector<NodePtr> const* no_args = nullptr;
      CW_ASSIGN_OR_RETURN(Value v, EvalFieldNode(dot, static_cast<const FieldNode*>(n), no_args,
                                                 nullptr));
      return ValidateType(v, typ);
    }
    case NodeType::kVariable: {
      CW_ASSIGN_OR_RETURN(
          Value v, EvalVariableNode(dot, static_cast<const VariableNode*>(n), nullptr, nullptr));
      return ValidateType(v, typ);
    }
    case NodeType::kPipe: {
      CW_ASSIGN_OR_RETURN(Value v, EvalPipeline(dot, static_cast<const PipeNode*>(n)));
      return ValidateType(v, typ);
    }
    case NodeType::kIdentifier: {
      CW_ASSIGN_OR_RETURN(Value v, EvalFunction(dot, static_cast<const IdentifierNode*>(n), n,
                                                nullptr, nullptr));
      return ValidateType(v, typ);
    }
    case NodeType::kChain: {
      CW_ASSIGN_OR_RETURN(
          Value v, EvalChainNode(dot, static_cast<const ChainNode*>(n), nullptr, nullptr));
      return ValidateType(v, typ);
    }
    default:
      break;
  }
  if (typ == nullptr) return Errorf("can't handle " + n->String() + " for arg of type <nil>");
  switch (typ->kind()) {
    case Kind::kInterface:
      if (typ != Type::Error()) return EvalEmptyInterface(dot, n);
      break;
    case Kind::kReflectValue:
      return EvalEmptyInterface(dot, n);
    default:
      return EvalConstant(typ, n);
  }
  return Errorf(absl::StrCat("can't handle ", n->String(), " for arg of type ", typ->name()));
}

// A constant argument converted to a parameter of a basic type.
Result ExecState::EvalConstant(const Type* typ, const Node* n) {
  At(n);
  const auto* num = n->type() == NodeType::kNumber ? static_cast<const NumberNode*>(n) : nullptr;
  switch (typ->kind()) {
    case Kind::kBool:
      if (n->type() == NodeType::kBool) {
        return Value::Bool(static_cast<const BoolNode*>(n)->value).Retyped(typ);
      }
      return Errorf("expected bool; found " + n->String());
    case Kind::kComplex128:
      if (num != nullptr && num->is_complex) return Value::Complex(num->real, num->imag);
      return Errorf("expected complex; found " + n->String());
    case Kind::kFloat32:
    case Kind::kFloat64:
      if (num != nullptr && num->is_float) return Value::Float(typ, num->float64);
      return Errorf("expected float; found " + n->String());
    case Kind::kString:
      if (n->type() == NodeType::kString) {
        const auto* str = static_cast<const StringNode*>(n);
        return typ == Type::String() ? str->value : Value::StringOf(typ, str->text);
      }
      return Errorf("expected string; found " + n->String());
    default:
      break;
  }
  if (typ->IsInteger() && !typ->IsUnsigned()) {
    if (num != nullptr && num->is_int) return Value::Integer(typ, static_cast<uint64_t>(num->int64));
    return Errorf("expected integer; found " + n->String());
  }
  if (typ->IsUnsigned()) {
    if (num != nullptr && num->is_uint) return Value::Integer(typ, num->uint64);
    return Errorf("expected unsigned integer; found " + n->String());
  }
  return Errorf(absl::StrCat("can't handle ", n->String(), " for arg of type ", typ->name()));
}

Result ExecState::EvalEmptyInterface(const Value& dot, const Node* n) {
  At(n);
  switch (n->type()) {
    case NodeType::kBool:
      return Value::Bool(static_cast<const BoolNode*>(n)->value);
    case NodeType::kDot:
      return dot;
    case NodeType::kField:
      return EvalFieldNode(dot, static_cast<const FieldNode*>(n), nullptr, nullptr);
    case NodeType::kIdentifier:
      return EvalFunction(dot, static_cast<const IdentifierNode*>(n), n, nullptr, nullptr);
    case NodeType::kNil:
      // NilNode is handled in evalArg, the only place that calls here.
      return Errorf("evalEmptyInterface: nil (can't happen)");
    case NodeType::kNumber:
      return IdealConstant(static_cast<const NumberNode*>(n));
    case NodeType::kString:
      return static_cast<const StringNode*>(n)->value;
    case NodeType::kVariable:
      return EvalVariableNode(dot, static_cast<const VariableNode*>(n), nullptr, nullptr);
    case NodeType::kPipe:
      return EvalPipeline(dot, static_cast<const PipeNode*>(n));
    default:
      return Errorf("can't handle assignment of " + n->String() + " to empty interface argument");
  }
}

}  // namespace tmpl
}  // namespace confwatch
