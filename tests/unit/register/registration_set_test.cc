// RegistrationSet::Create renders every spec before making anything: one bad
// template or a key registered twice fails the whole set. (Running sets
// against etcd: tests/integration/register_etcd_test.cc.)
#include "register/registration_set.h"

#include <memory>

#include "gtest/gtest.h"
#include "process/posix_command_runner.h"

namespace confwatch {
namespace {

class RegistrationSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EtcdOptions o;
    o.endpoints = {"127.0.0.1:1"};  // never contacted: nothing starts
    auto c = EtcdClient::Create(o);
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = *std::move(c);
  }
  RegistrationSpec Spec(std::string key, std::string where) {
    RegistrationSpec s;
    s.key = std::move(key);
    s.where = std::move(where);
    return s;
  }

  std::unique_ptr<EtcdClient> client_;
  PosixCommandRunner runner_;
};

TEST_F(RegistrationSetTest, MakesOneRegistrarPerSpecWithoutStarting) {
  auto set = RegistrationSet::Create({Spec("/a", "f:1:1"), Spec("/b", "f:5:1")}, client_.get(),
                                     &runner_);
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(2u, (*set)->size());
  std::vector<RegistrationStatus> st = (*set)->Statuses();
  EXPECT_EQ("/a", st[0].key);
  EXPECT_EQ("/b", st[1].key);
  EXPECT_FALSE(st[0].state.registered);
  EXPECT_EQ(0u, st[1].state.registrations);
}

TEST_F(RegistrationSetTest, OneBadTemplateFailsTheWholeSet) {
  auto set = RegistrationSet::Create({Spec("/a", "f:1:1"), Spec("/b/{{nope}}", "f:5:1")},
                                     client_.get(), &runner_);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ("f:5:1: key: template: key:1: function \"nope\" not defined", set.status().message());
}

TEST_F(RegistrationSetTest, SameKeyTwiceIsAnError) {
  auto set = RegistrationSet::Create({Spec("/a", "f:1:1"), Spec("{{print \"/a\"}}", "f:5:1")},
                                     client_.get(), &runner_);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ("f:5:1: key /a is already registered by f:1:1", set.status().message());
}

}  // namespace
}  // namespace confwatch
