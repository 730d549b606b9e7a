// A small XML well-formedness checker for the plot tests (the machines that run the tests need
// not have xmllint): one root element, matched tags, quoted and unique attributes, and no '<' or
// bare '&' in text or attribute values. Not a validating parser: DTDs, CDATA and processing
// instructions other than the XML declaration are not accepted. Test-only.
#pragma once

#include <algorithm>
#include <cctype>
#include <regex>
#include <string>
#include <vector>

namespace smartnano::plot::test_util {

inline bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ':' ||
         c == '.';
}

// Checks an entity reference starting at s[i] == '&'; advances i past it.
inline bool valid_reference(const std::string& s, size_t& i, std::string& error) {
  const size_t semi = s.find(';', i);
  if (semi == std::string::npos || semi - i > 10) {
    error = "unterminated '&' at " + std::to_string(i);
    return false;
  }
  const std::string name = s.substr(i + 1, semi - i - 1);
  static const std::regex kReference("amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+");
  if (!std::regex_match(name, kReference)) {
    error = "bad reference &" + name + ";";
    return false;
  }
  i = semi + 1;
  return true;
}

// "" when `xml` is a well-formed document (one root element, matched tags, quoted attributes,
// no '<' or bare '&' in text or attribute values), else what is wrong.
inline std::string xml_problem(const std::string& xml) {
  size_t i = 0;
  if (xml.starts_with("<?xml")) {
    i = xml.find("?>");
    if (i == std::string::npos) return "unterminated XML declaration";
    i += 2;
  }
  std::vector<std::string> stack;
  int roots = 0;
  std::string error;
  while (i < xml.size()) {
    if (xml[i] != '<') {
      if (xml[i] == '&') {
        if (!valid_reference(xml, i, error)) return error;
        continue;
      }
      if (stack.empty() && !std::isspace(static_cast<unsigned char>(xml[i]))) {
        return "text outside the root element at " + std::to_string(i);
      }
      if (xml[i] == '>') return "bare '>' in text at " + std::to_string(i);
      ++i;
      continue;
    }
    if (xml.compare(i, 4, "<!--") == 0) {
      const size_t end = xml.find("-->", i);
      if (end == std::string::npos) return "unterminated comment";
      i = end + 3;
      continue;
    }
    const bool closing = i + 1 < xml.size() && xml[i + 1] == '/';
    size_t j = i + (closing ? 2 : 1);
    const size_t name_start = j;
    while (j < xml.size() && is_name_char(xml[j])) ++j;
    const std::string name = xml.substr(name_start, j - name_start);
    if (name.empty()) return "empty tag name at " + std::to_string(i);
    if (closing) {
      while (j < xml.size() && std::isspace(static_cast<unsigned char>(xml[j]))) ++j;
      if (j >= xml.size() || xml[j] != '>') return "bad end tag </" + name;
      if (stack.empty() || stack.back() != name) return "unmatched </" + name + ">";
      stack.pop_back();
      i = j + 1;
      continue;
    }
    std::vector<std::string> attributes;
    bool self_closing = false;
    while (true) {
      while (j < xml.size() && std::isspace(static_cast<unsigned char>(xml[j]))) ++j;
      if (j >= xml.size()) return "unterminated tag <" + name;
      if (xml[j] == '>') {
        ++j;
        break;
      }
      if (xml.compare(j, 2, "/>") == 0) {
        self_closing = true;
        j += 2;
        break;
      }
      const size_t attr_start = j;
      while (j < xml.size() && is_name_char(xml[j])) ++j;
      const std::string attr = xml.substr(attr_start, j - attr_start);
      if (attr.empty()) return "bad attribute in <" + name;
      if (std::find(attributes.begin(), attributes.end(), attr) != attributes.end()) {
        return "duplicate attribute " + attr + " in <" + name;
      }
      attributes.push_back(attr);
      if (j >= xml.size() || xml[j] != '=') return "attribute " + attr + " without '='";
      ++j;
      if (j >= xml.size() || (xml[j] != '"' && xml[j] != '\'')) {
        return "attribute " + attr + " not quoted";
      }
      const char quote = xml[j++];
      while (j < xml.size() && xml[j] != quote) {
        if (xml[j] == '<') return "'<' in attribute " + attr;
        if (xml[j] == '&') {
          if (!valid_reference(xml, j, error)) return error;
          continue;
        }
        ++j;
      }
      if (j >= xml.size()) return "unterminated attribute " + attr;
      ++j;
    }
    if (stack.empty()) ++roots;
    if (roots > 1) return "more than one root element";
    if (!self_closing) stack.push_back(name);
    i = j;
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (roots != 1) return "no root element";
  return "";
}

}  // namespace smartnano::plot::test_util
