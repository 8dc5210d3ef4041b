// See family_installer.h.
#include "resource/family_installer.h"

#include <cerrno>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "base/file_io.h"
#include "process/file_path.h"
#include "resource/for_each.h"

namespace confwatch {
namespace {

constexpr mode_t kManifestMode = 0600;
constexpr char kManifestHeader[] =
    "# confwatch: files this for_each resource created (hash name); do not edit\n";

bool IsMissing(int err) { return err == ENOENT || err == ENOTDIR; }

// A name a manifest may list: a file directly in the family's directory,
// never a hidden one (stage files, manifests).
bool IsPlainFileName(absl::string_view name) {
  if (name.empty() || name.front() == '.' || name.size() > kMaxChildFileName) return false;
  for (char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '/' || u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

std::string ChildError(const RenderedChild& child, const absl::Status& s) {
  return absl::StrCat("child ", QuoteChildName(child.name), ": ", s.message());
}

// One child left out because of what is at its dest; the rest go on.
void Refuse(const RenderedChild& child, const absl::Status& s, FamilyResult* result) {
  result->refused.push_back(absl::Status(
      s.code(), absl::StrCat("child ", QuoteChildName(child.name), " refused: ", s.message(),
                             "; the other children go on")));
}

void NoteInstalled(const RenderedChild& child, InstallResult r, FamilyResult* result) {
  for (std::string& w : r.warnings) result->warnings.push_back(std::move(w));
  absl::StrAppend(&result->diff, r.diff);
  if (r.outcome == InstallOutcome::kUnchanged) return;
  result->changed.push_back(child.dest);
  std::string line = absl::StrCat(child.dest, " ", InstallOutcomeName(r.outcome));
  if (r.outcome == InstallOutcome::kWouldChange && !r.changes.empty()) {
    absl::StrAppend(&line, " (", r.changes.front(), ")");
  }
  result->log.push_back(std::move(line));
  result->reload_needed |= r.reload_needed;
}

}  // namespace

uint64_t ContentHash(absl::string_view data) {
  uint64_t h = 14695981039346656037ull;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

std::string FormatManifest(const Manifest& manifest) {
  std::string out = kManifestHeader;
  for (const auto& [file, hash] : manifest) absl::StrAppendFormat(&out, "%016x %s\n", hash, file);
  return out;
}

Manifest ParseManifest(absl::string_view text, std::vector<std::string>* warnings) {
  Manifest out;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    uint64_t hash = 0;
    const size_t space = line.find(' ');
    const absl::string_view file = space == absl::string_view::npos ? "" : line.substr(space + 1);
    if (space != 16 || !absl::SimpleHexAtoi(line.substr(0, 16), &hash) || !IsPlainFileName(file)) {
      warnings->push_back(absl::StrCat("manifest line ", line_no, " is not \"<hash> <file name>\"; skipped"));
      continue;
    }
    out[std::string(file)] = hash;
  }
  return out;
}

Manifest FamilyInstaller::ReadManifest(const std::string& path,
                                       std::vector<std::string>* warnings) const {
  FileSystem* fs = installer_->fs();
  FileInfo info;
  const int err = fs->Lstat(path, &info);
  if (IsMissing(err)) return {};
  std::string why;
  if (err != 0) {
    why = std::string(IoError(path, err).message());
  } else if (!info.is_regular) {
    why = "not a regular file";
  } else if (info.uid != installer_->options().default_uid) {
    why = absl::StrCat("owned by uid ", info.uid, ", not confwatch's ", installer_->options().default_uid);
  } else if ((info.mode & 022) != 0) {
    why = absl::StrFormat("writable by others (mode %04o)", info.mode);
  }
  std::string text;
  if (why.empty()) {
    if (int read_err = fs->ReadFile(path, &text); read_err != 0) {
      why = std::string(IoError(path, read_err).message());
    }
  }
  if (!why.empty()) {
    warnings->push_back(absl::StrCat("manifest ", path, " ignored (", why,
                                     "): no file of a gone child is removed"));
    return {};
  }
  std::vector<std::string> line_warnings;
  Manifest m = ParseManifest(text, &line_warnings);
  for (const std::string& w : line_warnings) warnings->push_back(absl::StrCat(path, ": ", w));
  return m;
}

absl::Status FamilyInstaller::WriteManifest(const TemplateResource& family,
                                            const Manifest& manifest) const {
  FileSystem* fs = installer_->fs();
  const std::string dir = FamilyDir(family);
  const std::string path = ManifestPath(family);
  int fd = -1;
  std::string stage;
  if (int err = fs->CreateUnique(dir, ".confwatch-manifest.", kManifestMode, &fd, &stage); err != 0) {
    return absl::ErrnoToStatus(err, absl::StrCat("IO error: ", dir));
  }
  int err = fs->Write(fd, FormatManifest(manifest));
  if (err == 0) err = fs->Fsync(fd);
  const int close_err = fs->Close(fd);
  if (err == 0) err = close_err;
  if (err == 0) err = fs->Rename(stage, path);
  if (err != 0) {
    (void)fs->Unlink(stage);
    return absl::ErrnoToStatus(err, absl::StrCat("IO error: ", path));
  }
  (void)fs->FsyncDir(dir);  // as the files: durable unless the disk says otherwise
  return absl::OkStatus();
}

bool FamilyInstaller::StillOurs(const std::string& path, uint64_t hash, uid_t uid,
                                std::string* why) const {
  FileSystem* fs = installer_->fs();
  FileInfo info;
  why->clear();
  if (int err = fs->Lstat(path, &info); err != 0) {
    if (!IsMissing(err)) *why = std::string(IoError(path, err).message());
    return false;
  }
  if (!info.is_regular) {
    *why = "no longer a regular file";
    return false;
  }
  if (info.uid != uid) {
    *why = absl::StrCat("now owned by uid ", info.uid, ", not ", uid);
    return false;
  }
  std::string contents;
  if (int err = fs->ReadFile(path, &contents); err != 0) {
    *why = std::string(IoError(path, err).message());
    return false;
  }
  if (ContentHash(contents) != hash) {
    *why = "changed since confwatch wrote it";
    return false;
  }
  return true;
}

void FamilyInstaller::RemoveGone(const TemplateResource& family, const Manifest& gone,
                                 Manifest* kept, FamilyResult* result) const {
  const InstallOptions& options = installer_->options();
  const uid_t uid = family.uid.value_or(options.default_uid);
  const std::string dir = FamilyDir(family);
  bool removed = false;
  for (const auto& [file, hash] : gone) {
    const std::string path = absl::StrCat(dir, "/", file);
    std::string why;
    if (!StillOurs(path, hash, uid, &why)) {
      if (!why.empty()) {
        result->warnings.push_back(absl::StrCat(path, " not removed: ", why));
      }
      installer_->ForgetDest(path);
      continue;  // gone already, or no longer ours: forget it either way
    }
    if (options.noop) {
      result->changed.push_back(path);
      result->log.push_back(absl::StrCat("would remove ", path, " (child gone)"));
      continue;
    }
    if (int err = installer_->fs()->Unlink(path); err != 0) {
      result->warnings.push_back(absl::StrCat(IoError(path, err).message(), "; removed next time"));
      (*kept)[file] = hash;
      continue;
    }
    installer_->ForgetDest(path);  // a child that comes and goes leaves nothing behind
    removed = true;
    result->changed.push_back(path);
    result->log.push_back(absl::StrCat("removed ", path, " (child gone)"));
  }
  if (!removed) return;
  (void)installer_->fs()->FsyncDir(dir);
  result->reload_needed |= !options.sync_only && family.has_reload();
}

absl::StatusOr<FamilyResult> FamilyInstaller::Install(const TemplateResource& family,
                                                      const std::vector<RenderedChild>& children) {
  FamilyResult result;
  const Manifest before = ReadManifest(ManifestPath(family), &result.warnings);
  // Stage and check everything before anything is renamed: a failure leaves
  // every file as it was (the PreparedInstalls remove their stages). A child
  // whose dest is in the way is left out alone (nullopt).
  std::vector<TemplateResource> configs(children.size(), family);
  std::vector<std::optional<PreparedInstall>> prepared(children.size());
  for (size_t i = 0; i < children.size(); ++i) {
    configs[i].dest = children[i].dest;
    configs[i].for_each.clear();
    absl::StatusOr<PreparedInstall> p = installer_->Prepare(configs[i], children[i].rendered);
    if (p.ok()) {
      prepared[i] = std::move(*p);
    } else if (IsDestObstacle(p.status())) {
      Refuse(children[i], p.status(), &result);
    } else {
      return absl::Status(p.status().code(), absl::StrCat(ChildError(children[i], p.status()),
                                                          "; no file of the batch changed"));
    }
  }
  // Refused children are still children: their files are not "gone".
  std::set<std::string> present;
  for (const RenderedChild& c : children) present.insert(BaseName(c.dest));
  Manifest gone;
  for (const auto& [file, hash] : before) {
    if (!present.count(file)) gone[file] = hash;
  }
  Manifest after;
  for (size_t i = 0; i < children.size(); ++i) {
    const std::string file = BaseName(children[i].dest);
    if (prepared[i]) {
      absl::StatusOr<InstallResult> r = prepared[i]->Commit();
      if (r.ok()) {
        after[file] = ContentHash(children[i].rendered);
        NoteInstalled(children[i], *std::move(r), &result);
        continue;
      }
      // Every check passed: a rename refused here (a file another user owns
      // in a sticky directory) keeps this child's old file, not the others'.
      Refuse(children[i], r.status(), &result);
    }
    // A refused child's old file, if it was ours, is still listed.
    if (auto it = before.find(file); it != before.end()) after.insert(*it);
  }
  RemoveGone(family, gone, &after, &result);
  if (!result.changed.empty()) {
    result.outcome = installer_->options().noop ? InstallOutcome::kWouldChange : InstallOutcome::kInstalled;
  }
  if (!installer_->options().noop && after != before) {
    if (absl::Status s = WriteManifest(family, after); !s.ok()) {
      result.status = absl::Status(s.code(), absl::StrCat("manifest: ", s.message()));
    }
  }
  return result;
}

}  // namespace confwatch
