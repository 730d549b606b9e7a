#include "smartnano/io/atomic_file.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

namespace smartnano::io {

namespace fs = std::filesystem;

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  const fs::path target(path_);
  if (target.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      throw std::runtime_error(fmt::format("{}: cannot create folder {}: {}", path_,
                                           target.parent_path().string(), ec.message()));
    }
  }
  // Unique per process and per call, so parallel writers never share a temporary.
  static std::atomic<unsigned> counter{0};
  temporary_ = fmt::format("{}.tmp-{}-{}", path_, ::getpid(), counter++);
  out_.open(temporary_, std::ios::binary | std::ios::trunc);
  if (!out_) throw std::runtime_error(fmt::format("{}: cannot open for writing", path_));
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    out_.close();
    std::error_code ec;
    fs::remove(temporary_, ec);
  }
}

void AtomicFile::commit() {
  out_.flush();
  const bool ok = static_cast<bool>(out_);
  out_.close();
  if (!ok) throw std::runtime_error(fmt::format("{}: write failed", path_));
  std::error_code ec;
  fs::rename(temporary_, path_, ec);
  if (ec)
    throw std::runtime_error(fmt::format("{}: cannot move into place: {}", path_, ec.message()));
  committed_ = true;
}

void write_file_atomically(const std::string& path, const std::string& content) {
  AtomicFile file(path);
  file.stream() << content;
  file.commit();
}

}  // namespace smartnano::io
