#include "template/function.h"

namespace confwatch {

void FuncMap::Add(std::string name, Signature signature, FunctionImpl impl) {
  auto fn = std::make_shared<const Function>(name, std::move(signature), std::move(impl));
  funcs_[std::move(name)] = std::move(fn);
}

void FuncMap::Add(std::shared_ptr<const Function> fn) {
  std::string name = fn->name();
  funcs_[std::move(name)] = std::move(fn);
}

void FuncMap::Merge(const FuncMap& other) {
  for (const auto& [name, fn] : other.funcs_) funcs_[name] = fn;
}

const Function* FuncMap::Find(std::string_view name) const {
  auto it = funcs_.find(name);
  return it == funcs_.end() ? nullptr : it->second.get();
}

}  // namespace confwatch
