// The text of every model file under models/, embedded at build time so the program runs
// from anywhere.
#pragma once

#include <string>
#include <vector>

namespace smartnano::model {

struct BuiltinModelText {
  std::string name;  // file stem
  std::string file;  // "models/<name>.yaml"
  std::string text;
};

const std::vector<BuiltinModelText>& builtin_model_texts();

}  // namespace smartnano::model
