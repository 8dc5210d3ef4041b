// Installer puts one resource's rendered output on disk so that the file is
// at every moment either the complete old version or the complete new one:
//
//   same bytes, mode and owner as dest  -> nothing (no write, no reload)
//   otherwise: stage ".<name>.XXXXXX" in dest's directory, created 0600 before
//   any byte is written -> write -> chown/chmod -> fsync -> output_format
//   check -> check_cmd ({{.src}} = stage) -> dest.bak (backup = true) ->
//   rename(stage, dest) -> fsync the directory.
//
// A rename that fails with EBUSY or EXDEV (dest is a file bind-mounted into a
// container) falls back to rewriting dest in place, with a warning: the one
// case where a reader can see a partial file, since no atomic way exists.
// dest is looked at with lstat: a symlink there (maybe planted by another
// user in a shared directory) is replaced by a regular file, as confd does,
// but never read through: no "unchanged" comparison, diff, backup, mode or
// owner is taken from its target. Without a resource mode, the new file
// keeps the old one's permission bits (never setuid/setgid/sticky) only if
// the old file is a regular file owned by the new file's uid; else 0644.
// A dest this Installer wrote last is not read back to learn whether new
// output differs: the Installer keeps, per dest, the identity of the file it
// installed (device, inode, size, mtime, ctime, as Lstat reports them) and a
// hash of its bytes; while Lstat still reports that identity, the hash
// decides. Any outside change (an edit in place, a replacement, a chmod)
// changes the identity, and the file is then read and compared in full as
// any other. A file read and found equal is remembered the same way. Where
// timestamps move in clock ticks (before Linux 6.13; probed once per device
// on the first stage file: chmod, fstat, three times), an edit in the tick
// of our own write would not change them: there a file remembered within
// 50 ms of its last change is read before it is trusted.
// Reloading is not done here: see reloader.h, so the daemon can run a reload
// shared by several resources once per batch.
//
// Errors: an OS call that fails gives "IO error: <path>: <strerror>" with
// the code absl::ErrnoToStatus picks; output rejected by output_format or
// check_cmd is FailedPrecondition (with the command's output). What is at
// dest can be in the way: a directory, FIFO, socket or device there ("IO
// error: <dest>: is a directory owned by uid 2000, not a regular file"), an
// lstat of dest that fails, a read of dest that fails when it must be read
// (a noop diff), or a rename onto dest that the kernel refuses (in a sticky
// directory, a file or symlink another user owns: "IO error: <stage> ->
// <dest>: Operation not permitted (<dest> is a symlink owned by uid
// 2000)"); IsDestObstacle() tells those apart from the rest. No error
// names the resource: the caller does, once. Either way dest is untouched
// and the stage is removed (kept after a failed check with keep_stage_file,
// as confd does), except after a failed in-place rewrite: DestMayBePartial()
// tells that one apart.
//
// Thread-safety: Install() may run concurrently for different dests; two
// concurrent installs of one dest race like two confd processes would (what
// is remembered of installed files is behind a lock).
#ifndef CONFWATCH_RESOURCE_INSTALLER_H_
#define CONFWATCH_RESOURCE_INSTALLER_H_

#include <sys/types.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/string_view.h"
#include "process/command_runner.h"
#include "resource/file_system.h"
#include "resource/template_resource.h"

namespace confwatch {

struct InstallOptions {
  bool noop = false;             // -noop: report what would change, write nothing
  bool diff = false;             // -diff: with noop, also a unified diff of the change
  bool sync_only = false;        // -sync-only: install, never run check/reload
  bool keep_stage_file = false;  // -keep-stage-file
  // -diff-secrets: noop diffs of files that are not world-readable show
  // their content too; otherwise only "N lines changed (content not shown:
  // mode 0600)".
  bool diff_secrets = false;
  // Owner of the file when the resource sets no uid/gid (confd: the
  // process's effective ids).
  uid_t default_uid = geteuid();
  gid_t default_gid = getegid();
};

enum class InstallOutcome {
  kUnchanged,         // bytes, mode and owner already right; nothing done
  kInstalled,         // atomically renamed into place
  kInstalledInPlace,  // rename impossible (EBUSY/EXDEV), dest rewritten
  kWouldChange,       // noop: nothing written; `diff` says what
};

// "unchanged", "installed", "installed in place", "would change".
absl::string_view InstallOutcomeName(InstallOutcome outcome);

struct InstallResult {
  InstallOutcome outcome = InstallOutcome::kUnchanged;
  // The file changed and the resource has a reload to run (never in noop or
  // sync-only mode).
  bool reload_needed = false;
  // What differed: "new file", "content", "mode 0644 -> 0600",
  // "owner 0:0 -> 33:33".
  std::vector<std::string> changes;
  // noop with options.diff (never without): `diff -u` of dest and the
  // rendered output ("" when only mode or owner differ). When the old or the
  // new file is not world-readable (it may hold a secret) and diff_secrets is
  // off, only "<dest>: 3 lines changed (content not shown: mode 0600)\n".
  std::string diff;
  std::vector<std::string> warnings;
  std::string kept_stage_file;  // keep_stage_file after an in-place write
};

// What an Installer knows of the files it installed: per dest, the FileInfo
// of the file as it was right after the install, and a hash of its bytes.
// Thread-safe.
class InstalledFiles {
 public:
  // The hash of the bytes at `dest` when `now` (its Lstat) shows the very
  // file remembered, unchanged since; nullopt otherwise, and also when it was
  // remembered within 50 ms of its last change on a device whose timestamps
  // are not known to be fine-grained: where they move in clock ticks, an
  // edit in that tick would not show.
  std::optional<size_t> HashIfUnchanged(const std::string& dest, const FileInfo& now) const;
  // `dest` is the file `info` describes and holds bytes hashing to `hash`.
  void Remember(const std::string& dest, const FileInfo& info, size_t hash);
  // Nothing is known of `dest` any more.
  void Forget(const std::string& dest);
  // Nothing is known any more of each remembered dest for which `keep` is
  // false. `keep` runs with the lock held: it must not call back in here.
  void ForgetAllBut(const std::function<bool(const std::string& dest)>& keep);
  // How many dests are remembered.
  size_t size() const;
  // Whether the file system on `dev` gives a change made right after a stat
  // a timestamp of its own (Linux 6.13+ multigrain timestamps on ext4, xfs,
  // btrfs, tmpfs), as found by the installer's probe.
  bool KnowsTimestamps(dev_t dev) const;
  void SetFineTimestamps(dev_t dev, bool fine);

 private:
  struct Entry {
    FileInfo info;
    size_t hash = 0;
    int64_t remembered_ns = 0;  // the wall clock when remembered
  };
  mutable absl::Mutex mu_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::map<dev_t, bool> fine_timestamps_ ABSL_GUARDED_BY(mu_);
};

class InstallJob;

// A checked stage file waiting to replace its dest (Installer::Prepare), or
// the result of an install that has nothing to rename (unchanged, noop).
// Dropping it uncommitted removes the stage: dest stays as it was.
// Not thread-safe; movable, not copyable.
class PreparedInstall {
 public:
  PreparedInstall();
  ~PreparedInstall();
  PreparedInstall(PreparedInstall&&) noexcept;
  PreparedInstall& operator=(PreparedInstall&&) noexcept;

  // True when Commit() has a file to put in place.
  bool pending() const { return job_ != nullptr; }
  // What Prepare() found (changes, noop diff); Commit() returns the final one.
  const InstallResult& result() const { return result_; }
  // Backup, rename and directory fsync, as the end of Install(); returns
  // result() when nothing is pending. Called at most once.
  absl::StatusOr<InstallResult> Commit();

 private:
  friend class Installer;
  InstallResult result_;
  std::unique_ptr<InstallJob> job_;
};

class Installer {
 public:
  // `fs` and `runner` must outlive the Installer.
  Installer(FileSystem* fs, CommandRunner* runner, InstallOptions options);

  Installer(const Installer&) = delete;
  Installer& operator=(const Installer&) = delete;

  // Makes resource.dest hold `rendered` with the resource's mode and owner.
  absl::StatusOr<InstallResult> Install(const TemplateResource& resource,
                                        absl::string_view rendered);

  // Install() in two steps, for files that must go in together or not at
  // all (a for_each family): everything up to and including check_cmd now,
  // the rename on Commit(). Errors are Install()'s. REQUIRES: `resource` and
  // `rendered` outlive the PreparedInstall, and so does this Installer.
  absl::StatusOr<PreparedInstall> Prepare(const TemplateResource& resource,
                                          absl::string_view rendered);

  // What a failed render or install left at `dest`, for its error message:
  // "<dest> keeps its last good version", or "<dest> has no good version
  // yet" when there is no file.
  std::string KeptNote(const std::string& dest) const;
  // KeptNote(resource.dest); for a for_each resource "the files of <dir>
  // keep their last good versions".
  std::string KeptNote(const TemplateResource& resource) const;

  // -preflight: whether Install() could stage a file for `resource` as this
  // process, tried for real: creates a stage file in dest's directory the
  // way Install() does (O_CREAT|O_EXCL, 0600) and removes it; dest itself is
  // not touched. With create_dest_dirs the nearest existing ancestor of a
  // missing directory is tried instead (nothing is created). Errors are
  // Install()'s: "IO error: <dir>: Permission denied", "IO error: <dir>: No
  // such file or directory (set create_dest_dirs = true to create it)".
  absl::Status CheckCanStage(const TemplateResource& resource) const;

  // Forgets what it remembers of every dest that none of `resources`
  // installs: each one's dest, or for a for_each resource any file in its
  // dest's directory (its children and their manifest). For when a
  // configuration reload replaces the resource set, so that the entry of a
  // removed resource does not stay until restart. An install from the
  // previous set still in flight may remember its dest again; the next
  // replacement forgets it. Thread-safe.
  void ForgetDestsNotIn(const std::vector<const TemplateResource*>& resources);
  // Forgets what it remembers of `dest` (a file it removed). Thread-safe.
  void ForgetDest(const std::string& dest) { installed_.Forget(dest); }
  // How many dests it remembers. Thread-safe.
  size_t remembered_dests() const { return installed_.size(); }

  FileSystem* fs() const { return fs_; }
  const InstallOptions& options() const { return options_; }

 private:
  // `dir`, or its nearest ancestor that exists ("/" or "." at the latest).
  std::string NearestExistingDir(std::string dir) const;

  FileSystem* fs_;
  CommandRunner* runner_;
  const InstallOptions options_;
  InstalledFiles installed_;
};

// True for the one Install() error after which dest may no longer hold its
// previous version: an in-place rewrite (EBUSY/EXDEV fallback) that failed
// part way. After any other error dest is exactly as it was.
bool DestMayBePartial(const absl::Status& install_error);

// True for an Install() error caused by what is at dest itself (see the
// header comment), not by the rendered output, its checks or the stage file:
// a for_each family refuses that one child and installs the others.
bool IsDestObstacle(const absl::Status& install_error);

}  // namespace confwatch

#endif  // CONFWATCH_RESOURCE_INSTALLER_H_
