// See resource_set.h.
#include "daemon/resource_set.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "resource/for_each.h"
#include "resource/resource_loader.h"
#include "golang/path_match.h"
#include "template/json_value.h"

namespace confwatch {
namespace {

ParseOptions DelimitersOf(const TemplateResource& r) {
  ParseOptions options;
  if (!r.left_delimiter.empty()) options.left_delim = r.left_delimiter;
  if (!r.right_delimiter.empty()) options.right_delim = r.right_delimiter;
  return options;
}

// The directories directly below `dir`, as lsdir lists them; for "/" (where
// confd's lsdir is always empty) the first element of every name that has
// another below it.
std::vector<std::string> ChildDirs(const StoreView& view, const std::string& dir) {
  if (dir != "/") return view.ListDir(dir);
  std::vector<std::string> out;
  for (const KVPair& kv : view.All()) {
    const size_t slash = kv.key.find('/', 1);
    if (slash == std::string::npos || slash == 1) continue;
    std::string name = kv.key.substr(1, slash - 1);
    if (out.empty() || out.back() != name) out.push_back(std::move(name));
  }
  std::sort(out.begin(), out.end());  // "/a-b/x" sorts before "/a/x"
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const ResourceSet>> ResourceSet::Load(const std::string& confdir,
                                                                     const std::string& prefix,
                                                                     TemplateCache* cache) {
  absl::StatusOr<LoadResult> loaded = LoadResources(confdir, prefix);
  if (!loaded.ok()) return loaded.status();
  auto set = std::make_shared<ResourceSet>();
  set->templates_dir_ = absl::StrCat(confdir, "/templates");
  set->errors_ = std::move(loaded->errors);
  set->warnings_ = std::move(loaded->warnings);
  for (TemplateResource& r : loaded->resources) {
    absl::StatusOr<ViewScope> scope = ViewScope::Create(r.prefix, r.keys);
    if (!scope.ok()) {
      set->errors_.push_back(ResourceLoadError{
          r.name, absl::InvalidArgumentError(
                      absl::StrCat(r.config_path, ": ", scope.status().message()))});
      continue;
    }
    absl::StatusOr<std::shared_ptr<const Template>> tmpl = cache->Get(r.src, DelimitersOf(r));
    if (!tmpl.ok()) {
      set->errors_.push_back(ResourceLoadError{
          r.name, absl::Status(tmpl.status().code(),
                               absl::StrCat(r.name, ": ", tmpl.status().message()))});
      continue;
    }
    const int id = static_cast<int>(set->resources_.size());
    for (const std::string& key : r.keys) set->index_.Add(id, key);
    set->resources_.push_back(LoadedResource{std::move(r), std::move(*scope), std::move(*tmpl)});
  }
  return std::shared_ptr<const ResourceSet>(std::move(set));
}

absl::Status ResourceSet::Execute(const LoadedResource& r, const Value& dot, TemplateCache* cache,
                                  ExecContext* ctx, std::string* out) const {
  ctx->template_name = r.tmpl->name();
  // include "x.tmpl" names a file under <confdir>/templates.
  ctx->load_template = [cache, dir = templates_dir_,
                        options = DelimitersOf(r.config)](std::string_view name) {
    return cache->Get(absl::StrCat(dir, "/", absl::string_view(name.data(), name.size())), options);
  };
  return r.tmpl->Execute(dot, *ctx, out);
}

absl::StatusOr<std::string> ResourceSet::Render(size_t i, const Store& store,
                                                TemplateCache* cache) const {
  const LoadedResource& r = resources_[i];
  StoreView view(store, r.scope);
  ExecContext ctx;
  ctx.store = &view;
  std::string out;
  absl::Status s = Execute(r, Value(), cache, &ctx, &out);  // confd: Execute(w, nil)
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<BatchItem> ResourceSet::RenderItem(size_t i, const Store& store,
                                                  TemplateCache* cache) const {
  if (!resources_[i].config.for_each.empty()) return RenderFamily(i, store, cache);
  absl::StatusOr<std::string> out = Render(i, store, cache);
  if (!out.ok()) return out.status();
  return BatchItem{static_cast<int>(i), &resources_[i].config, std::move(*out), {}, {}};
}

absl::StatusOr<BatchItem> ResourceSet::RenderFamily(size_t i, const Store& store,
                                                    TemplateCache* cache) const {
  const LoadedResource& r = resources_[i];
  const ForEachPattern pattern = *ParseForEach(r.config.for_each);  // checked at load
  StoreView view(store, r.scope);
  BatchItem item{static_cast<int>(i), &r.config, "", {}, {}};
  for (std::string& name : ChildDirs(view, pattern.dir)) {
    if (!GoPathMatch(pattern.glob, name).value_or(false)) continue;
    if (absl::Status s = ValidateChildName(r.config.dest, name); !s.ok()) {
      item.refused.push_back(absl::InvalidArgumentError(
          absl::StrCat(r.config.name, ": child ", QuoteChildName(name), " refused: ", s.message(),
                       "; the other children go on")));
      continue;
    }
    const std::string prefix = absl::StrCat(pattern.dir == "/" ? "" : pattern.dir, "/", name);
    ValueMap fields;
    fields.emplace("name", Value::String(name));
    fields.emplace("prefix", Value::String(prefix));
    ExecContext ctx;
    ctx.store = &view;
    std::string out;
    absl::Status s = Execute(r, Value::Map(JsonObjectType(), std::move(fields)), cache, &ctx, &out);
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("child ", QuoteChildName(name), ": ", s.message()));
    }
    item.children.push_back(RenderedChild{name, ChildDest(r.config.dest, name), std::move(out)});
  }
  return item;
}

}  // namespace confwatch
