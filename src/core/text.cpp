#include "smartnano/core/text.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "smartnano/core/error.h"

namespace smartnano {

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

std::string read_text_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError({path, 0, 0, ""}, "cannot open the " + std::string(what) + " for reading");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace smartnano
