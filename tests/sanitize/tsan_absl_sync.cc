// Makes Debian's abseil synchronization visible to ThreadSanitizer.
//
// Debian's libabsl_synchronization is not built with -fsanitize=thread, so its
// Mutex and Notification synchronize through atomics and futexes TSan never
// sees, and every field an absl::Mutex guards in our code would be reported
// as a race. In the TSan build only, the linker redirects our calls to the
// functions below (-Wl,--wrap=<symbol>, see tests/sanitize/sanitize.cmake);
// each calls the real function and tells TSan the happens-before edge it
// implies: an unlock (or Notify) releases, a lock (or a wait that returns
// with the mutex held, or a notification seen) acquires.
//
// The symbol names carry abseil's inline namespace (Debian's: "debian3"),
// which sanitize.cmake reads from absl/base/options.h and passes in as
// CW_ABSL_NS, its mangled form (e.g. 7debian3).
#include <sanitizer/tsan_interface.h>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"


using absl::Condition;
using absl::Duration;
using absl::Mutex;
using absl::Notification;

#define CW_CAT(a, b) a##b
#define CW_XCAT(a, b) CW_CAT(a, b)
#define CW_CAT3(a, b, c) a##b##c
#define CW_XCAT3(a, b, c) CW_CAT3(a, b, c)
// The mangled name of an abseil function: prefix, inline namespace, rest.
#define CW_ABSL(prefix, rest) CW_XCAT3(prefix, CW_ABSL_NS, rest)
#define CW_REAL(name) CW_XCAT(__real_, name)
#define CW_WRAP(name) CW_XCAT(__wrap_, name)

extern "C" {

// absl::Mutex::Lock()
void CW_REAL(CW_ABSL(_ZN4absl, 5Mutex4LockEv))(Mutex*);
void CW_WRAP(CW_ABSL(_ZN4absl, 5Mutex4LockEv))(Mutex* mu) {
  CW_REAL(CW_ABSL(_ZN4absl, 5Mutex4LockEv))(mu);
  __tsan_acquire(mu);
}

// absl::Mutex::Unlock()
void CW_REAL(CW_ABSL(_ZN4absl, 5Mutex6UnlockEv))(Mutex*);
void CW_WRAP(CW_ABSL(_ZN4absl, 5Mutex6UnlockEv))(Mutex* mu) {
  __tsan_release(mu);
  CW_REAL(CW_ABSL(_ZN4absl, 5Mutex6UnlockEv))(mu);
}

// absl::Mutex::Await(const Condition&): gives the mutex up while waiting.
void CW_REAL(CW_ABSL(_ZN4absl, 5Mutex5AwaitERKNS0_9ConditionE))(Mutex*, const Condition&);
void CW_WRAP(CW_ABSL(_ZN4absl, 5Mutex5AwaitERKNS0_9ConditionE))(Mutex* mu,
                                                                  const Condition& c) {
  __tsan_release(mu);
  CW_REAL(CW_ABSL(_ZN4absl, 5Mutex5AwaitERKNS0_9ConditionE))(mu, c);
  __tsan_acquire(mu);
}

// absl::Mutex::AwaitWithTimeout(const Condition&, Duration)
bool CW_REAL(CW_ABSL(_ZN4absl, 5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE))(
    Mutex*, const Condition&, Duration);
bool CW_WRAP(CW_ABSL(_ZN4absl, 5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE))(
    Mutex* mu, const Condition& c, Duration timeout) {
  __tsan_release(mu);
  bool met = CW_REAL(CW_ABSL(_ZN4absl, 5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE))(
      mu, c, timeout);
  __tsan_acquire(mu);
  return met;
}

// absl::Mutex::AwaitWithDeadline(const Condition&, Time)
bool CW_REAL(CW_ABSL(_ZN4absl, 5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE))(
    Mutex*, const Condition&, absl::Time);
bool CW_WRAP(CW_ABSL(_ZN4absl, 5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE))(
    Mutex* mu, const Condition& c, absl::Time deadline) {
  __tsan_release(mu);
  bool met = CW_REAL(CW_ABSL(_ZN4absl, 5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE))(
      mu, c, deadline);
  __tsan_acquire(mu);
  return met;
}

// absl::Notification::Notify()
void CW_REAL(CW_ABSL(_ZN4absl, 12Notification6NotifyEv))(Notification*);
void CW_WRAP(CW_ABSL(_ZN4absl, 12Notification6NotifyEv))(Notification* n) {
  __tsan_release(n);
  CW_REAL(CW_ABSL(_ZN4absl, 12Notification6NotifyEv))(n);
}

// absl::Notification::WaitForNotificationWithTimeout(Duration) const
bool CW_REAL(CW_ABSL(_ZNK4absl, 12Notification30WaitForNotificationWithTimeoutENS0_8DurationE))(
    const Notification*, Duration);
bool CW_WRAP(CW_ABSL(_ZNK4absl, 12Notification30WaitForNotificationWithTimeoutENS0_8DurationE))(
    const Notification* n, Duration timeout) {
  bool notified =
      CW_REAL(CW_ABSL(_ZNK4absl, 12Notification30WaitForNotificationWithTimeoutENS0_8DurationE))(
          n, timeout);
  if (notified) __tsan_acquire(const_cast<Notification*>(n));
  return notified;
}

}  // extern "C"
