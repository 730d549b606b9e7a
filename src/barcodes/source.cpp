// Plain and gzip byte sources. A gzip file is a series of members; each is inflated by an
// Inflater (ISA-L or zlib) straight into the caller's buffer, reading the compressed file in
// 4 MiB blocks. Between members only the gzip magic bytes or zero padding to the end of the file
// may follow; anything else, a member cut short, or a decoder error is damaged data.
#include "barcodes/source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <zlib.h>
#ifdef SMARTNANO_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "smartnano/core/error.h"

namespace smartnano::barcodes {
namespace {

// A file descriptor read with ::read, closed on destruction.
class File {
 public:
  explicit File(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      throw InputError({path, 0, 0, ""}, fmt::format("cannot open the FASTQ file for reading: {}",
                                                     std::strerror(errno)));
    }
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  }
  ~File() { ::close(fd_); }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  // Up to n bytes; fewer only at the end of the file.
  std::size_t read(void* destination, std::size_t n) {
    std::size_t total = 0;
    while (total < n) {
      const ssize_t got = ::read(fd_, static_cast<char*>(destination) + total,
                                 std::min<std::size_t>(n - total, std::size_t{1} << 30));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        throw InputError({path_, 0, 0, ""},
                         fmt::format("read error in the FASTQ file: {}", std::strerror(errno)));
      }
      if (got == 0) break;
      total += static_cast<std::size_t>(got);
    }
    return total;
  }
  const std::string& path() const { return path_; }
  int descriptor() const { return fd_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// A regular file mapped read-only, or nothing (size 0) when it cannot be.
class Mapping {
 public:
  explicit Mapping(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return;
    void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) return;
    data_ = static_cast<char*>(p);
    size_ = static_cast<std::size_t>(st.st_size);
    ::madvise(data_, size_, MADV_SEQUENTIAL);
  }
  ~Mapping() {
    if (data_) ::munmap(data_, size_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  std::string_view bytes() const { return {data_, size_}; }
  void release(std::size_t bytes) {
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t end = std::min(bytes, size_) / page * page;
    if (end > released_) ::madvise(data_ + released_, end - released_, MADV_DONTNEED);
    released_ = std::max(released_, end);
  }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t released_ = 0;
};

class PlainSource final : public ByteSource {
 public:
  PlainSource(std::unique_ptr<File> file, const unsigned char* head, std::size_t head_size)
      : file_(std::move(file)), mapping_(file_->descriptor()), head_(head, head + head_size) {}
  std::size_t read(char* destination, std::size_t n) override {
    std::size_t total = std::min(n, head_.size() - head_used_);
    std::memcpy(destination, head_.data() + head_used_, total);
    head_used_ += total;
    return total + file_->read(destination + total, n - total);
  }
  bool gzip() const override { return false; }
  GzipDecoder decoder() const override { return GzipDecoder::kAuto; }
  std::string_view mapped() const override { return mapping_.bytes(); }
  void release(std::size_t bytes) override { mapping_.release(bytes); }

 private:
  std::unique_ptr<File> file_;
  Mapping mapping_;
  std::vector<unsigned char> head_;
  std::size_t head_used_ = 0;
};

// Inflates one gzip member at a time (header, deflate data, CRC-32 and length checked).
class Inflater {
 public:
  virtual ~Inflater() = default;
  // Inflates from [in, in + in_left) into [out, out + out_left), advancing in and in_left and
  // adding the bytes written to `produced`. Returns true when the member has ended (its trailer
  // checked). Throws std::runtime_error with the decoder's reason for damaged data.
  virtual bool step(const unsigned char*& in, std::size_t& in_left, char* out, std::size_t out_left,
                    std::size_t& produced) = 0;
  // Gets ready for the next member.
  virtual void reset() = 0;
};

class ZlibInflater final : public Inflater {
 public:
  ZlibInflater() {
    if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
  }
  ~ZlibInflater() override { inflateEnd(&z_); }
  bool step(const unsigned char*& in, std::size_t& in_left, char* out, std::size_t out_left,
            std::size_t& produced) override {
    // zlib counts in 32-bit unsigned; feed at most 1 GiB at a time.
    const uInt in_size = static_cast<uInt>(std::min<std::size_t>(in_left, 1u << 30));
    const uInt out_size = static_cast<uInt>(std::min<std::size_t>(out_left, 1u << 30));
    z_.next_in = const_cast<Bytef*>(in);
    z_.avail_in = in_size;
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = out_size;
    const int code = inflate(&z_, Z_NO_FLUSH);
    in += in_size - z_.avail_in;
    in_left -= in_size - z_.avail_in;
    produced += out_size - z_.avail_out;
    if (code == Z_STREAM_END) return true;
    if (code == Z_OK || code == Z_BUF_ERROR) return false;
    throw std::runtime_error(z_.msg ? z_.msg : fmt::format("zlib error {}", code));
  }
  void reset() override { inflateReset(&z_); }

 private:
  z_stream z_{};
};

#ifdef SMARTNANO_HAVE_ISAL
class IsalInflater final : public Inflater {
 public:
  IsalInflater() { reset(); }
  bool step(const unsigned char*& in, std::size_t& in_left, char* out, std::size_t out_left,
            std::size_t& produced) override {
    const std::uint32_t in_size =
        static_cast<std::uint32_t>(std::min<std::size_t>(in_left, 1u << 30));
    const std::uint32_t out_size =
        static_cast<std::uint32_t>(std::min<std::size_t>(out_left, 1u << 30));
    state_.next_in = const_cast<std::uint8_t*>(in);
    state_.avail_in = in_size;
    state_.next_out = reinterpret_cast<std::uint8_t*>(out);
    state_.avail_out = out_size;
    const int code = isal_inflate(&state_);
    in += in_size - state_.avail_in;
    in_left -= in_size - state_.avail_in;
    produced += out_size - state_.avail_out;
    if (code < 0) throw std::runtime_error(reason(code));
    return state_.block_state == ISAL_BLOCK_FINISH;
  }
  void reset() override {
    isal_inflate_init(&state_);
    state_.crc_flag = ISAL_GZIP;  // parse the header, check CRC-32 and length
  }

 private:
  static std::string reason(int code) {
    switch (code) {
      case ISAL_INVALID_BLOCK:
        return "invalid deflate block";
      case ISAL_INVALID_SYMBOL:
        return "invalid deflate symbol";
      case ISAL_INVALID_LOOKBACK:
        return "invalid distance too far back";
      case ISAL_INVALID_WRAPPER:
        return "invalid gzip header";
      case ISAL_UNSUPPORTED_METHOD:
        return "unsupported compression method";
      case ISAL_INCORRECT_CHECKSUM:
        return "incorrect data check (CRC-32 or length)";
      default:
        return fmt::format("igzip error {}", code);
    }
  }
  inflate_state state_{};
};
#endif

class GzipSource final : public ByteSource {
 public:
  GzipSource(std::unique_ptr<File> file, const unsigned char* head, std::size_t head_size,
             GzipDecoder decoder)
      : file_(std::move(file)), decoder_(decoder), buffer_(kInputBlock) {
    std::memcpy(buffer_.data(), head, head_size);
    in_ = buffer_.data();
    in_left_ = head_size;
#ifdef SMARTNANO_HAVE_ISAL
    if (decoder == GzipDecoder::kIsal) inflater_ = std::make_unique<IsalInflater>();
#endif
    if (!inflater_) inflater_ = std::make_unique<ZlibInflater>();
  }

  std::size_t read(char* destination, std::size_t n) override {
    std::size_t total = 0;
    while (total < n && !done_) {
      if (between_members_ && !next_member()) {
        done_ = true;
        break;
      }
      if (in_left_ == 0 && !eof_) refill();
      std::size_t produced = 0;
      bool member_end = false;
      try {
        member_end = inflater_->step(in_, in_left_, destination + total, n - total, produced);
      } catch (const std::runtime_error& e) {
        throw damaged(e.what());
      }
      total += produced;
      if (member_end) {
        between_members_ = true;
        ++members_;
      } else if (produced == 0 && in_left_ == 0 && eof_) {
        throw damaged("the file is truncated (it ends inside a gzip member)");
      }
    }
    return total;
  }
  bool gzip() const override { return true; }
  GzipDecoder decoder() const override { return decoder_; }
  void finish_member() override {
    std::vector<char> scratch(std::size_t{1} << 16);
    const long long member = members_;
    while (members_ == member && !done_ && !between_members_) read(scratch.data(), scratch.size());
  }

 private:
  static constexpr std::size_t kInputBlock = std::size_t{4} << 20;

  // Moves the unread input to the front of the buffer and reads more behind it.
  void refill() {
    consumed_ += static_cast<std::size_t>(in_ - buffer_.data());
    std::memmove(buffer_.data(), in_, in_left_);
    in_ = buffer_.data();
    const std::size_t want = buffer_.size() - in_left_;
    const std::size_t got = file_->read(buffer_.data() + in_left_, want);
    in_left_ += got;
    if (got < want) eof_ = true;
  }

  // After a member: true if another one starts, false at the end of the file (zero padding
  // allowed); throws for anything else.
  bool next_member() {
    if (in_left_ < 2 && !eof_) refill();
    if (in_left_ == 0) return false;
    if (in_left_ >= 2 && in_[0] == 0x1f && in_[1] == 0x8b) {
      inflater_->reset();
      between_members_ = false;
      return true;
    }
    while (true) {
      if (std::any_of(in_, in_ + in_left_, [](unsigned char c) { return c != 0; })) {
        throw damaged("bytes after the end of a gzip member that start no new member");
      }
      in_ += in_left_;
      in_left_ = 0;
      if (eof_) return false;
      refill();
    }
  }

  InputError damaged(const std::string& reason) const {
    const std::size_t offset = consumed_ + static_cast<std::size_t>(in_ - buffer_.data());
    return InputError({file_->path(), 0, 0, ""},
                      fmt::format("damaged gzip data near compressed byte {}: {}", offset, reason));
  }

  std::unique_ptr<File> file_;
  GzipDecoder decoder_;
  std::unique_ptr<Inflater> inflater_;
  std::vector<unsigned char> buffer_;
  const unsigned char* in_ = nullptr;
  std::size_t in_left_ = 0;
  std::size_t consumed_ = 0;  // compressed bytes before buffer_[0]
  bool eof_ = false;
  bool between_members_ = false;
  bool done_ = false;
  long long members_ = 0;  // members decompressed to their end
};

}  // namespace

bool isal_available() {
#ifdef SMARTNANO_HAVE_ISAL
  return true;
#else
  return false;
#endif
}

std::unique_ptr<ByteSource> open_source(const std::string& path, GzipDecoder decoder) {
  if (decoder == GzipDecoder::kIsal && !isal_available()) {
    throw std::invalid_argument(
        "this smartnano was built without ISA-L (libisal-dev): use the zlib gzip decoder");
  }
  auto file = std::make_unique<File>(path);
  unsigned char head[2] = {0, 0};
  const std::size_t got = file->read(head, 2);
  if (got == 2 && head[0] == 0x1f && head[1] == 0x8b) {
    if (decoder == GzipDecoder::kAuto) {
      decoder = isal_available() ? GzipDecoder::kIsal : GzipDecoder::kZlib;
    }
    return std::make_unique<GzipSource>(std::move(file), head, got, decoder);
  }
  return std::make_unique<PlainSource>(std::move(file), head, got);
}

}  // namespace smartnano::barcodes
