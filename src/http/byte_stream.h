// ByteStream is a connected byte stream with deadlines: the one thing the
// HTTP server and client read from and write to. FdStream is the real one
// over a socket (poll()-based, non-blocking fd); TlsStream (tls_stream.h)
// wraps an FdStream; tests may implement their own. StreamReader adds the
// buffering an HTTP parser needs (a head up to a blank line, exact counts,
// lines) on top of any ByteStream.
//
// Thread-safety: a stream and its reader are used by one thread at a time.
// FdStream's cancel fd may be made readable from any thread.
#ifndef CONFWATCH_HTTP_BYTE_STREAM_H_
#define CONFWATCH_HTTP_BYTE_STREAM_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace confwatch {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads up to `n` bytes into `buf`, waiting until `deadline`. Returns the
  // count, 0 when the peer closed its side. Errors: DeadlineExceeded
  // ("timed out"), Cancelled (FdStream's cancel fd became readable),
  // Unavailable for the OS error ("read: Connection reset by peer").
  virtual absl::StatusOr<size_t> Read(char* buf, size_t n, absl::Time deadline) = 0;
  // Writes all of `data` or fails (DeadlineExceeded, Unavailable).
  virtual absl::Status Write(absl::string_view data, absl::Time deadline) = 0;
};

// A socket as a ByteStream. Owns `fd` (closed by the destructor) and puts it
// in non-blocking mode. When `cancel_fd` >= 0, a Read() returns Cancelled as
// soon as that fd is readable (the server's stop signal); writes ignore it.
class FdStream : public ByteStream {
 public:
  explicit FdStream(int fd, int cancel_fd = -1);
  ~FdStream() override;
  FdStream(const FdStream&) = delete;
  FdStream& operator=(const FdStream&) = delete;

  absl::StatusOr<size_t> Read(char* buf, size_t n, absl::Time deadline) override;
  absl::Status Write(absl::string_view data, absl::Time deadline) override;

  // Waits until the socket is ready for `events` (POLLIN/POLLOUT). For
  // TlsStream, which does its own reads and writes on fd().
  absl::Status Wait(short events, absl::Time deadline);
  int fd() const { return fd_; }

 private:
  const int fd_;
  const int cancel_fd_;
};

// Buffered reading from a ByteStream that it does not own.
class StreamReader {
 public:
  explicit StreamReader(ByteStream* stream) : stream_(stream) {}

  // Reads through the first empty line (CRLF CRLF, or bare LF LF) and
  // returns everything before it; empty lines before the head are skipped.
  // ResourceExhausted when `limit` bytes came without one;
  // FailedPrecondition ("connection closed") when the peer closed first.
  absl::StatusOr<std::string> ReadHead(size_t limit, absl::Time deadline);
  // One line without its CRLF/LF, at most `limit` bytes.
  absl::StatusOr<std::string> ReadLine(size_t limit, absl::Time deadline);
  // Exactly `n` bytes appended to *out; FailedPrecondition if the peer closes early.
  absl::Status ReadExact(size_t n, absl::Time deadline, std::string* out);
  // Everything until the peer closes, appended to *out; ResourceExhausted
  // past `limit` bytes.
  absl::Status ReadToEnd(size_t limit, absl::Time deadline, std::string* out);

 private:
  // Appends what one Read() returns to buffer_; *eof when the peer closed.
  absl::Status Fill(absl::Time deadline, bool* eof);

  ByteStream* const stream_;
  std::string buffer_;  // read but not yet consumed
};

}  // namespace confwatch

#endif  // CONFWATCH_HTTP_BYTE_STREAM_H_
