#include "smartnano/events/record.h"

namespace smartnano::events {

bool evid_to_kind(int evid, RecordKind& kind) {
  switch (evid) {
    case 0:
      kind = RecordKind::kObservation;
      return true;
    case 1:
      kind = RecordKind::kDose;
      return true;
    case 2:
      kind = RecordKind::kOther;
      return true;
    case 3:
      kind = RecordKind::kReset;
      return true;
    case 4:
      kind = RecordKind::kResetAndDose;
      return true;
    default:
      return false;
  }
}

int kind_to_evid(RecordKind kind) {
  switch (kind) {
    case RecordKind::kObservation:
      return 0;
    case RecordKind::kDose:
      return 1;
    case RecordKind::kOther:
      return 2;
    case RecordKind::kReset:
      return 3;
    case RecordKind::kResetAndDose:
      return 4;
  }
  return -1;
}

int DataSet::covariate_index(const std::string& name) const {
  for (std::size_t i = 0; i < covariate_names.size(); ++i) {
    if (covariate_names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace smartnano::events
