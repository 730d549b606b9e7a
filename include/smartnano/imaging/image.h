// NIfTI images on disk as plain C++ volumes: read_volume() reads a NIfTI-1 or NIfTI-2 file
// (.nii, .nii.gz, or a .hdr/.img pair) with niftilib, applies the scl_slope / scl_inter scaling
// and converts the grid to millimetres (xyzt_units: m, mm or um); write_volume() writes one
// (used by the tests and the test-image generator). check_same_grid() says whether a mask was
// drawn on an image's grid. Bad files throw InputError naming the file and the header field.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smartnano::imaging {

// NIfTI xyzt_units, spatial part.
enum class SpatialUnit { kUnknown, kMeter, kMillimeter, kMicron };

// "m", "mm", "um" or "unknown".
std::string_view to_string(SpatialUnit unit);
// Millimetres per one unit (1000, 1, 0.001); 0 for kUnknown.
double millimetres_per(SpatialUnit unit);

// A 3-D scalar volume. Voxel (i, j, k) is values[i + nx * (j + ny * k)] (NIfTI order).
struct Volume {
  std::string path;                    // the file it was read from
  int nifti_version = 1;               // 1 or 2
  std::array<std::int64_t, 3> dims{};  // nx, ny, nz
  std::array<double, 3> spacing_mm{};  // pixdim[1..3] converted to mm
  // Voxel indices (i, j, k, 1) -> world coordinates in mm: the sform if sform_code > 0, else
  // the qform if qform_code > 0, else diag(spacing) (affine_source says which).
  std::array<std::array<double, 4>, 3> affine_mm{};
  std::string affine_source;                      // "sform", "qform" or "pixdim"
  SpatialUnit file_unit = SpatialUnit::kUnknown;  // as written in the header
  double scl_slope = 1.0;                         // as written (0 means "no scaling")
  double scl_inter = 0.0;
  std::vector<double> values;  // scaled: slope * stored + inter

  std::int64_t voxel_count() const { return dims[0] * dims[1] * dims[2]; }
  double voxel_volume_ml() const;
  std::int64_t index(std::int64_t i, std::int64_t j, std::int64_t k) const {
    return i + dims[0] * (j + dims[1] * k);
  }
  double at(std::int64_t i, std::int64_t j, std::int64_t k) const { return values[index(i, j, k)]; }
};

struct ReadOptions {
  // Used only when the header's spatial unit is unknown (xyzt_units & 7 == 0); kUnknown (the
  // default) makes such a file an error, since its volume cannot be known.
  SpatialUnit assume_unit = SpatialUnit::kUnknown;
};

// Reads a 3-D NIfTI-1 or NIfTI-2 image (a 4-D file with one time point is accepted). Throws
// InputError naming the file and field: missing or unreadable file, not NIfTI (or ANALYZE 7.5),
// more than one volume, complex / RGB data, unknown spatial units, zero, negative or non-finite
// spacing.
Volume read_volume(const std::string& path, const ReadOptions& options = {});

// NIfTI datatypes write_volume() can store.
enum class StoredType { kUint8, kInt16, kFloat32, kFloat64 };

struct WriteOptions {
  StoredType type = StoredType::kFloat32;
  SpatialUnit unit = SpatialUnit::kMillimeter;  // kUnknown writes xyzt_units = 0
  double scl_slope = 0.0;                       // written as is (0: no scaling)
  double scl_inter = 0.0;
  std::array<double, 3> origin{};  // world position of voxel (0,0,0), file units
  bool sform = true;               // sform_code 1 besides qform_code 1
};

// Writes `stored` (the raw values, before scaling, in NIfTI order) as a NIfTI-1 `path`; the name
// decides .nii or .nii.gz. `spacing` is in the file's unit (options.unit). Throws
// std::runtime_error if the file cannot be written, std::invalid_argument on a size mismatch.
void write_volume(const std::string& path, const std::array<std::int64_t, 3>& dims,
                  const std::array<double, 3>& spacing, const std::vector<double>& stored,
                  const WriteOptions& options = {});

// Throws InputError naming `other`'s file and the first field that differs from `reference`'s
// grid: the dimensions (dim[1..3]), the voxel spacing, or an entry of the voxel-to-mm affine
// (differing by more than tolerance_mm). `role` names `other` in the message ("mask",
// "baseline image").
void check_same_grid(const Volume& reference, const Volume& other, std::string_view role,
                     double tolerance_mm = 1e-3);

}  // namespace smartnano::imaging
