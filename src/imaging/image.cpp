// NIfTI reading and writing through niftilib's nifti2_io API (reads NIfTI-1 and NIfTI-2).
#include "smartnano/imaging/image.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <nifti2_io.h>
#include <zlib.h>

#include "smartnano/core/error.h"

namespace smartnano::imaging {
namespace {

struct NiftiFree {
  void operator()(nifti_image* nim) const { nifti_image_free(nim); }
};
using NiftiPtr = std::unique_ptr<nifti_image, NiftiFree>;

[[noreturn]] void fail(const std::string& path, const std::string& field,
                       const std::string& message) {
  throw InputError(SourceLocation{path, 0, 0, field}, message);
}

SpatialUnit unit_from_code(int code) {
  switch (code) {
    case NIFTI_UNITS_METER:
      return SpatialUnit::kMeter;
    case NIFTI_UNITS_MM:
      return SpatialUnit::kMillimeter;
    case NIFTI_UNITS_MICRON:
      return SpatialUnit::kMicron;
    default:
      return SpatialUnit::kUnknown;
  }
}

int code_from_unit(SpatialUnit unit) {
  switch (unit) {
    case SpatialUnit::kMeter:
      return NIFTI_UNITS_METER;
    case SpatialUnit::kMillimeter:
      return NIFTI_UNITS_MM;
    case SpatialUnit::kMicron:
      return NIFTI_UNITS_MICRON;
    case SpatialUnit::kUnknown:
      break;
  }
  return NIFTI_UNITS_UNKNOWN;
}

template <typename T>
void convert_stored(const void* data, std::int64_t n, std::vector<double>& out) {
  const T* p = static_cast<const T*>(data);
  for (std::int64_t v = 0; v < n; ++v) out[v] = static_cast<double>(p[v]);
}

// The stored values as doubles; throws for datatypes that are not one real number per voxel.
std::vector<double> stored_values(const nifti_image& nim, std::int64_t n, const std::string& path) {
  std::vector<double> out(n);
  const void* d = nim.data;
  switch (nim.datatype) {
    case DT_UINT8:
      convert_stored<std::uint8_t>(d, n, out);
      break;
    case DT_INT8:
      convert_stored<std::int8_t>(d, n, out);
      break;
    case DT_INT16:
      convert_stored<std::int16_t>(d, n, out);
      break;
    case DT_UINT16:
      convert_stored<std::uint16_t>(d, n, out);
      break;
    case DT_INT32:
      convert_stored<std::int32_t>(d, n, out);
      break;
    case DT_UINT32:
      convert_stored<std::uint32_t>(d, n, out);
      break;
    case DT_INT64:
      convert_stored<std::int64_t>(d, n, out);
      break;
    case DT_UINT64:
      convert_stored<std::uint64_t>(d, n, out);
      break;
    case DT_FLOAT32:
      convert_stored<float>(d, n, out);
      break;
    case DT_FLOAT64:
      convert_stored<double>(d, n, out);
      break;
    default:
      fail(path, "datatype",
           fmt::format("datatype {} ({}) is not supported: expected one real number per voxel",
                       nim.datatype, nifti_datatype_string(nim.datatype)));
  }
  return out;
}

// The NIfTI version (1 or 2) from the first 4 bytes (sizeof_hdr 348 or 540, either byte order),
// read through zlib so that .nii.gz works; 0 if neither.
int nifti_version_of(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) fail(path, "", "cannot open file");
  unsigned char b[4] = {};
  const int n = gzread(f, b, 4);
  gzclose(f);
  if (n != 4) return 0;
  const std::uint32_t little = b[0] | (b[1] << 8) | (b[2] << 16) | (std::uint32_t{b[3]} << 24);
  const std::uint32_t big = b[3] | (b[2] << 8) | (b[1] << 16) | (std::uint32_t{b[0]} << 24);
  if (little == 348 || big == 348) return 1;
  if (little == 540 || big == 540) return 2;
  return 0;
}

// Checks the header as written: the magic (ANALYZE 7.5 files have none) and the spacing, which
// niftilib would silently replace by its absolute value or 1 when zero or negative.
void check_raw_header(const std::string& path) {
  int version = 0;
  void* raw = nifti_read_header(path.c_str(), &version, 1);
  if (!raw) fail(path, "", "cannot read the NIfTI header (truncated file?)");
  double pixdim[3] = {};
  bool analyze = false;
  if (version == 2) {
    const auto* h = static_cast<const nifti_2_header*>(raw);
    for (int a = 0; a < 3; ++a) pixdim[a] = h->pixdim[a + 1];
  } else {
    const auto* h = static_cast<const nifti_1_header*>(raw);
    for (int a = 0; a < 3; ++a) pixdim[a] = h->pixdim[a + 1];
    analyze = NIFTI_VERSION(*h) == 0;
  }
  std::free(raw);
  if (analyze) {
    fail(path, "magic", "an ANALYZE 7.5 file, not NIfTI: it has no spatial units or orientation");
  }
  for (int a = 0; a < 3; ++a) {
    if (!(std::isfinite(pixdim[a]) && pixdim[a] > 0)) {
      fail(path, fmt::format("pixdim[{}]", a + 1),
           fmt::format("voxel spacing {} along axis {}: it must be positive", pixdim[a], a + 1));
    }
  }
}

}  // namespace

std::string_view to_string(SpatialUnit unit) {
  switch (unit) {
    case SpatialUnit::kMeter:
      return "m";
    case SpatialUnit::kMillimeter:
      return "mm";
    case SpatialUnit::kMicron:
      return "um";
    case SpatialUnit::kUnknown:
      break;
  }
  return "unknown";
}

double millimetres_per(SpatialUnit unit) {
  switch (unit) {
    case SpatialUnit::kMeter:
      return 1000.0;
    case SpatialUnit::kMillimeter:
      return 1.0;
    case SpatialUnit::kMicron:
      return 1e-3;
    case SpatialUnit::kUnknown:
      break;
  }
  return 0.0;
}

double Volume::voxel_volume_ml() const {
  return spacing_mm[0] * spacing_mm[1] * spacing_mm[2] / 1000.0;
}

Volume read_volume(const std::string& path, const ReadOptions& options) {
  if (!std::ifstream(path, std::ios::binary)) fail(path, "", "cannot open file");
  const int version = nifti_version_of(path);
  if (version == 0) fail(path, "", "not a NIfTI file (no NIfTI-1 or NIfTI-2 header)");
  check_raw_header(path);
  NiftiPtr nim(nifti_image_read(path.c_str(), 1));
  if (!nim || !nim->data) {
    fail(path, "", "niftilib could not read the image (truncated or corrupt file?)");
  }
  Volume v;
  v.path = path;
  v.nifti_version = version;
  for (int d = 4; d <= 7; ++d) {
    if (nim->dim[0] >= d && nim->dim[d] > 1) {
      fail(path, fmt::format("dim[{}]", d),
           fmt::format("{} volumes along dimension {}: expected one 3-D volume", nim->dim[d], d));
    }
  }
  v.dims = {nim->nx, nim->ny, nim->nz};
  for (int a = 0; a < 3; ++a) {
    if (v.dims[a] < 1) {
      fail(path, fmt::format("dim[{}]", a + 1), fmt::format("dimension {} is empty", a + 1));
    }
  }

  v.file_unit = unit_from_code(nim->xyz_units);
  SpatialUnit unit = v.file_unit;
  if (unit == SpatialUnit::kUnknown) {
    if (options.assume_unit == SpatialUnit::kUnknown) {
      fail(path, "xyzt_units",
           fmt::format("no spatial unit (xyzt_units = {}): the voxel volume is unknown; say the "
                       "unit (e.g. --assume-units mm) if you know it",
                       nim->xyz_units));
    }
    unit = options.assume_unit;
  }
  const double mm = millimetres_per(unit);
  const double spacing[3] = {nim->dx, nim->dy, nim->dz};
  for (int a = 0; a < 3; ++a) {
    if (!(std::isfinite(spacing[a]) && spacing[a] > 0)) {
      fail(path, fmt::format("pixdim[{}]", a + 1),
           fmt::format("voxel spacing {} along axis {}: it must be positive", spacing[a], a + 1));
    }
    v.spacing_mm[a] = spacing[a] * mm;
  }

  const nifti_dmat44* m = nullptr;
  if (nim->sform_code > 0) {
    m = &nim->sto_xyz;
    v.affine_source = "sform";
  } else if (nim->qform_code > 0) {
    m = &nim->qto_xyz;
    v.affine_source = "qform";
  } else {
    v.affine_source = "pixdim";
  }
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 4; ++c) {
      const double e = m ? m->m[r][c] : (r == c ? spacing[r] : 0.0);
      if (!std::isfinite(e)) {
        fail(path, v.affine_source, fmt::format("affine entry ({}, {}) is not finite", r, c));
      }
      v.affine_mm[r][c] = e * mm;
    }
  }

  v.values = stored_values(*nim, nim->nvox, path);
  v.scl_slope = nim->scl_slope;
  v.scl_inter = nim->scl_inter;
  if (v.scl_slope != 0.0 && std::isfinite(v.scl_slope)) {
    if (!std::isfinite(v.scl_inter)) {
      fail(path, "scl_inter", fmt::format("scl_inter {} is not finite", v.scl_inter));
    }
    for (double& x : v.values) x = v.scl_slope * x + v.scl_inter;
  }
  return v;
}

void write_volume(const std::string& path, const std::array<std::int64_t, 3>& dims,
                  const std::array<double, 3>& spacing, const std::vector<double>& stored,
                  const WriteOptions& options) {
  const std::int64_t n = dims[0] * dims[1] * dims[2];
  if (n <= 0 || static_cast<std::int64_t>(stored.size()) != n) {
    throw std::invalid_argument(fmt::format("write_volume({}): {} values for a {}x{}x{} grid", path,
                                            stored.size(), dims[0], dims[1], dims[2]));
  }
  int datatype = DT_FLOAT32;
  switch (options.type) {
    case StoredType::kUint8:
      datatype = DT_UINT8;
      break;
    case StoredType::kInt16:
      datatype = DT_INT16;
      break;
    case StoredType::kFloat32:
      datatype = DT_FLOAT32;
      break;
    case StoredType::kFloat64:
      datatype = DT_FLOAT64;
      break;
  }
  const int64_t nifti_dims[8] = {3, dims[0], dims[1], dims[2], 1, 1, 1, 1};
  NiftiPtr nim(nifti_make_new_nim(nifti_dims, datatype, 1));
  if (!nim) throw std::runtime_error(fmt::format("cannot create a NIfTI image for {}", path));
  for (std::int64_t v = 0; v < n; ++v) {
    const double x = stored[v];
    switch (options.type) {
      case StoredType::kUint8:
        static_cast<std::uint8_t*>(nim->data)[v] = static_cast<std::uint8_t>(x);
        break;
      case StoredType::kInt16:
        static_cast<std::int16_t*>(nim->data)[v] = static_cast<std::int16_t>(x);
        break;
      case StoredType::kFloat32:
        static_cast<float*>(nim->data)[v] = static_cast<float>(x);
        break;
      case StoredType::kFloat64:
        static_cast<double*>(nim->data)[v] = x;
        break;
    }
  }
  nim->dx = nim->pixdim[1] = spacing[0];
  nim->dy = nim->pixdim[2] = spacing[1];
  nim->dz = nim->pixdim[3] = spacing[2];
  nim->xyz_units = code_from_unit(options.unit);
  nim->time_units = NIFTI_UNITS_UNKNOWN;
  nim->scl_slope = options.scl_slope;
  nim->scl_inter = options.scl_inter;
  nim->qform_code = NIFTI_XFORM_SCANNER_ANAT;
  nim->quatern_b = nim->quatern_c = nim->quatern_d = 0.0;
  nim->qfac = 1.0;
  nim->qoffset_x = options.origin[0];
  nim->qoffset_y = options.origin[1];
  nim->qoffset_z = options.origin[2];
  nim->qto_xyz = nifti_quatern_to_dmat44(0, 0, 0, options.origin[0], options.origin[1],
                                         options.origin[2], spacing[0], spacing[1], spacing[2], 1);
  nim->qto_ijk = nifti_dmat44_inverse(nim->qto_xyz);
  nim->sform_code = options.sform ? NIFTI_XFORM_SCANNER_ANAT : NIFTI_XFORM_UNKNOWN;
  nim->sto_xyz = nim->qto_xyz;
  nim->sto_ijk = nim->qto_ijk;
  if (nifti_set_filenames(nim.get(), path.c_str(), 0, 1) != 0) {
    throw std::runtime_error(fmt::format("cannot write {}: not a NIfTI file name", path));
  }
  nim->nifti_type = NIFTI_FTYPE_NIFTI1_1;
  std::error_code ec;
  std::filesystem::remove(path, ec);
  nifti_image_write(nim.get());
  if (!std::filesystem::exists(path, ec) || std::filesystem::file_size(path, ec) == 0) {
    throw std::runtime_error(fmt::format("cannot write {}", path));
  }
}

void check_same_grid(const Volume& reference, const Volume& other, std::string_view role,
                     double tolerance_mm) {
  static constexpr const char* kAxis[3] = {"x", "y", "z"};
  for (int a = 0; a < 3; ++a) {
    if (reference.dims[a] != other.dims[a]) {
      fail(other.path, fmt::format("dim[{}]", a + 1),
           fmt::format("the {} is {}x{}x{} voxels but the image {} is {}x{}x{}: dimension {} "
                       "({}) differs",
                       role, other.dims[0], other.dims[1], other.dims[2], reference.path,
                       reference.dims[0], reference.dims[1], reference.dims[2], a + 1, kAxis[a]));
    }
  }
  for (int a = 0; a < 3; ++a) {
    if (std::abs(reference.spacing_mm[a] - other.spacing_mm[a]) > tolerance_mm) {
      fail(other.path, fmt::format("pixdim[{}]", a + 1),
           fmt::format("the {}'s voxel spacing along {} is {} mm but the image's is {} mm", role,
                       kAxis[a], other.spacing_mm[a], reference.spacing_mm[a]));
    }
  }
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 4; ++c) {
      const double d = std::abs(reference.affine_mm[r][c] - other.affine_mm[r][c]);
      if (d > tolerance_mm) {
        const std::string what = c == 3 ? fmt::format("origin {}", kAxis[r])
                                        : fmt::format("row {} column {}", r + 1, c + 1);
        fail(other.path, other.affine_source,
             fmt::format("the {}'s voxel-to-world affine ({}) differs from the image's ({}) at "
                         "{}: {} mm vs {} mm (tolerance {} mm)",
                         role, other.affine_source, reference.affine_source, what,
                         other.affine_mm[r][c], reference.affine_mm[r][c], tolerance_mm));
      }
    }
  }
}

}  // namespace smartnano::imaging
