// The bytes of a FASTQ file for count_fastq(): a plain file mapped into memory (or, when it
// cannot be mapped, such as a pipe, read in large blocks), or a gzip file (every member, as
// bgzip and `cat a.gz b.gz` write them) decompressed in a stream by ISA-L's igzip or by zlib, so
// a file of any size is read with a fixed amount of memory. Internal to the barcodes module.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "smartnano/barcodes/barcodes.h"

namespace smartnano::barcodes {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Fills up to n bytes of destination; fewer only at the end of the data. Throws InputError
  // naming the file for a read error or damaged gzip data (a bad deflate block, a CRC or length
  // mismatch, a stream cut short, bytes after the last member that start no new member).
  virtual std::size_t read(char* destination, std::size_t n) = 0;
  // Whether the file is gzip, and the decoder reading it (kAuto for a plain file).
  virtual bool gzip() const = 0;
  virtual GzipDecoder decoder() const = 0;
  // The whole file when it is mapped into memory (a plain, regular, non-empty file), else
  // empty; then read() is not used. Reading the mapping of a file that another process
  // shortens meanwhile ends the program with SIGBUS.
  virtual std::string_view mapped() const { return {}; }
  // Tells the system that mapped()[0, bytes) will not be read again, so that the pages leave
  // this process (they stay in the page cache); keeps the resident memory bounded.
  virtual void release(std::size_t /*bytes*/) {}
  // gzip: decompresses (and discards) the rest of the current member, so that its CRC-32 and
  // length are checked; throws InputError as read() does for damaged data. A FASTQ error in a
  // gzip file may come from damage that only the member's check reveals.
  virtual void finish_member() {}
};

// Opens `path` (gzip is recognised by its magic bytes 1f 8b, not the name). `decoder` kAuto
// means ISA-L when this build has it, else zlib. Throws InputError when the file cannot be
// opened, std::invalid_argument for kIsal in a build without ISA-L.
std::unique_ptr<ByteSource> open_source(const std::string& path, GzipDecoder decoder);

}  // namespace smartnano::barcodes
