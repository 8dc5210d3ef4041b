// ResourceSet is the loaded configuration: every template resource found
// under <confdir>/conf.d with what is needed to render it (its parsed
// template and its key scope), the errors of the ones that failed to load,
// and the dependency index over all of them. A bad TOML or a template that
// does not parse affects that resource only: it is listed in errors() and the
// others load normally.
//
// Immutable once loaded; a configuration reload builds a new one.
// Thread-safety: const access from any thread.
#ifndef CONFWATCH_DAEMON_RESOURCE_SET_H_
#define CONFWATCH_DAEMON_RESOURCE_SET_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "daemon/dependency_index.h"
#include "daemon/install_worker.h"
#include "daemon/template_cache.h"
#include "resource/resource_loader.h"
#include "resource/template_resource.h"
#include "store/view.h"
#include "template/template.h"

namespace confwatch {

struct LoadedResource {
  TemplateResource config;
  ViewScope scope;
  std::shared_ptr<const Template> tmpl;
};

class ResourceSet {
 public:
  // Loads every resource under <confdir>/conf.d, templates through `cache`.
  // Fails as a whole only when conf.d cannot be listed.
  static absl::StatusOr<std::shared_ptr<const ResourceSet>> Load(const std::string& confdir,
                                                                 const std::string& prefix,
                                                                 TemplateCache* cache);

  const std::vector<LoadedResource>& resources() const { return resources_; }
  // One per resource that failed to load (its TOML, its template or its
  // keys), each naming its file.
  const std::vector<ResourceLoadError>& errors() const { return errors_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  const DependencyIndex& index() const { return index_; }

  // Renders resource `i` over `store`. On error nothing is returned but the
  // error (Go's message, e.g. `template: a.tmpl:3:14: executing ...`).
  absl::StatusOr<std::string> Render(size_t i, const Store& store, TemplateCache* cache) const;

  // Renders resource `i` into a batch item: Render() for one dest; for a
  // for_each resource one file per matching directory (RenderFamily).
  absl::StatusOr<BatchItem> RenderItem(size_t i, const Store& store, TemplateCache* cache) const;

  // A for_each resource's children, sorted by name, all from `store` as it
  // is now (one revision): the template runs once per directory that lsdir
  // of the for_each directory lists and its glob matches, with dot = {"name":
  // <dir name>, "prefix": "<for_each dir>/<name>"}. A name that may not
  // become a file name (ValidateChildName) is left out, with an error in
  // item.refused naming it; a render error of any child fails the whole
  // family: `child "web": template: ...`.
  // REQUIRES: resources()[i].config.for_each is set.
  absl::StatusOr<BatchItem> RenderFamily(size_t i, const Store& store, TemplateCache* cache) const;

 private:
  std::vector<LoadedResource> resources_;
  std::vector<ResourceLoadError> errors_;
  std::vector<std::string> warnings_;
  DependencyIndex index_;
  std::string templates_dir_;

  // Runs resource `r`'s template with `dot` into *out.
  absl::Status Execute(const LoadedResource& r, const Value& dot, TemplateCache* cache,
                       ExecContext* ctx, std::string* out) const;
};

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_RESOURCE_SET_H_
