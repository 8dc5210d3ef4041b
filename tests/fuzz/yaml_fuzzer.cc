// Fuzzes Helm's fromYaml and toYaml through the template path: any bytes are
// the YAML text. fromYaml never fails (an error is the map's "Error" key);
// toYaml of what it returned either renders or fails with a "template: "
// error; and YAML that toYaml wrote must read back, through fromYaml, as
// the same value (compared as toJson), since go-yaml's output reads back so
// (with the final newline Helm trims put back; a "<<" key excepted: it
// reads back as a merge, as go-yaml's own output does; and -0 reads back 0).
//
// Thread-safety: libFuzzer calls it from one thread.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "funcs/confd.h"
#include "template/template.h"

namespace {

using confwatch::Template;
using confwatch::Value;

std::shared_ptr<const Template> Parsed(const char* text) {
  auto t = Template::Parse("fuzz", text, confwatch::ConfwatchFuncMap());
  if (!t.ok()) std::abort();
  return *t;
}

absl::StatusOr<std::string> Render(const Template& t, std::string_view data) {
  confwatch::ExecContext ctx;
  std::string out;
  absl::Status st = t.Execute(Value::String(std::string(data)), ctx, &out);
  if (!st.ok()) return st;
  return out;
}

// go-yaml reads the "-0" of json.Marshal(-0.0) as the int 0: toYaml
// writes 0, in Go too. Both sides of the comparison drop that sign.
std::string WithoutNegativeZero(std::string json) {
  for (size_t i = json.find("-0"); i != std::string::npos; i = json.find("-0", i + 1)) {
    const bool starts = i > 0 && (json[i - 1] == ':' || json[i - 1] == '[' || json[i - 1] == ',');
    const bool ends = i + 2 < json.size() && (json[i + 2] == ',' || json[i + 2] == ']' || json[i + 2] == '}');
    if (starts && ends) json.erase(i, 1);
  }
  return json;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view data(reinterpret_cast<const char*>(bytes), size);
  static const std::shared_ptr<const Template> as_json = Parsed("{{toJson (fromYaml .)}}");
  static const std::shared_ptr<const Template> has_error = Parsed("{{hasKey (fromYaml .) \"Error\"}}");
  static const std::shared_ptr<const Template> to_yaml = Parsed("{{toYaml (fromYaml .)}}");
  absl::StatusOr<std::string> json = Render(*as_json, data);
  absl::StatusOr<std::string> error = Render(*has_error, data);
  if (!error.ok()) std::abort();  // fromYaml always returns a map
  absl::StatusOr<std::string> yaml = Render(*to_yaml, data);
  if (!yaml.ok()) {
    if (yaml.status().message().substr(0, 10) != "template: ") std::abort();
    return 0;
  }
  // toJson fails only on what JSON cannot hold, which fromYaml never returns.
  if (!json.ok()) std::abort();
  // A "<<" key is written plain and reads back as a merge key, in Go too.
  const bool merge_key = json->find("\"\\u003c\\u003c\":") != std::string::npos;
  if (*error == "false" && !merge_key && !yaml->empty() && *json != "null" && *json != "{}") {
    // Helm trims the final newline, which a last block scalar needs back.
    absl::StatusOr<std::string> again = Render(*as_json, *yaml + "\n");
    if (!again.ok() || WithoutNegativeZero(*again) != WithoutNegativeZero(*json)) std::abort();
  }
  return 0;
}
