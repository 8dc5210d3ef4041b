// A fixed instant for the unit tests of the daemon's timing rules (scheduler,
// reload coalescer), which take "now" as an argument instead of reading a
// clock:  s.Add(0, {}, At(0)); s.Due(At(150));
#ifndef CONFWATCH_TESTS_UNIT_DAEMON_TEST_TIME_H_
#define CONFWATCH_TESTS_UNIT_DAEMON_TEST_TIME_H_

#include "absl/time/time.h"

namespace confwatch {

inline const absl::Time kT0 = absl::FromUnixSeconds(1000);
// kT0 + ms milliseconds.
inline absl::Time At(int ms) { return kT0 + absl::Milliseconds(ms); }

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_UNIT_DAEMON_TEST_TIME_H_
