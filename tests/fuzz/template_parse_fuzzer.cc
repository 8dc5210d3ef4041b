// Fuzzes the lexer and parser: any input must either parse or fail with a
// "template: " error; a successful parse must print every tree. Crashes,
// sanitizer reports and hangs are the findings.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "template/template.h"
#include "test_funcs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace confwatch;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // The first byte picks custom delimiters now and then, to reach the
  // delimiter-dependent paths of the lexer.
  ParseOptions options;
  if (size > 0 && data[0] == '#') {
    options.left_delim = "<%";
    options.right_delim = "%>";
  }
  auto t = Template::Parse("fuzz", text, testing_funcs::TestFuncs(), options);
  if (!t.ok()) {
    if (t.status().message().substr(0, 10) != "template: ") std::abort();
    return 0;
  }
  for (const std::string& name : (*t)->TemplateNames()) (void)(*t)->TreeString(name);
  return 0;
}
