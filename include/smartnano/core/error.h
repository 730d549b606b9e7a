// Errors raised at the library boundary when input is wrong.
//
// Bad input (a scenario, model or data file that cannot be used) is reported by throwing
// InputError, which carries where the problem is: file, line, column and field. The CLI turns
// it into one message and a non-zero exit; library code never exits. A solve that fails for
// one patient is not an exception: it is a status in that patient's result.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace smartnano {

// Where an input value came from. Empty / zero members are unknown and left out of messages.
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown
  std::string field;

  // "file:line:column: field 'x'" with the unknown parts left out.
  std::string to_string() const;
};

// A problem in user input. what() is the full message, prefixed with the location.
class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, const std::string& message);
  const SourceLocation& where() const { return where_; }
  const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
};

// The candidate closest to `word` by edit distance, or "" when none is close enough to be a
// plausible typo (distance at most max(2, |word| / 3)).
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" - ready to append to a message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace smartnano
