// The HTML report every run writes (report.html, docs/report.md): held as a temporary file
// until the run's other outputs are in place, then renamed beside them; plots that cannot be
// drawn are reported as warnings on standard error.
#pragma once

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "smartnano/io/atomic_file.h"
#include "smartnano/report/report.h"

namespace smartnano::cli {

inline constexpr const char* kReportFile = "report.html";
inline constexpr const char* kNoReportHelp = "do not write report.html (the HTML report)";

// The rendered report in a temporary file in `out`; commit() it once the run's other files are
// written (if they fail, the temporary file is removed and no report appears).
class PendingReport {
 public:
  PendingReport(const report::Report& r, const std::string& out)
      : file_(
            std::make_unique<io::AtomicFile>((std::filesystem::path(out) / kReportFile).string())),
        warnings_(r.warnings()) {
    file_->stream() << r.html();
  }
  void commit(bool quiet) {
    file_->commit();
    for (const auto& w : warnings_) std::cerr << "smartnano: warning: report.html: " << w << '\n';
    if (!quiet) std::cout << fmt::format("Wrote {}\n", file_->path());
  }

 private:
  std::unique_ptr<io::AtomicFile> file_;
  std::vector<std::string> warnings_;
};

}  // namespace smartnano::cli
