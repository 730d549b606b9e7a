// Reading YAML input with locations: every accessor names file, line and field on error.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "smartnano/core/error.h"
#include "smartnano/core/units.h"

namespace smartnano::model {

// A YAML node with the file and the dotted path that led to it ("parameters.CL.unit").
class YamlInput {
 public:
  YamlInput(YAML::Node node, std::string file, std::string path,
            std::shared_ptr<const std::string> text = nullptr)
      : node_(std::move(node)),
        file_(std::move(file)),
        path_(std::move(path)),
        text_(std::move(text)) {}

  // Parses text; a syntax error becomes an InputError with file and line.
  static YamlInput parse(const std::string& text, const std::string& file);

  const YAML::Node& node() const { return node_; }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  SourceLocation where() const;

  bool is_map() const { return node_.IsMap(); }
  bool is_scalar() const { return node_.IsScalar(); }
  bool is_sequence() const { return node_.IsSequence(); }

  // Throws unless this is a map whose keys are all in `allowed` (unknown key: did you mean).
  void expect_keys(const std::vector<std::string>& allowed) const;
  bool has(const std::string& key) const;
  YamlInput operator[](const std::string& key) const;              // throws when missing
  std::vector<std::pair<std::string, YamlInput>> entries() const;  // map, in file order
  std::vector<YamlInput> items() const;                            // sequence

  std::string as_string() const;
  double as_double() const;
  long as_integer() const;
  bool as_bool() const;  // true or false
  units::Unit as_unit() const;
  units::Quantity as_quantity() const;  // "2 L/h" or a bare number (dimensionless)

  [[noreturn]] void fail(const std::string& message) const;

  // Where character `offset` (0-based) of this scalar's value sits in the file: plain scalars
  // start at the node's mark, quoted ones one column later; for block scalars (| or >) the
  // column is unknown and the node's own location is returned.
  SourceLocation where_in_value(int offset) const;

 private:
  YAML::Node node_;
  std::string file_;
  std::string path_;
  std::shared_ptr<const std::string> text_;  // the whole file, to place columns
};

}  // namespace smartnano::model
