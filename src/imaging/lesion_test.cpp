#include "smartnano/imaging/lesion.h"

#include <cmath>
#include <filesystem>
#include <numbers>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "smartnano/core/error.h"
#include "test_images.h"

namespace smartnano::imaging {
namespace {

// Lesion 1 of the phantom (test_images.h): 27 voxels of 0.008 mL, 26 at 1000 Bq/mL and the
// centre at 2000. The 1 mL sphere (radius 6.2035 mm = 3.10 voxels) around the centre holds the
// 123 lattice points with i² + j² + k² <= 9: the 27 lesion voxels and 96 background voxels.
constexpr double kMean1 = 28000.0 / 27.0;
constexpr double kPeak1 = (2000.0 + 26 * 1000.0 + 96 * 100.0) / 123.0;

class LesionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = (std::filesystem::temp_directory_path() /
            ("smartnano_imaging_lesion_" + std::to_string(::getpid())))
               .string();
    testing::write_test_images(dir_);
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static Volume read(const std::string& name) { return read_volume(dir_ + "/" + name); }

  static std::string dir_;
};
std::string LesionTest::dir_;

TEST_F(LesionTest, OneRowPerLabelWithHandComputedStatistics) {
  const LesionReport r = analyse_lesions(read("pet.nii.gz"), read("labels.nii.gz"), {});
  ASSERT_EQ(r.lesions.size(), 2u);
  const LesionStats& a = r.lesions[0];
  EXPECT_EQ(a.label, 1);
  EXPECT_EQ(a.voxels, 27);
  EXPECT_NEAR(a.volume_ml, 0.216, 1e-12);
  EXPECT_NEAR(a.mean, kMean1, 1e-9);
  EXPECT_DOUBLE_EQ(a.max, 2000.0);
  EXPECT_DOUBLE_EQ(a.min, 1000.0);
  // SD (n - 1): 26 deviations of -1000/27 and one of 26000/27.
  const double ss = 26 * std::pow(1000.0 / 27, 2) + std::pow(26000.0 / 27, 2);
  EXPECT_NEAR(a.sd, std::sqrt(ss / 26.0), 1e-9);
  EXPECT_EQ(a.max_voxel, (std::array<std::int64_t, 3>{3, 3, 3}));
  EXPECT_EQ(a.peak_voxels, 123);
  EXPECT_NEAR(a.peak, kPeak1, 1e-9);
  const LesionStats& b = r.lesions[1];
  EXPECT_EQ(b.label, 2);
  EXPECT_EQ(b.voxels, 8);
  EXPECT_NEAR(b.volume_ml, 0.064, 1e-12);
  EXPECT_DOUBLE_EQ(b.mean, 500.0);
  EXPECT_DOUBLE_EQ(b.sd, 0.0);
  EXPECT_TRUE(std::isnan(a.pct_id_per_ml_mean));  // no activity given
  EXPECT_FALSE(r.notes.empty());
}

TEST_F(LesionTest, MetreAndMillimetreFilesGiveTheSameVolume) {
  const LesionReport mm = analyse_lesions(read("pet.nii.gz"), read("lesion1.nii"), {});
  LesionOptions o;
  o.grid_tolerance_mm = 1e-4;
  const LesionReport m = analyse_lesions(read("pet_m.nii"), read("lesion1.nii"), o);
  ASSERT_EQ(m.lesions.size(), 1u);
  EXPECT_NEAR(m.lesions[0].volume_ml, mm.lesions[0].volume_ml, 1e-6 * mm.lesions[0].volume_ml);
  EXPECT_NEAR(m.lesions[0].peak, kPeak1, 1e-9);
}

TEST_F(LesionTest, LabelSelectionAndAllNonzero) {
  LesionOptions o;
  o.label = 2;
  LesionReport r = analyse_lesions(read("pet.nii.gz"), read("labels.nii.gz"), o);
  ASSERT_EQ(r.lesions.size(), 1u);
  EXPECT_EQ(r.lesions[0].label, 2);
  EXPECT_EQ(r.lesions[0].voxels, 8);

  o.label = 5;
  try {
    analyse_lesions(read("pet.nii.gz"), read("labels.nii.gz"), o);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("label 5 is not in the mask (labels present: 1, 2)"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("labels.nii.gz"), std::string::npos);
  }

  o.label.reset();
  o.all_nonzero = true;
  r = analyse_lesions(read("pet.nii.gz"), read("labels.nii.gz"), o);
  ASSERT_EQ(r.lesions.size(), 1u);
  EXPECT_EQ(r.lesions[0].voxels, 35);
  EXPECT_NEAR(r.lesions[0].mean, (28000.0 + 8 * 500.0) / 35.0, 1e-9);
}

TEST_F(LesionTest, EmptyMaskAndMismatchedGridAreErrors) {
  const Volume pet = read("pet.nii.gz");
  try {
    analyse_lesions(pet, read("empty_mask.nii"), {});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("empty_mask.nii"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("the mask is empty"), std::string::npos);
  }
  EXPECT_THROW(analyse_lesions(pet, read("labels_9x10x10.nii"), {}), InputError);
  EXPECT_THROW(analyse_lesions(pet, read("labels_shifted.nii"), {}), InputError);
}

TEST_F(LesionTest, FractionalMaskNeedsAllNonzero) {
  std::vector<double> half = testing::phantom_labels();
  for (double& x : half) x *= 0.5;  // 0.5 and 1.0
  write_volume(dir_ + "/half.nii", testing::kDims, {2.0, 2.0, 2.0}, half);
  EXPECT_THROW(analyse_lesions(read("pet.nii.gz"), read("half.nii"), {}), InputError);
  LesionOptions o;
  o.all_nonzero = true;
  EXPECT_EQ(analyse_lesions(read("pet.nii.gz"), read("half.nii"), o).lesions[0].voxels, 35);
}

TEST_F(LesionTest, PetPercentInjectedDoseAndSuv) {
  LesionOptions o;
  o.pet.injected_activity_mbq = 185.0;
  o.pet.half_life_h = find_nuclide("Zr-89").half_life_h;
  o.pet.nuclide = "Zr-89";
  o.pet.elapsed_h = 78.41;  // one half-life: 92.5 MBq left at the scan
  o.pet.weight_kg = 70.0;
  const LesionReport r = analyse_lesions(read("pet.nii.gz"), read("labels.nii.gz"), o);
  EXPECT_NEAR(r.decay_factor, 0.5, 1e-12);
  EXPECT_NEAR(r.activity_at_scan_mbq, 92.5, 1e-9);
  const LesionStats& a = r.lesions[0];
  EXPECT_NEAR(a.pct_id_per_ml_mean, kMean1 / 92.5e6 * 100.0, 1e-15);
  EXPECT_NEAR(a.pct_id_per_ml_max, 2000.0 / 92.5e6 * 100.0, 1e-15);
  EXPECT_NEAR(a.pct_id_per_kg_mean, kMean1 / 92.5e6 * 100.0 * 1000.0, 1e-12);
  EXPECT_NEAR(a.pct_id_total, kMean1 * 0.216 / 92.5e6 * 100.0, 1e-15);
  EXPECT_NEAR(a.suv_mean, kMean1 * 70000.0 / 92.5e6, 1e-12);
  EXPECT_NEAR(a.suv_max, 2000.0 * 70000.0 / 92.5e6, 1e-12);
  EXPECT_NEAR(a.suv_peak, kPeak1 * 70000.0 / 92.5e6, 1e-12);
  // kBq/mL images: values scaled by 1000.
  o.pet.bq_per_ml_per_unit = 1000.0;
  const LesionReport k = analyse_lesions(read("pet.nii.gz"), read("labels.nii.gz"), o);
  EXPECT_NEAR(k.lesions[0].suv_mean, 1000.0 * a.suv_mean, 1e-9);
}

TEST_F(LesionTest, PetOptionsAreChecked) {
  const Volume pet = read("pet.nii.gz"), mask = read("labels.nii.gz");
  auto message = [&](const PetOptions& p) -> std::string {
    LesionOptions o;
    o.pet = p;
    try {
      analyse_lesions(pet, mask, o);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  PetOptions p;
  p.elapsed_h = 24.0;
  p.half_life_h = 78.41;
  EXPECT_NE(message(p).find("missing injected activity"), std::string::npos);
  p.injected_activity_mbq = 185.0;
  p.elapsed_h = -1.0;
  EXPECT_NE(message(p).find("must be finite and not negative"), std::string::npos);
  p.elapsed_h = std::numeric_limits<double>::infinity();
  EXPECT_NE(message(p).find("must be finite and not negative"), std::string::npos);
  p.elapsed_h = 24.0;
  p.half_life_h = kNaN;
  EXPECT_NE(message(p).find("missing radionuclide"), std::string::npos);
}

TEST_F(LesionTest, NuclidesQuantitiesAndTimes) {
  EXPECT_DOUBLE_EQ(find_nuclide("89Zr").half_life_h, 78.41);
  EXPECT_DOUBLE_EQ(find_nuclide("cu64").half_life_h, 12.7004);
  EXPECT_NEAR(find_nuclide("F-18").half_life_h * 60.0, 109.77, 1e-12);
  try {
    find_nuclide("Zr-88");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unknown nuclide 'Zr-88'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("did you mean 'Zr-89'"), std::string::npos) << e.what();
  }
  EXPECT_DOUBLE_EQ(parse_activity_mbq("185MBq"), 185.0);
  EXPECT_DOUBLE_EQ(parse_activity_mbq("5 mCi"), 185.0);
  EXPECT_DOUBLE_EQ(parse_activity_mbq("0.2 GBq"), 200.0);
  EXPECT_THROW(parse_activity_mbq("185"), std::invalid_argument);
  EXPECT_THROW(parse_activity_mbq("185 mg"), std::invalid_argument);
  EXPECT_DOUBLE_EQ(parse_duration_h("24h"), 24.0);
  EXPECT_DOUBLE_EQ(parse_duration_h("90 min"), 1.5);
  EXPECT_DOUBLE_EQ(parse_duration_h("2 d"), 48.0);
  EXPECT_THROW(parse_duration_h("nan h"), std::invalid_argument);
  EXPECT_THROW(parse_duration_h("24 kg"), std::invalid_argument);
  EXPECT_DOUBLE_EQ(parse_mass_kg("70kg"), 70.0);
  EXPECT_DOUBLE_EQ(parse_mass_kg("70000 g"), 70.0);
  EXPECT_DOUBLE_EQ(hours_between("2024-02-28T09:00", "2024-03-01T09:30:00"), 48.5);  // leap year
  EXPECT_THROW(hours_between("2024-02-28", "2024-03-01T09:30"), std::invalid_argument);
}

TEST_F(LesionTest, R2starDeltaAndIron) {
  LesionOptions o;
  o.kind = ImageKind::kR2star;
  o.r2star.relaxivity_per_mM_s = 60.0;
  const Volume pre = read("r2star_pre.nii");
  const LesionReport r = analyse_lesions(read("r2star_post.nii"), read("labels.nii.gz"), o, &pre);
  ASSERT_EQ(r.lesions.size(), 2u);
  EXPECT_DOUBLE_EQ(r.lesions[0].mean, 80.0);
  EXPECT_DOUBLE_EQ(r.lesions[0].baseline_mean, 20.0);
  EXPECT_DOUBLE_EQ(r.lesions[0].delta_r2star_mean, 60.0);
  EXPECT_DOUBLE_EQ(r.lesions[0].iron_mM, 1.0);
  EXPECT_NEAR(r.lesions[0].iron_ug_per_ml, 55.845, 1e-12);
  EXPECT_DOUBLE_EQ(r.lesions[1].iron_mM, 0.5);
  // Without a baseline: mean R2* only.
  const LesionReport plain = analyse_lesions(read("r2star_post.nii"), read("labels.nii.gz"), o);
  EXPECT_TRUE(std::isnan(plain.lesions[0].iron_mM));
  // A baseline on another grid.
  const Volume shifted = read("labels_shifted.nii");
  EXPECT_THROW(analyse_lesions(read("r2star_post.nii"), read("labels.nii.gz"), o, &shifted),
               InputError);
}

TEST_F(LesionTest, CsvAndJson) {
  LesionOptions o;
  o.pet.injected_activity_mbq = 185.0;
  o.pet.half_life_h = 78.41;
  o.pet.nuclide = "Zr-89";
  o.pet.elapsed_h = 78.41;
  const LesionReport r = analyse_lesions(read("pet.nii.gz"), read("labels.nii.gz"), o);
  const std::string csv = format_lesion_csv(r);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "label,voxels,volume_ml,mean,sd,min,max,peak,pct_id_per_ml_mean,pct_id_per_ml_max,"
            "pct_id_per_ml_peak,pct_id_per_kg_mean,pct_id_total");
  EXPECT_NE(csv.find("\n2,8,0.064,500,0,500,500,"), std::string::npos) << csv;
  const auto j = nlohmann::json::parse(format_lesion_json(r));
  EXPECT_EQ(j["lesions"].size(), 2u);
  EXPECT_EQ(j["lesions"][0]["voxels"], 27);
  EXPECT_TRUE(j["weight_kg"].is_null());
  EXPECT_DOUBLE_EQ(j["decay_factor"].get<double>(), 0.5);
  EXPECT_NE(format_lesion_table(r).find("%ID/mL mean"), std::string::npos);
}

}  // namespace
}  // namespace smartnano::imaging
