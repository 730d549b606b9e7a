#include "smartnano/imaging/image.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "smartnano/core/error.h"
#include "test_images.h"

namespace smartnano::imaging {
namespace {

class ImageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = (std::filesystem::temp_directory_path() /
            ("smartnano_imaging_image_" + std::to_string(::getpid())))
               .string();
    testing::write_test_images(dir_);
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string path(const std::string& name) { return dir_ + "/" + name; }

  // The InputError message of read_volume(name), or "" if it reads.
  static std::string read_error(const std::string& name, const ReadOptions& options = {}) {
    try {
      read_volume(path(name), options);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  static std::string dir_;
};
std::string ImageTest::dir_;

TEST_F(ImageTest, ReadsGzippedInt16WithSlopeAndIntercept) {
  const Volume v = read_volume(path("pet.nii.gz"));
  EXPECT_EQ(v.nifti_version, 1);
  EXPECT_EQ(v.dims, (std::array<std::int64_t, 3>{10, 10, 10}));
  EXPECT_DOUBLE_EQ(v.scl_slope, 2.0);
  EXPECT_DOUBLE_EQ(v.scl_inter, 10.0);
  EXPECT_EQ(v.values, testing::phantom_pet());  // stored (x - 10) / 2, read back exactly
  EXPECT_DOUBLE_EQ(v.at(3, 3, 3), 2000.0);
  EXPECT_EQ(v.file_unit, SpatialUnit::kMillimeter);
  EXPECT_EQ(v.affine_source, "sform");
  EXPECT_DOUBLE_EQ(v.voxel_volume_ml(), 0.008);
}

TEST_F(ImageTest, MetresAreConvertedToMillimetres) {
  const Volume v = read_volume(path("pet_m.nii"));
  EXPECT_EQ(v.file_unit, SpatialUnit::kMeter);
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(v.spacing_mm[a], 2.0, 1e-6);
  EXPECT_NEAR(v.affine_mm[0][0], 2.0, 1e-6);
  EXPECT_NEAR(v.voxel_volume_ml(), 0.008, 1e-8);  // pixdim 0.002 m is a float
  EXPECT_EQ(v.values, testing::phantom_pet());
}

TEST_F(ImageTest, MicronsAndUnscaledFloat64) {
  WriteOptions o;
  o.unit = SpatialUnit::kMicron;
  o.type = StoredType::kFloat64;
  write_volume(path("um.nii.gz"), {2, 3, 4}, {500.0, 500.0, 1000.0}, std::vector<double>(24, 0.25),
               o);
  const Volume v = read_volume(path("um.nii.gz"));
  EXPECT_EQ(v.dims, (std::array<std::int64_t, 3>{2, 3, 4}));
  EXPECT_EQ(v.file_unit, SpatialUnit::kMicron);
  EXPECT_NEAR(v.voxel_volume_ml(), 0.5 * 0.5 * 1.0 / 1000.0, 1e-12);
  EXPECT_EQ(v.values, std::vector<double>(24, 0.25));  // scl_slope 0: no scaling
}

TEST_F(ImageTest, ReadsNifti2) {
  std::vector<float> values(24);
  for (std::size_t v = 0; v < values.size(); ++v) values[v] = static_cast<float>(v);
  testing::write_nifti2(path("v2.nii"), {2, 3, 4}, {1.5, 1.5, 3.0}, values);
  const Volume v = read_volume(path("v2.nii"));
  EXPECT_EQ(v.nifti_version, 2);
  EXPECT_EQ(v.dims, (std::array<std::int64_t, 3>{2, 3, 4}));
  EXPECT_EQ(v.affine_source, "sform");
  EXPECT_DOUBLE_EQ(v.affine_mm[2][2], 3.0);
  EXPECT_DOUBLE_EQ(v.at(1, 2, 3), 23.0);
  EXPECT_NEAR(v.voxel_volume_ml(), 1.5 * 1.5 * 3.0 / 1000.0, 1e-15);
}

TEST_F(ImageTest, UnknownUnitsAreAnErrorUnlessAssumed) {
  const std::string error = read_error("pet_nounits.nii");
  EXPECT_NE(error.find("pet_nounits.nii"), std::string::npos) << error;
  EXPECT_NE(error.find("field 'xyzt_units'"), std::string::npos) << error;
  ReadOptions o;
  o.assume_unit = SpatialUnit::kMillimeter;
  EXPECT_NEAR(read_volume(path("pet_nounits.nii"), o).voxel_volume_ml(), 0.008, 1e-12);
}

TEST_F(ImageTest, ZeroOrNegativeSpacingIsAnError) {
  for (const float bad : {-1.0f, 0.0f}) {
    write_volume(path("bad_spacing.nii"), {2, 2, 2}, {2.0, 2.0, 2.0}, std::vector<double>(8, 1.0));
    testing::patch_nifti1_pixdim(path("bad_spacing.nii"), 2, bad);
    const std::string error = read_error("bad_spacing.nii");
    EXPECT_NE(error.find("bad_spacing.nii"), std::string::npos) << error;
    EXPECT_NE(error.find("field 'pixdim[2]'"), std::string::npos) << error;
    EXPECT_NE(error.find("must be positive"), std::string::npos) << error;
  }
}

TEST_F(ImageTest, NotNiftiAndMissingFilesAreErrors) {
  std::string error = read_error("not_nifti.nii");
  EXPECT_NE(error.find("not_nifti.nii"), std::string::npos) << error;
  EXPECT_NE(error.find("not a NIfTI file"), std::string::npos) << error;
  error = read_error("does_not_exist.nii.gz");
  EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
}

TEST_F(ImageTest, GridMismatchNamesTheDimensionOrAffineEntry) {
  const Volume image = read_volume(path("pet.nii.gz"));
  EXPECT_NO_THROW(check_same_grid(image, read_volume(path("labels.nii.gz")), "mask"));
  try {
    check_same_grid(image, read_volume(path("labels_9x10x10.nii")), "mask");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "dim[1]");
    EXPECT_NE(std::string(e.what()).find("labels_9x10x10.nii"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("9x10x10"), std::string::npos) << e.what();
  }
  try {
    check_same_grid(image, read_volume(path("labels_shifted.nii")), "mask");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "sform");
    EXPECT_NE(std::string(e.what()).find("origin y"), std::string::npos) << e.what();
  }
  // A shift below the tolerance passes.
  EXPECT_NO_THROW(check_same_grid(image, read_volume(path("labels_shifted.nii")), "mask", 1.5));
  // Metres and millimetres describe the same grid.
  EXPECT_NO_THROW(check_same_grid(image, read_volume(path("pet_m.nii")), "mask", 1e-4));
}

}  // namespace
}  // namespace smartnano::imaging
