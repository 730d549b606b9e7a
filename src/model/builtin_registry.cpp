#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/builtin_models.h"
#include "smartnano/model/model.h"

namespace smartnano::model {

std::vector<std::string> builtin_model_names() {
  std::vector<std::string> names;
  for (const auto& m : builtin_model_texts()) names.push_back(m.name);
  return names;
}

ModelPtr load_builtin_model(const std::string& name) {
  for (const auto& m : builtin_model_texts()) {
    if (m.name == name) return Model::load_text(m.text, m.file);
  }
  throw InputError({"", 0, 0, "model"},
                   fmt::format("no built-in model '{}'{}; built-in models: {}", name,
                               did_you_mean(name, builtin_model_names()),
                               fmt::format("{}", fmt::join(builtin_model_names(), ", "))));
}

ModelPtr load_model(const std::string& path_or_name) {
  const bool looks_like_path = path_or_name.find('/') != std::string::npos ||
                               path_or_name.ends_with(".yaml") || path_or_name.ends_with(".yml");
  if (looks_like_path || std::filesystem::exists(path_or_name)) {
    if (!std::filesystem::exists(path_or_name)) {
      throw InputError({path_or_name, 0, 0, ""}, "model file not found");
    }
    return Model::load_file(path_or_name);
  }
  return load_builtin_model(path_or_name);
}

}  // namespace smartnano::model
