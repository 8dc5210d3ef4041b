// Fuzzes the request-head path of the metrics server (http/http_message.h):
// any bytes, as a client would send them, cut into pieces at places the
// input itself chooses (its first byte seeds the cuts), go through
//  - RequestHeadScanner fed piece by piece, which must agree with the same
//    scanner fed the whole input at once, and with StreamReader::ReadHead
//    (http/byte_stream.h, the blocking reader the client side still uses)
//    reading the same pieces: same end of head, same "too large", same head;
//  - ParseRequestHead on the head found (and on the raw bytes too): a
//    request whose method is a token and whose path starts with '/', or an
//    InvalidArgument with a message, never a crash;
//  - FormatResponse / ParseResponseHead, which must read back the status
//    and the headers it wrote.
//
// Thread-safety: libFuzzer calls it from one thread.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "http/byte_stream.h"
#include "http/http_message.h"

namespace {

using confwatch::RequestHeadScanner;
constexpr size_t kLimit = 512;  // small, so that inputs reach it

void Check(bool ok) {
  if (!ok) std::abort();
}

// Hands out the pieces one Read() at a time, then end of stream.
class PieceStream : public confwatch::ByteStream {
 public:
  explicit PieceStream(const std::vector<absl::string_view>& pieces) : pieces_(pieces) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n, absl::Time) override {
    while (next_ < pieces_.size() && offset_ == pieces_[next_].size()) {
      ++next_;
      offset_ = 0;
    }
    if (next_ == pieces_.size()) return 0;
    const size_t take = std::min(n, pieces_[next_].size() - offset_);
    std::memcpy(buf, pieces_[next_].data() + offset_, take);
    offset_ += take;
    return take;
  }
  absl::Status Write(absl::string_view, absl::Time) override { return absl::OkStatus(); }

 private:
  const std::vector<absl::string_view>& pieces_;
  size_t next_ = 0;
  size_t offset_ = 0;
};

std::vector<absl::string_view> Cut(absl::string_view data, uint8_t seed) {
  std::vector<absl::string_view> pieces;
  size_t step = seed % 7 + 1;
  while (!data.empty()) {
    const size_t n = std::min(step, data.size());
    pieces.push_back(data.substr(0, n));
    data.remove_prefix(n);
    step = (step * 5 + seed) % 13 + 1;
  }
  return pieces;
}

void CheckParsed(absl::string_view head) {
  absl::StatusOr<confwatch::HttpRequest> r = confwatch::ParseRequestHead(head);
  if (!r.ok()) {
    Check(r.status().code() == absl::StatusCode::kInvalidArgument);
    Check(!r.status().message().empty());
    return;
  }
  Check(!r->method.empty() && !r->path.empty() && r->path[0] == '/');
  Check(r->version == "HTTP/1.1" || r->version == "HTTP/1.0");
}

void CheckScanners(absl::string_view data) {
  const std::vector<absl::string_view> pieces = Cut(data, data.empty() ? 0 : data[0]);
  RequestHeadScanner whole(kLimit);
  const RequestHeadScanner::State at_once = whole.Feed(data);
  RequestHeadScanner cut(kLimit);
  RequestHeadScanner::State state = RequestHeadScanner::State::kNeedMore;
  for (absl::string_view p : pieces) state = cut.Feed(p);
  Check(state == at_once);

  PieceStream stream(pieces);
  confwatch::StreamReader reader(&stream);
  absl::StatusOr<std::string> head = reader.ReadHead(kLimit, absl::InfiniteFuture());
  switch (at_once) {
    case RequestHeadScanner::State::kComplete:
      Check(head.ok() && *head == whole.head() && cut.head() == whole.head());
      CheckParsed(whole.head());
      break;
    case RequestHeadScanner::State::kTooLarge:
      Check(absl::IsResourceExhausted(head.status()));
      break;
    case RequestHeadScanner::State::kNeedMore:
      Check(absl::IsFailedPrecondition(head.status()));
      break;
  }
}

void CheckResponseRoundTrip(absl::string_view data) {
  confwatch::HttpResponse response;
  response.status = 100 + static_cast<int>(data.size() % 500);
  response.body = std::string(data);
  response.headers.emplace_back("X-Fuzz", "1");
  const std::string text = confwatch::FormatResponse(response, /*head_only=*/true);
  absl::StatusOr<confwatch::HttpResponseHead> back =
      confwatch::ParseResponseHead(text.substr(0, text.size() - 2));
  Check(back.ok() && back->status == response.status);
  Check(confwatch::HeaderValue(back->headers, "content-length") == std::to_string(data.size()));
  (void)confwatch::ParseResponseHead(data);  // any bytes: a head or an error
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const absl::string_view data(reinterpret_cast<const char*>(bytes), size);
  CheckScanners(data);
  CheckParsed(data);
  CheckResponseRoundTrip(data);
  return 0;
}
