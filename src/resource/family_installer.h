// FamilyInstaller puts the files of one for_each resource (for_each.h) on
// disk as one batch, and removes the files of children that are gone:
//
//   every child: Installer::Prepare (stage, output_format, check_cmd)
//     -> its dest in the way (below): that child refused, the others go on
//     -> any other failure: every stage removed, no file touched, error
//        names the child; the batch keeps its last good files
//   -> every child prepared: Commit (rename, fsync dir); a rename that
//      fails refuses that child alone (its old file stays)
//   -> every file in the manifest whose child is gone: removed, but only if
//      it is still the file confwatch wrote (see below)
//   -> the manifest rewritten atomically (stage, fsync, rename, fsync dir)
//
// A child's dest is "in the way" (Installer's IsDestObstacle) when what is
// at that path cannot be replaced by our regular file: a directory, FIFO,
// socket or device; a path whose lstat fails (other than ENOENT); a file
// that must be read (noop diff) and cannot be; a file or symlink the kernel
// will not let us rename over (EPERM: another user's, in a sticky
// directory, when confwatch is not root). A regular file or a symlink we may
// replace is replaced, as for any dest; a symlink is never followed. Another
// user who can write the dest directory can thus block the child of that
// name, never the family: the refusal names the child, the path and what is
// there ("child \"web\" refused: IO error: <dest>: is a directory owned by
// uid 2000, not a regular file; the other children go on"); the child keeps
// its manifest entry (it is not gone) and is installed by the first try
// after the obstacle goes. check_cmd and output_format failures stay all or
// nothing.
//
// The manifest, "<dest dir>/.confwatch-<resource>.manifest" (mode 0600), is
// the only record of which files the family created: one line per file,
// "<64-bit FNV-1a of the content, 16 hex digits> <file name>". Nothing is
// ever removed that it does not name, and the dest directory is treated as
// hostile: the manifest is ignored (with a warning, so nothing gets removed)
// unless it is a regular file owned by confwatch's uid and writable by no
// one else; an entry that is not a plain file name is skipped; a listed file
// is removed only when lstat shows a regular file (not a symlink) owned by
// the uid the family installs as, whose content still has the recorded
// hash. A file edited, replaced or planted since is left alone with a
// warning and dropped from the manifest. A child file that exists without
// a manifest entry is overwritten like any dest, and from then on is the
// family's.
//
// noop: what would change and what would be removed is reported (with
// diffs under -diff); nothing is written, the manifest neither.
//
// Thread-safety: as Installer; one family is installed by one thread at a
// time.
#ifndef CONFWATCH_RESOURCE_FAMILY_INSTALLER_H_
#define CONFWATCH_RESOURCE_FAMILY_INSTALLER_H_

#include <cstdint>
#include <map>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "resource/installer.h"
#include "resource/template_resource.h"

namespace confwatch {

struct RenderedChild {
  std::string name;      // the matched etcd directory's name
  std::string dest;      // ChildDest(resource.dest, name)
  std::string rendered;
};

struct FamilyResult {
  // kInstalled when a file was installed or removed, kWouldChange under
  // noop when one would be, else kUnchanged.
  InstallOutcome outcome = InstallOutcome::kUnchanged;
  bool reload_needed = false;
  // Files installed or removed (would be, under noop).
  std::vector<std::string> changed;
  // One line per file changed, for the log: "<dest> installed",
  // "<dest> would change (content)", "removed <path> (child gone)",
  // "would remove <path> (child gone)".
  std::vector<std::string> log;
  std::vector<std::string> warnings;
  std::string diff;  // noop with -diff: the diff of each child, concatenated
  // Children left out because their dest is in the way (see above), each
  // naming the child, its dest and what is there; the other files went in.
  std::vector<absl::Status> refused;
  // Set when the manifest could not be written: what changed still needs
  // its reload, and the resource its retry.
  absl::Status status;
};

// file name -> hash of the content confwatch wrote there.
using Manifest = std::map<std::string, uint64_t>;

// 64-bit FNV-1a: tells whether a file is still what we wrote. Not a
// defence against a forger, who would have to own the file anyway.
uint64_t ContentHash(absl::string_view data);
std::string FormatManifest(const Manifest& manifest);
// Lines that are not "<16 hex> <plain file name>" are skipped, each with a
// warning naming its line number.
Manifest ParseManifest(absl::string_view text, std::vector<std::string>* warnings);

class FamilyInstaller {
 public:
  // `installer` (and its file system) must outlive this.
  explicit FamilyInstaller(Installer* installer) : installer_(installer) {}

  // Makes the family's files those of `children` (sorted by name, names
  // already validated). An error means no file changed; it names the child:
  // "child \"web\": check_cmd ... failed ...; no file of the batch changed".
  // A child whose dest is in the way is FamilyResult::refused, a manifest
  // that could not be written FamilyResult::status; either way the other
  // files went in.
  absl::StatusOr<FamilyResult> Install(const TemplateResource& family,
                                       const std::vector<RenderedChild>& children);

 private:
  Manifest ReadManifest(const std::string& path, std::vector<std::string>* warnings) const;
  absl::Status WriteManifest(const TemplateResource& family, const Manifest& manifest) const;
  // Whether `path` is still the file confwatch wrote with `hash`; else why not
  // (in *why, empty when the file is simply gone).
  bool StillOurs(const std::string& path, uint64_t hash, uid_t uid, std::string* why) const;
  // Removes the files of the children gone, keeping the entries of those it
  // may not remove in *manifest out.
  void RemoveGone(const TemplateResource& family, const Manifest& gone, Manifest* kept,
                  FamilyResult* result) const;

  Installer* installer_;
};

}  // namespace confwatch

#endif  // CONFWATCH_RESOURCE_FAMILY_INSTALLER_H_
