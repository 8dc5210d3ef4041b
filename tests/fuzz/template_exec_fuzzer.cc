// Fuzzes parse + execute on fixed data with the typed test functions. An
// execution must succeed or fail with a "template: " error, and a failure
// must leave the output untouched.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "template/json_value.h"
#include "template/template.h"
#include "test_funcs.h"

namespace {

const confwatch::Value& Data() {
  static const confwatch::Value* data = new confwatch::Value(confwatch::ValueFromJson(
      nlohmann::json::parse(R"({"a":"A","b":2,"c":[1,"two",null,true,2.5],
        "m":{"x":"X","y":[1,2],"z":null},"l":["p","q","r"],"n":null,"s":"h\u00e9llo",
        "f":1234567.125,"e":[],"em":{},"t":true,"zero":0})")));
  return *data;
}

// Recursive {{template}} calls can branch: k calls per level cost k^depth
// (Go has the same property). Such inputs say nothing new about the engine,
// so they are skipped to keep the fuzzer fast.
bool TooManyTemplateCalls(std::string_view text) {
  int calls = 0;
  for (size_t pos = text.find("template"); pos != std::string_view::npos;
       pos = text.find("template", pos + 1)) {
    ++calls;
  }
  return calls > 2;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace confwatch;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (TooManyTemplateCalls(text)) return 0;
  auto t = Template::Parse("fuzz", text, testing_funcs::TestFuncs());
  if (!t.ok()) return 0;
  ExecContext ctx;
  std::string out = "keep";
  absl::Status st = (*t)->Execute(Data(), ctx, &out);
  if (!st.ok()) {
    if (out != "keep") std::abort();
    if (st.message().substr(0, 10) != "template: ") std::abort();
  }
  return 0;
}
