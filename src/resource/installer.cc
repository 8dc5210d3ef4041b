#include "resource/installer.h"

#include <sys/stat.h>

#include <cerrno>
#include <iterator>
#include <memory>
#include <set>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "base/file_io.h"
#include "process/errno_text.h"
#include "process/file_path.h"
#include "resource/command_status.h"
#include "resource/output_format.h"
#include "resource/unified_diff.h"

namespace confwatch {
namespace {

constexpr mode_t kStageMode = 0600;
constexpr mode_t kDirMode = 0755;
// What a new file or a backup may take from an old file's mode: never
// setuid, setgid or sticky.
constexpr mode_t kInheritableModeBits = 0777;
// Marks the status of a failed in-place rewrite (DestMayBePartial).
constexpr absl::string_view kPartialDestPayload = "confwatch/dest-may-be-partial";
// Marks an error caused by what is at dest itself (IsDestObstacle).
constexpr absl::string_view kDestObstaclePayload = "confwatch/dest-obstacle";

// `s`, marked as caused by what is at dest (IsDestObstacle).
absl::Status DestObstacle(absl::Status s) {
  s.SetPayload(kDestObstaclePayload, absl::Cord());
  return s;
}

// Lines a unified diff adds or removes (its two header lines excluded).
int ChangedLines(absl::string_view diff) {
  int header = 2;
  int changed = 0;
  for (absl::string_view line : absl::StrSplit(diff, '\n', absl::SkipEmpty())) {
    if (header > 0) {
      --header;
    } else if (line[0] == '+' || line[0] == '-') {
      ++changed;
    }
  }
  return changed;
}

// An Lstat() error that means there is no file at the path.
bool IsMissing(int stat_err) { return stat_err == ENOENT || stat_err == ENOTDIR; }

// A dest directory that does not exist (and that the resource does not ask
// to create).
absl::Status MissingDirError(absl::string_view dir) {
  absl::Status missing = IoError(dir, ENOENT);
  return absl::Status(missing.code(), absl::StrCat(missing.message(),
                                                   " (set create_dest_dirs = true to create it)"));
}

// ".<dest base name>.": the stage file is this plus six random characters.
std::string StagePrefix(const std::string& dest) {
  return absl::StrCat(".", BaseName(dest), ".");
}

// The same file, not changed since `then` was taken: the same inode on the
// same device, with the same size and the same data and inode change times
// (a write, a chmod or a rename in between moves ctime on).
bool SameFileUnchanged(const FileInfo& then, const FileInfo& now) {
  return then.ino != 0 && now.is_regular && then.dev == now.dev && then.ino == now.ino &&
         then.size == now.size && then.mtime_ns == now.mtime_ns && then.ctime_ns == now.ctime_ns;
}

// How long after a file's last change its timestamps stop being able to hide
// another change where they move in clock ticks (1-10 ms: kernels before
// 6.13, and file systems without multigrain timestamps): a same-size edit in
// the tick of our own write would leave size, mtime and ctime as they were.
// On such a file system a file remembered sooner than this after its change
// is compared by reading (as git's "racy" index entries).
constexpr int64_t kRacyNs = 50 * 1000 * 1000;
// Probes of a device's timestamps (see ProbeTimestamps).
constexpr int kTimestampProbes = 3;

// Mode and owner a file must end up with.
struct Target {
  mode_t mode;
  uid_t uid;
  gid_t gid;
};

}  // namespace

// One Install() call: the resource, the rendered bytes and what is on disk.
// Prepare() stages and checks, Commit() puts the stage in place; a stage
// still pending when the job ends is removed.
class InstallJob {
 public:
  InstallJob(FileSystem* fs, CommandRunner* runner, const InstallOptions& options,
             InstalledFiles* installed, const TemplateResource& r, absl::string_view rendered)
      : fs_(fs),
        runner_(runner),
        options_(options),
        installed_(installed),
        r_(r),
        rendered_(rendered),
        dir_(DirName(r.dest)) {}

  ~InstallJob() {
    if (!stage_.empty()) Remove(stage_);
  }
  InstallJob(const InstallJob&) = delete;
  InstallJob& operator=(const InstallJob&) = delete;

  // Everything up to and including check_cmd; *pending is true when a checked
  // stage file waits for Commit().
  absl::StatusOr<InstallResult> Prepare(bool* pending);
  // Backup and rename. REQUIRES: Prepare() set *pending; called once.
  absl::StatusOr<InstallResult> Commit();

 private:
  absl::Status ReadExisting();
  // `error`, about dest, with what is at dest now appended ("... (<dest> is
  // a symlink owned by uid 2000)") and marked IsDestObstacle.
  absl::Status AtDest(const absl::Status& error);
  std::string NoopDiff(const Target& target);
  absl::Status EnsureContents();
  bool SameContent();
  size_t RenderedHash();
  void RememberInstalled(const FileInfo& staged);
  bool ProbeTimestamps(int fd, mode_t mode, const FileInfo& before);
  Target DesiredTarget() const;
  std::vector<std::string> Changes(const Target& target);
  absl::Status CreateFile(const std::string& prefix, int* fd, std::string* path);
  absl::Status WriteNewFile(const std::string& prefix, absl::string_view contents,
                            const Target& target, bool chown_best_effort,
                            std::string* path, FileInfo* written = nullptr);
  absl::Status Check(const std::string& stage);
  absl::Status Backup();
  absl::Status Replace(const Target& target, const std::string& stage, const FileInfo& staged,
                       InstallResult* result);
  absl::Status WriteInPlace(const Target& target);
  void Remove(const std::string& path) { (void)fs_->Unlink(path); }

  FileSystem* fs_;
  CommandRunner* runner_;
  const InstallOptions& options_;
  InstalledFiles* installed_;
  const TemplateResource& r_;
  const absl::string_view rendered_;
  const std::string dir_;
  // What is at dest now. Contents are read lazily: a size mismatch already
  // proves the content changed. A symlink counts as no file (exists_ false):
  // it is replaced, never read through.
  bool exists_ = false;
  bool symlink_ = false;
  FileInfo info_;
  bool contents_read_ = false;
  std::string contents_;
  std::optional<size_t> rendered_hash_;
  // Between Prepare() and Commit(): the checked stage, what dest must become
  // and the result so far.
  std::string stage_;
  FileInfo staged_;
  Target target_{};
  InstallResult result_;
};

absl::Status InstallJob::ReadExisting() {
  int err = fs_->Lstat(r_.dest, &info_);
  if (IsMissing(err)) return absl::OkStatus();
  if (err != 0) return DestObstacle(IoError(r_.dest, err));
  if (info_.is_symlink) {
    symlink_ = true;
    return absl::OkStatus();
  }
  if (!info_.is_regular) {
    return DestObstacle(absl::FailedPreconditionError(
        absl::StrCat("IO error: ", r_.dest, ": is ", FileKind(info_), " owned by uid ",
                     info_.uid, ", not a regular file")));
  }
  exists_ = true;
  return absl::OkStatus();
}

absl::Status InstallJob::AtDest(const absl::Status& error) {
  std::string text(error.message());
  FileInfo now;
  if (fs_->Lstat(r_.dest, &now) == 0) {
    absl::StrAppend(&text, " (", r_.dest, " is ", FileKind(now), " owned by uid ", now.uid, ")");
  }
  return DestObstacle(absl::Status(error.code(), text));
}

absl::Status InstallJob::EnsureContents() {
  if (!exists_ || contents_read_) return absl::OkStatus();
  if (int err = fs_->ReadFile(r_.dest, &contents_); err != 0) {
    return AtDest(IoError(r_.dest, err));
  }
  contents_read_ = true;
  return absl::OkStatus();
}

size_t InstallJob::RenderedHash() {
  if (!rendered_hash_) rendered_hash_ = absl::HashOf(rendered_);
  return *rendered_hash_;
}

// REQUIRES: dest exists and has rendered_'s size.
bool InstallJob::SameContent() {
  // The file this installer left there, untouched since: its hash decides,
  // and the 2.4 MB of a 100k-key upstream list are not read back.
  if (std::optional<size_t> known = installed_->HashIfUnchanged(r_.dest, info_)) {
    return *known == RenderedHash();
  }
  // Anything else (first sight, an outside edit): read and compare in full.
  // An unreadable dest cannot be proven equal, so it counts as changed.
  if (!EnsureContents().ok() || contents_ != rendered_) return false;
  installed_->Remember(r_.dest, info_, RenderedHash());
  return true;
}

// After the rename: remembers dest as the file just staged, if Lstat shows
// that very file, unchanged since it was written (`staged`: its Fstat before
// close); else forgets dest, so the next install reads it.
void InstallJob::RememberInstalled(const FileInfo& staged) {
  FileInfo now;
  if (staged.ino != 0 && fs_->Lstat(r_.dest, &now) == 0 && now.dev == staged.dev &&
      now.ino == staged.ino && now.size == staged.size && now.mtime_ns == staged.mtime_ns) {
    installed_->Remember(r_.dest, now, RenderedHash());
  } else {
    installed_->Forget(r_.dest);
  }
}

// Whether a change right after a stat gets a ctime of its own on the file
// system of `fd` (multigrain timestamps), tried on the stage file: chmod to
// its own mode moves ctime, so an unchanged ctime shows a coarse clock. A
// clock tick between the two calls could fake a fine clock once, never
// kTimestampProbes times in a row.
bool InstallJob::ProbeTimestamps(int fd, mode_t mode, const FileInfo& before) {
  FileInfo now = before;
  for (int i = 0; i < kTimestampProbes; ++i) {
    const int64_t last = now.ctime_ns;
    if (fs_->Fchmod(fd, mode) != 0 || fs_->Fstat(fd, &now) != 0 || now.ctime_ns == last) {
      return false;
    }
  }
  return true;
}

Target InstallJob::DesiredTarget() const {
  Target t;
  t.uid = r_.uid.value_or(options_.default_uid);
  t.gid = r_.gid.value_or(options_.default_gid);
  // As confd, an existing file keeps its mode when the resource sets none,
  // but only a regular file that already belongs to the new file's owner: a
  // 0666 file another user planted in a shared directory must not make ours
  // writable by them (a symlink gives nothing either, see ReadExisting). The
  // set-id and sticky bits are never carried over.
  const bool inherit = exists_ && info_.uid == t.uid;
  t.mode = r_.mode.value_or(inherit ? (info_.mode & kInheritableModeBits) : kDefaultFileMode);
  return t;
}

std::vector<std::string> InstallJob::Changes(const Target& target) {
  if (symlink_) return {"symlink replaced by a regular file"};
  if (!exists_) return {"new file"};
  std::vector<std::string> changes;
  const bool same_content =
      static_cast<size_t>(info_.size) == rendered_.size() && SameContent();
  if (!same_content) changes.push_back("content");
  if (info_.mode != target.mode) {
    changes.push_back(absl::StrFormat("mode %04o -> %04o", info_.mode, target.mode));
  }
  if (info_.uid != target.uid || info_.gid != target.gid) {
    changes.push_back(absl::StrFormat("owner %d:%d -> %d:%d", info_.uid, info_.gid,
                                      target.uid, target.gid));
  }
  return changes;
}

absl::Status InstallJob::CreateFile(const std::string& prefix, int* fd,
                                    std::string* path) {
  // 0600 from the first moment: a secret rendered for a 0600 resource is
  // never readable by others, not even while being written.
  int err = fs_->CreateUnique(dir_, prefix, kStageMode, fd, path);
  if (err == ENOENT && r_.create_dest_dirs) {
    if (int mkdir_err = fs_->MkdirAll(dir_, kDirMode); mkdir_err != 0) {
      return IoError(dir_, mkdir_err);
    }
    err = fs_->CreateUnique(dir_, prefix, kStageMode, fd, path);
  }
  if (err == ENOENT) return MissingDirError(dir_);
  if (err != 0) return IoError(dir_, err);
  return absl::OkStatus();
}

absl::Status InstallJob::WriteNewFile(const std::string& prefix,
                                      absl::string_view contents, const Target& target,
                                      bool chown_best_effort, std::string* path,
                                      FileInfo* written) {
  int fd = -1;
  if (absl::Status s = CreateFile(prefix, &fd, path); !s.ok()) return s;
  int err = fs_->Write(fd, contents);
  if (err == 0) {
    err = fs_->Fchown(fd, target.uid, target.gid);
    if (chown_best_effort && err == EPERM) err = 0;
  }
  // chown before chmod: chown clears set-id bits. One fsync after both makes
  // data and metadata durable together.
  if (err == 0) err = fs_->Fchmod(fd, target.mode);
  if (err == 0) err = fs_->Fsync(fd);
  // Without its identity the file is just not remembered (read next time).
  if (err == 0 && written != nullptr) {
    if (fs_->Fstat(fd, written) != 0) {
      *written = FileInfo{};
    } else if (!installed_->KnowsTimestamps(written->dev)) {
      installed_->SetFineTimestamps(written->dev, ProbeTimestamps(fd, target.mode, *written));
    }
  }
  int close_err = fs_->Close(fd);
  if (err == 0) err = close_err;
  if (err != 0) {
    Remove(*path);
    return IoError(*path, err);
  }
  return absl::OkStatus();
}

absl::Status InstallJob::Check(const std::string& stage) {
  if (options_.sync_only || r_.check_cmd.empty()) return absl::OkStatus();
  std::string command = ExpandCommand(r_.check_cmd, stage, r_.dest);
  return CommandStatus("check_cmd", command, r_.check_cmd_timeout,
                       runner_->Run(command, r_.check_cmd_timeout));
}

// dest.bak gets a copy of the old file, made aside and renamed over any
// previous backup, so neither dest nor dest.bak is ever missing or partial.
absl::Status InstallJob::Backup() {
  if (!r_.backup || !exists_) return absl::OkStatus();
  if (absl::Status s = EnsureContents(); !s.ok()) return s;
  const std::string backup = r_.dest + ".bak";
  std::string temp;
  // Not being root must not stop the install: the copy then belongs to us,
  // with the old mode, which exposes it to no one new. A symlink at dest is
  // not backed up at all (exists_ is false): its target is not ours to copy.
  if (absl::Status s = WriteNewFile(absl::StrCat(".", BaseName(backup), "."), contents_,
                                    {static_cast<mode_t>(info_.mode & kInheritableModeBits),
                                     info_.uid, info_.gid},
                                    /*chown_best_effort=*/true, &temp);
      !s.ok()) {
    return s;
  }
  if (int err = fs_->Rename(temp, backup); err != 0) {
    Remove(temp);
    return IoError(absl::StrCat(temp, " -> ", backup), err);
  }
  return absl::OkStatus();
}

absl::Status InstallJob::WriteInPlace(const Target& target) {
  int fd = -1;
  if (int err = fs_->OpenTruncate(r_.dest, &fd); err != 0) {
    return IoError(r_.dest, err);
  }
  int err = fs_->Write(fd, rendered_);
  if (err == 0) err = fs_->Fchown(fd, target.uid, target.gid);
  if (err == 0) err = fs_->Fchmod(fd, target.mode);
  if (err == 0) err = fs_->Fsync(fd);
  int close_err = fs_->Close(fd);
  if (err == 0) err = close_err;
  if (err != 0) {
    absl::Status s =
        IoError(absl::StrCat(r_.dest, " (rewritten in place, may be incomplete)"), err);
    s.SetPayload(kPartialDestPayload, absl::Cord());
    return s;
  }
  return absl::OkStatus();
}

absl::Status InstallJob::Replace(const Target& target, const std::string& stage,
                                 const FileInfo& staged, InstallResult* result) {
  int err = fs_->Rename(stage, r_.dest);
  if (err == 0) {
    result->outcome = InstallOutcome::kInstalled;
    if (int sync_err = fs_->FsyncDir(dir_); sync_err != 0) {
      // The file is in place; only its durability across a crash is unsure.
      result->warnings.push_back(std::string(IoError(dir_, sync_err).message()));
    }
    RememberInstalled(staged);
    return absl::OkStatus();
  }
  if (err != EBUSY && err != EXDEV) {
    Remove(stage);
    // EPERM: in a sticky directory, a file or symlink another user owns.
    return AtDest(IoError(absl::StrCat(stage, " -> ", r_.dest), err));
  }
  // dest is a mount point (a file bind-mounted into a container): it can
  // only be rewritten, not replaced.
  result->warnings.push_back(absl::StrCat("rename ", stage, " -> ", r_.dest, ": ",
                                          ErrnoText(err), "; rewrote ", r_.dest,
                                          " in place, which is not atomic"));
  installed_->Forget(r_.dest);
  absl::Status status = WriteInPlace(target);
  if (options_.keep_stage_file) {
    result->kept_stage_file = stage;
  } else {
    Remove(stage);
  }
  if (status.ok()) result->outcome = InstallOutcome::kInstalledInPlace;
  return status;
}

std::string InstallJob::NoopDiff(const Target& target) {
  // A symlink's target is never shown: the diff is against nothing.
  std::string diff = UnifiedDiff(
      contents_, rendered_,
      symlink_ ? absl::StrCat(r_.dest, " (symlink, not followed: replaced)") : r_.dest,
      absl::StrCat(r_.dest, " (rendered)"));
  if (diff.empty() || options_.diff_secrets) return diff;
  // A file not everyone may read may hold a secret: the log is not the
  // place for it, old or new.
  mode_t private_mode = target.mode;
  if ((private_mode & S_IROTH) != 0 && exists_) private_mode = info_.mode;
  if ((private_mode & S_IROTH) != 0) return diff;
  const int lines = ChangedLines(diff);
  return absl::StrFormat("%s: %d line%s changed (content not shown: mode %04o)\n", r_.dest,
                         lines, lines == 1 ? "" : "s", private_mode);
}

absl::StatusOr<InstallResult> InstallJob::Prepare(bool* pending) {
  *pending = false;
  if (absl::Status s = ReadExisting(); !s.ok()) return s;
  target_ = DesiredTarget();
  result_.changes = Changes(target_);
  if (result_.changes.empty()) return result_;
  if (absl::Status s = ValidateOutputFormat(
          r_.output_format, rendered_, absl::StrCat("output for ", r_.dest));
      !s.ok()) {
    return s;
  }
  if (options_.noop) {
    result_.outcome = InstallOutcome::kWouldChange;
    if (!options_.diff) return result_;  // README: -diff is what prints the diff
    // A size change proved the change without reading dest; the diff needs it.
    if (absl::Status s = EnsureContents(); !s.ok()) return s;
    result_.diff = NoopDiff(target_);
    return result_;
  }
  std::string stage;
  FileInfo staged;
  if (absl::Status s = WriteNewFile(StagePrefix(r_.dest), rendered_,
                                    target_, false, &stage, &staged);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Check(stage); !s.ok()) {
    if (!options_.keep_stage_file) Remove(stage);
    return s;
  }
  stage_ = stage;
  staged_ = staged;
  *pending = true;
  return result_;
}

absl::StatusOr<InstallResult> InstallJob::Commit() {
  const std::string stage = std::move(stage_);
  stage_.clear();  // Replace() removes or keeps it from here on
  if (absl::Status s = Backup(); !s.ok()) {
    Remove(stage);
    return s;
  }
  if (absl::Status s = Replace(target_, stage, staged_, &result_); !s.ok()) return s;
  result_.reload_needed = !options_.sync_only && r_.has_reload();
  return result_;
}

absl::string_view InstallOutcomeName(InstallOutcome outcome) {
  switch (outcome) {
    case InstallOutcome::kUnchanged:
      return "unchanged";
    case InstallOutcome::kInstalled:
      return "installed";
    case InstallOutcome::kInstalledInPlace:
      return "installed in place";
    case InstallOutcome::kWouldChange:
      return "would change";
  }
  return "unknown";
}

std::optional<size_t> InstalledFiles::HashIfUnchanged(const std::string& dest,
                                                      const FileInfo& now) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(dest);
  if (it == entries_.end() || !SameFileUnchanged(it->second.info, now)) return std::nullopt;
  auto fine = fine_timestamps_.find(now.dev);
  const bool racy = it->second.remembered_ns - it->second.info.ctime_ns < kRacyNs;
  if (racy && (fine == fine_timestamps_.end() || !fine->second)) return std::nullopt;
  return it->second.hash;
}

void InstalledFiles::Remember(const std::string& dest, const FileInfo& info, size_t hash) {
  absl::MutexLock lock(&mu_);
  entries_[dest] = Entry{info, hash, absl::GetCurrentTimeNanos()};
}

bool InstalledFiles::KnowsTimestamps(dev_t dev) const {
  absl::MutexLock lock(&mu_);
  return fine_timestamps_.count(dev) > 0;
}

void InstalledFiles::SetFineTimestamps(dev_t dev, bool fine) {
  absl::MutexLock lock(&mu_);
  fine_timestamps_[dev] = fine;
}

void InstalledFiles::Forget(const std::string& dest) {
  absl::MutexLock lock(&mu_);
  entries_.erase(dest);
}

void InstalledFiles::ForgetAllBut(const std::function<bool(const std::string& dest)>& keep) {
  absl::MutexLock lock(&mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = keep(it->first) ? std::next(it) : entries_.erase(it);
  }
}

size_t InstalledFiles::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

void Installer::ForgetDestsNotIn(const std::vector<const TemplateResource*>& resources) {
  std::set<std::string> dests;
  std::set<std::string> family_dirs;  // a for_each dest has no template in its directory
  for (const TemplateResource* r : resources) {
    if (r->for_each.empty()) {
      dests.insert(r->dest);
    } else {
      family_dirs.insert(DirName(r->dest));
    }
  }
  installed_.ForgetAllBut([&](const std::string& dest) {
    return dests.count(dest) > 0 || family_dirs.count(DirName(dest)) > 0;
  });
}

Installer::Installer(FileSystem* fs, CommandRunner* runner, InstallOptions options)
    : fs_(fs), runner_(runner), options_(std::move(options)) {}

bool DestMayBePartial(const absl::Status& install_error) {
  return install_error.GetPayload(kPartialDestPayload).has_value();
}

bool IsDestObstacle(const absl::Status& install_error) {
  return install_error.GetPayload(kDestObstaclePayload).has_value();
}

std::string Installer::KeptNote(const std::string& dest) const {
  FileInfo info;
  return absl::StrCat(dest, IsMissing(fs_->Lstat(dest, &info)) ? " has no good version yet"
                                                              : " keeps its last good version");
}

std::string Installer::KeptNote(const TemplateResource& resource) const {
  if (resource.for_each.empty()) return KeptNote(resource.dest);
  return absl::StrCat("the files of ", DirName(resource.dest), " keep their last good versions");
}

std::string Installer::NearestExistingDir(std::string dir) const {
  FileInfo info;
  while (dir != "/" && dir != "." && IsMissing(fs_->Lstat(dir, &info))) dir = DirName(dir);
  return dir;
}

absl::Status Installer::CheckCanStage(const TemplateResource& resource) const {
  std::string dir = DirName(resource.dest);
  // Install() would create the missing directories, in the nearest one that
  // exists; whether it may is what counts.
  if (resource.create_dest_dirs) dir = NearestExistingDir(dir);
  int fd = -1;
  std::string stage;
  int err = fs_->CreateUnique(dir, StagePrefix(resource.dest), kStageMode, &fd, &stage);
  if (err == ENOENT) return MissingDirError(dir);
  if (err != 0) return IoError(dir, err);
  const int close_err = fs_->Close(fd);
  if (int unlink_err = fs_->Unlink(stage); unlink_err != 0) return IoError(stage, unlink_err);
  if (close_err != 0) return IoError(stage, close_err);
  return absl::OkStatus();
}

absl::StatusOr<InstallResult> Installer::Install(const TemplateResource& resource,
                                                 absl::string_view rendered) {
  InstallJob job(fs_, runner_, options_, &installed_, resource, rendered);
  bool pending = false;
  absl::StatusOr<InstallResult> prepared = job.Prepare(&pending);
  if (!prepared.ok() || !pending) return prepared;
  return job.Commit();
}

absl::StatusOr<PreparedInstall> Installer::Prepare(const TemplateResource& resource,
                                                   absl::string_view rendered) {
  auto job = std::make_unique<InstallJob>(fs_, runner_, options_, &installed_, resource,
                                          rendered);
  bool pending = false;
  absl::StatusOr<InstallResult> prepared = job->Prepare(&pending);
  if (!prepared.ok()) return prepared.status();
  PreparedInstall out;
  out.result_ = std::move(*prepared);
  if (pending) out.job_ = std::move(job);
  return out;
}

PreparedInstall::PreparedInstall() = default;
PreparedInstall::~PreparedInstall() = default;
PreparedInstall::PreparedInstall(PreparedInstall&&) noexcept = default;
PreparedInstall& PreparedInstall::operator=(PreparedInstall&&) noexcept = default;

absl::StatusOr<InstallResult> PreparedInstall::Commit() {
  if (job_ == nullptr) return result_;
  std::unique_ptr<InstallJob> job = std::move(job_);
  return job->Commit();
}

}  // namespace confwatch
