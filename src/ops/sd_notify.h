// systemd's readiness protocol (sd_notify(3)) without libsystemd: one
// datagram of "KEY=VALUE\n" lines to the AF_UNIX socket named by
// $NOTIFY_SOCKET (a path, or an abstract name when it starts with '@').
// When $NOTIFY_SOCKET is unset (not under systemd, or Type=simple) every
// call is a no-op that returns OK, so callers need not check where they run.
//
// How the daemon uses it (examples/systemd/confwatch.service, Type=notify;
// ops/systemd_notifier.h does all of this from one thread):
//   SdNotifyReady()      once the first render of every resource is done
//                        (watch mode), or at start of interval mode
//   SdNotifyReloading()  on SIGHUP, then SdNotifyReady() when it is applied
//   SdNotifyStopping()   on SIGTERM/SIGINT, before finishing the install
//   SdNotifyStatus(...)  free text shown by `systemctl status`
//   SdNotifyWatchdog()   every SdWatchdogInterval() / 2 when WatchdogSec= is set
//
// A failure to send is returned, never fatal: systemd then times the
// service out on its own, and the caller logs the error once.
//
// Thread-safety: every function is thread-safe (one socket per call, the
// environment is only read).
#ifndef CONFWATCH_OPS_SD_NOTIFY_H_
#define CONFWATCH_OPS_SD_NOTIFY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace confwatch {

// Sends `state` ("READY=1", or several lines "RELOADING=1\nMONOTONIC_USEC=...")
// to $NOTIFY_SOCKET; OK and nothing sent when it is unset or empty.
absl::Status SdNotify(absl::string_view state);

// Sends `state` to `socket` (a path, or "@name" for the abstract namespace).
// Errors name the socket: `sd_notify /run/systemd/notify: Connection refused`.
absl::Status SdNotifyTo(absl::string_view socket, absl::string_view state);

absl::Status SdNotifyReady();  // READY=1
// RELOADING=1 plus MONOTONIC_USEC=<CLOCK_MONOTONIC in us>, which systemd >=
// 253 requires for Type=notify-reload and older versions ignore.
absl::Status SdNotifyReloading();
absl::Status SdNotifyStopping();                        // STOPPING=1
absl::Status SdNotifyStatus(absl::string_view status);  // STATUS=<status>; newlines -> spaces
// WATCHDOG=1, only when the watchdog is on (SdWatchdogInterval() > 0).
absl::Status SdNotifyWatchdog();

// The watchdog timeout from $WATCHDOG_USEC, zero when the watchdog is off:
// unset, not a positive number, or $WATCHDOG_PID set to another process
// (systemd meant a parent). Ping at half of it.
absl::Duration SdWatchdogInterval();

// The text of the messages above, for tests and for callers that batch
// several states into one datagram.
std::string SdReloadingState(absl::Duration monotonic_now);

}  // namespace confwatch

#endif  // CONFWATCH_OPS_SD_NOTIFY_H_
