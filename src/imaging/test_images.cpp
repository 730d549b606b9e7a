#include "test_images.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include <nifti/nifti2.h>

#include "smartnano/imaging/image.h"

namespace smartnano::imaging::testing {
namespace {

template <typename F>
std::vector<double> fill(std::array<std::int64_t, 3> dims, F value) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(dims[0] * dims[1] * dims[2]));
  for (std::int64_t k = 0; k < dims[2]; ++k) {
    for (std::int64_t j = 0; j < dims[1]; ++j) {
      for (std::int64_t i = 0; i < dims[0]; ++i) out.push_back(value(i, j, k));
    }
  }
  return out;
}

bool in_cube(std::int64_t i, std::int64_t j, std::int64_t k, std::int64_t lo, std::int64_t hi) {
  return i >= lo && i <= hi && j >= lo && j <= hi && k >= lo && k <= hi;
}

}  // namespace

int phantom_label(std::int64_t i, std::int64_t j, std::int64_t k) {
  if (in_cube(i, j, k, 2, 4)) return 1;
  if (in_cube(i, j, k, 6, 7)) return 2;
  return 0;
}

std::vector<double> phantom_pet() {
  return fill(kDims, [](std::int64_t i, std::int64_t j, std::int64_t k) {
    switch (phantom_label(i, j, k)) {
      case 1:
        return (i == 3 && j == 3 && k == 3) ? 2000.0 : 1000.0;
      case 2:
        return 500.0;
      default:
        return 100.0;
    }
  });
}

std::vector<double> phantom_r2star_post() {
  return fill(kDims, [](std::int64_t i, std::int64_t j, std::int64_t k) {
    const int label = phantom_label(i, j, k);
    return label == 1 ? 80.0 : label == 2 ? 50.0 : 20.0;
  });
}

std::vector<double> phantom_labels() {
  return fill(kDims, [](std::int64_t i, std::int64_t j, std::int64_t k) {
    return static_cast<double>(phantom_label(i, j, k));
  });
}

void write_test_images(const std::string& dir) {
  std::filesystem::create_directories(dir);
  const std::string d = dir + "/";
  const std::array<double, 3> mm = {kSpacingMm, kSpacingMm, kSpacingMm};

  // Stored = (value - 10) / 2, read back as 2 * stored + 10.
  std::vector<double> stored = phantom_pet();
  for (double& x : stored) x = (x - 10.0) / 2.0;
  WriteOptions scaled;
  scaled.type = StoredType::kInt16;
  scaled.scl_slope = 2.0;
  scaled.scl_inter = 10.0;
  write_volume(d + "pet.nii.gz", kDims, mm, stored, scaled);

  WriteOptions metres;
  metres.unit = SpatialUnit::kMeter;
  write_volume(d + "pet_m.nii", kDims, {0.002, 0.002, 0.002}, phantom_pet(), metres);
  WriteOptions no_units;
  no_units.unit = SpatialUnit::kUnknown;
  write_volume(d + "pet_nounits.nii", kDims, mm, phantom_pet(), no_units);

  WriteOptions labels;
  labels.type = StoredType::kUint8;
  write_volume(d + "labels.nii.gz", kDims, mm, phantom_labels(), labels);
  std::vector<double> one = phantom_labels();
  for (double& x : one) x = x == 1.0 ? 1.0 : 0.0;
  write_volume(d + "lesion1.nii", kDims, mm, one, labels);
  WriteOptions shifted = labels;
  shifted.origin = {0.0, 1.0, 0.0};
  write_volume(d + "labels_shifted.nii", kDims, mm, phantom_labels(), shifted);
  const std::array<std::int64_t, 3> short_x = {9, 10, 10};
  write_volume(d + "labels_9x10x10.nii", short_x, mm, std::vector<double>(900, 1.0), labels);
  write_volume(d + "empty_mask.nii", kDims, mm, std::vector<double>(1000, 0.0), labels);

  write_volume(d + "r2star_pre.nii", kDims, mm, std::vector<double>(1000, 20.0));
  write_volume(d + "r2star_post.nii", kDims, mm, phantom_r2star_post());

  std::ofstream(d + "not_nifti.nii") << "subject,time,conc\n1,0,0\n";
}

void write_nifti2(const std::string& path, const std::array<std::int64_t, 3>& dims,
                  const std::array<double, 3>& spacing_mm, const std::vector<float>& values) {
  nifti_2_header h;
  std::memset(&h, 0, sizeof h);
  h.sizeof_hdr = 540;
  std::memcpy(h.magic, "n+2\0\r\n\032\n", 8);
  h.datatype = 16;  // NIFTI_TYPE_FLOAT32
  h.bitpix = 32;
  h.dim[0] = 3;
  for (int a = 0; a < 3; ++a) {
    h.dim[a + 1] = dims[a];
    h.pixdim[a + 1] = spacing_mm[a];
  }
  for (int d = 4; d < 8; ++d) h.dim[d] = 1;
  h.pixdim[0] = 1.0;
  h.vox_offset = 544;
  h.sform_code = 1;
  h.srow_x[0] = spacing_mm[0];
  h.srow_y[1] = spacing_mm[1];
  h.srow_z[2] = spacing_mm[2];
  h.xyzt_units = 2;  // NIFTI_UNITS_MM
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(&h), sizeof h);
  const char extension[4] = {0, 0, 0, 0};
  out.write(extension, 4);
  out.write(reinterpret_cast<const char*>(values.data()),
            static_cast<std::streamsize>(values.size() * sizeof(float)));
}

void patch_nifti1_pixdim(const std::string& path, int axis, float value) {
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(76 + 4 * axis);  // float pixdim[8] starts at byte 76
  f.write(reinterpret_cast<const char*>(&value), sizeof value);
}

}  // namespace smartnano::imaging::testing
