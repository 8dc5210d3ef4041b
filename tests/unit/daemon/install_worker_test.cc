// InstallWorker (daemon/install_worker.h): what its log lines carry. The
// text lines name the resource in the message; JSON lines also carry it (and
// the dest) as fields, so a collector can select one resource's lines.
#include "daemon/install_worker.h"

#include <cerrno>
#include <memory>
#include <sstream>
#include <string>

#include "base/logging.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spdlog/sinks/ostream_sink.h"
#include "tests/unit/resource/fake_command_runner.h"
#include "tests/unit/resource/fake_file_system.h"

namespace confwatch {
namespace {

class InstallWorkerLogTest : public ::testing::Test {
 protected:
  InstallWorkerLogTest() {
    fs_.AddDir("/etc/app");
    fs_.AddFile("/etc/app/app.conf", "old\n");
    resource_.name = "app.toml";
    resource_.src = "/etc/confd/templates/app.tmpl";
    resource_.dest = "/etc/app/app.conf";
    resource_.reload_cmd = "reload-app";
    LoggingConfig config;
    config.format = LogFormat::kJson;
    config.sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    InitLogging(config);
  }
  ~InstallWorkerLogTest() override { InitLogging(LoggingConfig()); }

  // Installs "new\n" for the resource and reloads it.
  void Process() {
    InstallOptions options;
    options.default_uid = 1000;
    options.default_gid = 1000;
    Installer installer(&fs_, &runner_, options);
    ReloadContext reload;
    reload.runner = &runner_;
    InstallWorker worker(&installer, reload);
    worker.Process({BatchItem{1, &resource_, "new\n", {}, {}}});
  }

  // The logged JSON object whose msg is `msg`; null when there is none.
  nlohmann::json LineWithMessage(const std::string& msg) const {
    std::istringstream lines(log_.str());
    for (std::string line; std::getline(lines, line);) {
      nlohmann::json parsed = nlohmann::json::parse(line);
      if (parsed["msg"] == msg) return parsed;
    }
    return nullptr;
  }

  FakeFileSystem fs_;
  FakeCommandRunner runner_;
  TemplateResource resource_;
  std::ostringstream log_;
};

TEST_F(InstallWorkerLogTest, InstallerWarningCarriesResourceAndDest) {
  fs_.fail_next_rename = EXDEV;  // a bind-mounted dest: rewritten in place, with a warning
  Process();
  const nlohmann::json line = LineWithMessage(
      "app.toml: rename /etc/app/.app.conf.000001 -> /etc/app/app.conf: Invalid cross-device "
      "link; rewrote /etc/app/app.conf in place, which is not atomic");
  ASSERT_FALSE(line.is_null()) << log_.str();
  EXPECT_EQ("warning", line["level"]);
  EXPECT_EQ("app.toml", line["resource"]);
  EXPECT_EQ("/etc/app/app.conf", line["dest"]);
}

TEST_F(InstallWorkerLogTest, ReloadLineCarriesTheResource) {
  Process();
  const nlohmann::json line = LineWithMessage("app.toml: reloaded");
  ASSERT_FALSE(line.is_null()) << log_.str();
  EXPECT_EQ("info", line["level"]);
  EXPECT_EQ("app.toml", line["resource"]);
}

}  // namespace
}  // namespace confwatch
