#include "model/yaml_input.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace smartnano::model {

YamlInput YamlInput::parse(const std::string& text, const std::string& file) {
  try {
    return YamlInput(YAML::Load(text), file, "", std::make_shared<const std::string>(text));
  } catch (const YAML::Exception& e) {
    throw InputError({file, e.mark.line + 1, e.mark.column + 1, ""},
                     fmt::format("YAML syntax error: {}", e.msg));
  }
}

SourceLocation YamlInput::where() const {
  const YAML::Mark mark = node_.Mark();
  const bool known = !mark.is_null() && mark.line >= 0;
  return {file_, known ? mark.line + 1 : 0, known ? mark.column + 1 : 0, path_};
}

void YamlInput::fail(const std::string& message) const { throw InputError(where(), message); }

SourceLocation YamlInput::where_in_value(int offset) const {
  SourceLocation at = where();
  if (!text_ || at.line == 0 || at.column == 0) return at;
  // Find the character at the node's mark.
  std::size_t pos = 0;
  for (int line = 1; line < at.line && pos != std::string::npos; ++line) {
    pos = text_->find('\n', pos);
    if (pos != std::string::npos) ++pos;
  }
  if (pos == std::string::npos) return at;
  pos += static_cast<std::size_t>(at.column - 1);
  if (pos >= text_->size()) return at;
  const char first = (*text_)[pos];
  if (first == '|' || first == '>') return at;
  at.column += offset + ((first == '"' || first == '\'') ? 1 : 0);
  return at;
}

void YamlInput::expect_keys(const std::vector<std::string>& allowed) const {
  if (!node_.IsMap()) fail(fmt::format("expected a map of keys ({})", fmt::join(allowed, ", ")));
  for (const auto& entry : node_) {
    const std::string key = entry.first.as<std::string>();
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == key;
    if (!ok) {
      const YAML::Mark mark = entry.first.Mark();
      throw InputError(
          {file_, mark.line + 1, mark.column + 1, path_.empty() ? key : path_ + "." + key},
          fmt::format("unknown key '{}'{}; allowed here: {}", key, did_you_mean(key, allowed),
                      fmt::join(allowed, ", ")));
    }
  }
}

bool YamlInput::has(const std::string& key) const { return node_.IsMap() && node_[key]; }

YamlInput YamlInput::operator[](const std::string& key) const {
  const std::string child_path = path_.empty() ? key : path_ + "." + key;
  if (!has(key)) fail(fmt::format("missing required key '{}'", key));
  return YamlInput(node_[key], file_, child_path, text_);
}

std::vector<std::pair<std::string, YamlInput>> YamlInput::entries() const {
  if (!node_.IsMap()) fail("expected a map (name: value entries)");
  std::vector<std::pair<std::string, YamlInput>> out;
  for (const auto& entry : node_) {
    const std::string key = entry.first.as<std::string>();
    out.emplace_back(
        key, YamlInput(entry.second, file_, path_.empty() ? key : path_ + "." + key, text_));
  }
  return out;
}

std::vector<YamlInput> YamlInput::items() const {
  if (!node_.IsSequence()) fail("expected a list");
  std::vector<YamlInput> out;
  for (std::size_t i = 0; i < node_.size(); ++i) {
    out.emplace_back(node_[i], file_, fmt::format("{}[{}]", path_, i), text_);
  }
  return out;
}

std::string YamlInput::as_string() const {
  if (!node_.IsScalar()) fail("expected a single value (text or number)");
  return node_.Scalar();
}

double YamlInput::as_double() const {
  const std::string s = as_string();
  double v = 0;
  const char* begin = s.data();
  if (!s.empty() && *begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) {
    fail(fmt::format("'{}' is not a number", s));
  }
  return v;
}

long YamlInput::as_integer() const {
  const double v = as_double();
  if (v != std::floor(v)) fail(fmt::format("'{}' is not a whole number", as_string()));
  return static_cast<long>(v);
}

bool YamlInput::as_bool() const {
  const std::string s = as_string();
  if (s == "true") return true;
  if (s == "false") return false;
  fail(fmt::format("'{}' is not true or false", s));
}

units::Unit YamlInput::as_unit() const {
  try {
    return units::parse_unit(as_string());
  } catch (const units::UnitError& e) {
    fail(e.what());
  }
}

units::Quantity YamlInput::as_quantity() const {
  try {
    return units::parse_quantity(as_string());
  } catch (const units::UnitError& e) {
    fail(e.what());
  }
}

}  // namespace smartnano::model
