// Fuzzes Go's encoding/json as the template functions use it (confd's
// `json`/`jsonArray`, sprig's `fromJson`/`toJson`): any bytes are decoded into
// each of the three targets, and what decodes must survive a round trip:
// Marshal(Unmarshal(x)) decodes again and marshals to the same bytes (Go's
// encoding/json has this property: floats print in their shortest exact form,
// invalid UTF-8 is already U+FFFD after decoding). A failure must carry a
// message. Then the same bytes go through the real template path,
// `{{fromJson .}}` printed by the executor and `{{json .}}` ranged over, whose
// errors must be "template: " errors.
//
// Thread-safety: libFuzzer calls it from one thread.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "funcs/confd.h"
#include "funcs/json.h"
#include "template/json_value.h"
#include "template/template.h"

namespace {

using confwatch::Template;
using confwatch::Type;
using confwatch::Value;

std::shared_ptr<const Template> Parsed(const char* text) {
  auto t = Template::Parse("fuzz", text, confwatch::ConfwatchFuncMap());
  if (!t.ok()) std::abort();
  return *t;
}

void RoundTrip(std::string_view data, const Type* target) {
  Value partial;
  absl::StatusOr<Value> v = confwatch::GoJsonUnmarshal(data, target, &partial);
  if (!v.ok()) {
    if (v.status().message().empty()) std::abort();
    (void)confwatch::GoJsonMarshal(partial);  // what fromJson hands on
    return;
  }
  absl::StatusOr<std::string> once = confwatch::GoJsonMarshal(*v);
  if (!once.ok()) std::abort();  // decoded JSON is always encodable
  absl::StatusOr<Value> again = confwatch::GoJsonUnmarshal(*once, target);
  if (!again.ok()) std::abort();
  absl::StatusOr<std::string> twice = confwatch::GoJsonMarshal(*again);
  if (!twice.ok() || *twice != *once) std::abort();
  (void)confwatch::GoJsonMarshal(*v, "  ");
}

void Render(const Template& t, std::string_view data) {
  confwatch::ExecContext ctx;
  std::string out;
  absl::Status st = t.Execute(Value::String(std::string(data)), ctx, &out);
  if (!st.ok() && st.message().substr(0, 10) != "template: ") std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view data(reinterpret_cast<const char*>(bytes), size);
  RoundTrip(data, confwatch::JsonObjectType());
  RoundTrip(data, confwatch::JsonArrayType());
  RoundTrip(data, Type::Any());
  static const std::shared_ptr<const Template> from_json =
      Parsed("{{fromJson .}}|{{toJson (fromJson .)}}");
  static const std::shared_ptr<const Template> json_range =
      Parsed("{{range $k, $v := json .}}{{$k}}={{$v}};{{printf \"%v %q\" $v $v}}{{end}}");
  Render(*from_json, data);
  Render(*json_range, data);
  return 0;
}
