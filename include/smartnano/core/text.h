// Small text helpers shared by the readers of user input.
#pragma once

#include <string>
#include <string_view>

namespace smartnano {

// `s` without leading and trailing white space.
std::string trim(std::string_view s);

// ASCII upper case (data-set column names are matched case-insensitively).
std::string to_upper(std::string_view s);

// The whole content of a file. Throws InputError naming the file ("cannot open the <what> for
// reading") when it cannot be read.
std::string read_text_file(const std::string& path, std::string_view what = "file");

}  // namespace smartnano
