#include "smartnano/simulation/dataset_binding.h"

#include <cctype>

#include <fmt/format.h>

#include "smartnano/core/error.h"
#include "smartnano/core/text.h"

namespace smartnano::simulation {

std::vector<SubjectInput> bind_dataset(const events::DataSet& data, const model::Model& model) {
  const auto& covariates = model.covariates();
  std::vector<int> column(covariates.size(), -1);
  for (std::size_t c = 0; c < covariates.size(); ++c) {
    const std::string upper = to_upper(covariates[c].name);
    column[c] = data.covariate_index(upper);
    if (column[c] < 0 && !covariates[c].default_value) {
      throw InputError(
          {data.file, 1, 0, upper},
          fmt::format("model '{}' needs column {} ({}), which the data set lacks{}", model.name(),
                      upper, covariates[c].description, did_you_mean(upper, data.covariate_names)));
    }
  }
  const std::size_t n_data = data.covariate_names.size();
  std::vector<SubjectInput> subjects;
  subjects.reserve(data.subjects.size());
  for (const auto& s : data.subjects) {
    SubjectInput in;
    in.id = s.id;
    in.records = s.records;
    in.source = data.file;
    in.covariates.reserve(s.records.size() * covariates.size());
    for (std::size_t r = 0; r < s.records.size(); ++r) {
      for (std::size_t c = 0; c < covariates.size(); ++c) {
        in.covariates.push_back(column[c] < 0 ? *covariates[c].default_value
                                              : s.covariates[r * n_data + column[c]]);
      }
    }
    subjects.push_back(std::move(in));
  }
  return subjects;
}

}  // namespace smartnano::simulation
