// A small phantom with hand-computable lesion statistics, written as NIfTI files for the unit
// tests and the CLI tests (imaging_make_test_images). Grid 10 x 10 x 10, 2 mm voxels (0.008 mL):
//   PET (Bq/mL): background 100; lesion 1 = the cube i, j, k in [2, 4] at 1000 with its centre
//   (3, 3, 3) at 2000; lesion 2 = the cube [6, 7]^3 at 500.
//   R2* (1/s): pre-contrast 20 everywhere; post-contrast 20, lesion 1 at 80, lesion 2 at 50.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace smartnano::imaging::testing {

inline constexpr std::array<std::int64_t, 3> kDims = {10, 10, 10};
inline constexpr double kSpacingMm = 2.0;

// Label (0, 1, 2) of voxel (i, j, k) in the phantom.
int phantom_label(std::int64_t i, std::int64_t j, std::int64_t k);
// PET activity concentration (Bq/mL) and post-contrast R2* (1/s) of the phantom, NIfTI order.
std::vector<double> phantom_pet();
std::vector<double> phantom_r2star_post();
std::vector<double> phantom_labels();

// Writes into `dir` (created if missing):
//   pet.nii.gz        PET, int16 stored with scl_slope 2, scl_inter 10
//   pet_m.nii         PET, float32, spacing written in metres
//   pet_nounits.nii   PET, xyzt_units = 0
//   labels.nii.gz     labels 1 and 2 (uint8)
//   lesion1.nii       label 1 only
//   labels_shifted.nii  labels with the origin moved by 1 mm along y
//   labels_9x10x10.nii  a grid one voxel shorter along x
//   empty_mask.nii    all zero
//   r2star_pre.nii, r2star_post.nii
//   not_nifti.nii     a text file
void write_test_images(const std::string& dir);

// A NIfTI-2 .nii file written field by field (float32 data, units mm, sform = diag(spacing)):
// niftilib 3.0.1 reads NIfTI-2 but does not write it correctly.
void write_nifti2(const std::string& path, const std::array<std::int64_t, 3>& dims,
                  const std::array<double, 3>& spacing_mm, const std::vector<float>& values);

// Overwrites pixdim[axis] (1..3) in an uncompressed NIfTI-1 file.
void patch_nifti1_pixdim(const std::string& path, int axis, float value);

}  // namespace smartnano::imaging::testing
