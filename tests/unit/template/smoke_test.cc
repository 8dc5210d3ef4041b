#include "gtest/gtest.h"
#include "template/template.h"

namespace confwatch {
namespace {

TEST(TemplateSmoke, RendersText) {
  auto t = Template::Parse("x", "hello {{.}}", FuncMap());
  ASSERT_TRUE(t.ok()) << t.status();
  ExecContext ctx;
  std::string out;
  ASSERT_TRUE((*t)->Execute(Value::String("world"), ctx, &out).ok());
  EXPECT_EQ("hello world", out);
}

}  // namespace
}  // namespace confwatch
