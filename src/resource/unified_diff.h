// UnifiedDiff shows what an install would change (-noop) in the format of
// `diff -u`: "---"/"+++" headers, "@@ -l,n +l,n @@" hunks with 3 lines of
// context, "\ No newline at end of file" markers. Lines are compared byte for
// byte including their newline.
//
// The edit script is Myers' shortest one after trimming the common head and
// tail; when the middle differs in more than kMaxDiffEdits lines the whole
// middle is shown as replaced instead, which is still a correct diff, only
// not a minimal one, and keeps memory bounded on wholly different files.
//
// Thread-safety: pure function, safe from any thread.
#ifndef CONFWATCH_RESOURCE_UNIFIED_DIFF_H_
#define CONFWATCH_RESOURCE_UNIFIED_DIFF_H_

#include <string>

#include "absl/strings/string_view.h"

namespace confwatch {

inline constexpr int kMaxDiffEdits = 2000;

// Returns "" when the texts are equal, else the unified diff of `before`
// (labelled `before_label` on the "---" line) into `after`.
std::string UnifiedDiff(absl::string_view before, absl::string_view after,
                        absl::string_view before_label, absl::string_view after_label,
                        int context = 3);

}  // namespace confwatch

#endif  // CONFWATCH_RESOURCE_UNIFIED_DIFF_H_
