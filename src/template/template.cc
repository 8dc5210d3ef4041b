#include "template/template.h"

#include "absl/strings/str_cat.h"
#include "template/exec.h"
#include "golang/strconv.h"
#include "template/node.h"
#include "template/parser.h"

namespace confwatch {

Template::Template(std::string name, std::string_view text, FuncMap funcs, ParseOptions options)
    : name_(std::move(name)), text_(text), funcs_(std::move(funcs)), options_(std::move(options)) {}

Template::~Template() = default;

absl::StatusOr<std::shared_ptr<const Template>> Template::Parse(std::string name,
                                                                std::string_view text,
                                                                const FuncMap& funcs,
                                                                const ParseOptions& options) {
  std::shared_ptr<Template> t(new Template(std::move(name), text, funcs, options));
  tmpl::ParseConfig config;
  config.left_delim = options.left_delim;
  config.right_delim = options.right_delim;
  config.max_depth = kMaxParseDepth;
  const FuncMap* user = &t->funcs_;
  config.has_function = [user](std::string_view fn) {
    return user->Find(fn) != nullptr || tmpl::Builtins().Find(fn) != nullptr;
  };
  absl::Status st = tmpl::ParseTemplate(t->name_, t->text_, config, &t->trees_);
  if (!st.ok()) return st;
  return std::shared_ptr<const Template>(std::move(t));
}

const tmpl::ListNode* Template::Lookup(std::string_view name) const {
  auto it = trees_.find(name);
  return it == trees_.end() ? nullptr : it->second.get();
}

absl::Status Template::Execute(const Value& dot, ExecContext& ctx, std::string* out) const {
  return ExecuteTemplate(name_, dot, ctx, out);
}

absl::Status Template::ExecuteTemplate(std::string_view name, const Value& dot, ExecContext& ctx,
                                       std::string* out) const {
  if (name != name_ && Lookup(name) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("template: no template ", gostrconv::Quote(name),
                                                   " associated with template ",
                                                   gostrconv::Quote(name_)));
  }
  // Render into a scratch buffer so that a failing execution leaves *out
  // untouched (Go would have written the partial output).
  ctx.template_name = name_;
  std::string scratch;
  const size_t hint = size_hint_.load(std::memory_order_relaxed);
  // Without the slack, one byte more than last time would copy the whole
  // output into a buffer twice as large.
  if (hint > 0) scratch.reserve(hint + hint / 64 + 256);
  absl::Status st = tmpl::ExecuteTree(*this, name, dot, ctx, &scratch);
  if (!st.ok()) return st;
  size_hint_.store(scratch.size(), std::memory_order_relaxed);
  if (out->empty()) {
    out->swap(scratch);
  } else {
    out->append(scratch);
  }
  return absl::OkStatus();
}

std::vector<std::string> Template::TemplateNames() const {
  std::vector<std::string> names;
  for (const auto& [name, tree] : trees_) names.push_back(name);
  return names;
}

std::string Template::TreeString(std::string_view name) const {
  const tmpl::ListNode* root = Lookup(name);
  return root == nullptr ? "" : root->String();
}

}  // namespace confwatch
