# Sorts ThreadSanitizer reports (the files TSAN_OPTIONS=log_path writes) into
# ours and library-internal; prints one line per report: "ours" or "library".
#
# library: a data race on heap memory that one of Debian's uninstrumented
# libraries allocated (the first frame of the allocation stack after the
# allocator is in libgrpc, libgpr, libssl, libcrypto, libprotobuf or
# libabsl_), where no stack of either access has a frame of our binaries.
# Such a race happens between two threads inside that library, ordered by
# synchronization TSan cannot see (tsan.supp says why); its suppressions
# cannot catch it when TSan loses the older access's stack and the newer one
# shows only libstdc++ (a gRPC thread copying a gRPC string). Anything else,
# including every report with one frame of ours, is "ours".
#
#   awk -f tests/sanitize/tsan_triage.awk build-tsan/sanitizer-reports/tsan.*
function finish() {
  if (!in_report) return
  print (is_race && !ours_in_access && lib_alloc ? "library" : "ours")
  in_report = 0
}
/^WARNING: ThreadSanitizer: / {
  finish()
  in_report = 1
  is_race = ($0 ~ /: data race /)
  ours_in_access = 0
  lib_alloc = 0
  section = ""
  next
}
!in_report { next }
/^SUMMARY: ThreadSanitizer/ { finish(); next }
/^  (Previous )?([Aa]tomic )?([Rr]ead|[Ww]rite) of size / { section = "access"; next }
/^  Location is heap block / { section = "alloc"; alloc_frame_seen = 0; next }
/^  [A-Z]/ { section = "other"; next }
/^ +#[0-9]+ / {
  if (section == "access" && $0 ~ /\(confwatch[a-z_]*\+0x/) ours_in_access = 1
  if (section == "alloc" && !alloc_frame_seen &&
      $0 !~ /#[0-9]+ (operator new|malloc|calloc|realloc|strdup|posix_memalign|aligned_alloc)/) {
    alloc_frame_seen = 1
    if ($0 ~ /\((\/[^ ]*\/)?(libgrpc|libgrpc\+\+|libgpr|libssl|libcrypto|libprotobuf|libabsl_)[^ ]*\.so/) lib_alloc = 1
  }
  next
}
END { finish() }
