// Writing output files all-or-nothing: content goes to a temporary file beside the target,
// which is renamed over the target only on commit(). A run that fails or is interrupted
// leaves no half-written file behind.
#pragma once

#include <fstream>
#include <string>

namespace smartnano::io {

class AtomicFile {
 public:
  // Opens "<path>.tmp-<unique>" in the target's folder (created if missing). Throws
  // std::runtime_error naming the path if it cannot be opened.
  explicit AtomicFile(std::string path);
  ~AtomicFile();  // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return out_; }
  const std::string& path() const { return path_; }
  // Flushes, closes and renames onto the target. Throws std::runtime_error on failure.
  void commit();

 private:
  std::string path_;
  std::string temporary_;
  std::ofstream out_;
  bool committed_ = false;
};

// Writes `content` to `path` atomically.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace smartnano::io
