// Tests of compute_nca: (a) every reference pair in shared/validation/nca against PKNCA 0.12.1
// with the README's pass rule, (b) hand-computed values for both AUC methods, (c) lambda-z
// selection and BLQ edge cases, (d) input errors. The readers and writers: nca_io_test.cpp.
#include "smartnano/nca/nca.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "nca/nca_test_support.h"
#include "smartnano/core/csv.h"
#include "smartnano/core/error.h"

namespace smartnano::nca {
namespace {

namespace fs = std::filesystem;

const double kLn2 = std::log(2.0);

// Hand-computed values: equal to 1e-13 relative (a few roundings in the sums and the fit).
#define EXPECT_REL(actual, expected) EXPECT_NEAR(actual, expected, 1e-13 * std::abs(expected))

// ---- (a) validation against PKNCA ------------------------------------------------------------

const fs::path kReferenceDir = fs::path(SMARTNANO_SHARED_DIR) / "validation" / "nca";

struct ReferencePair {
  std::string name, variant;
  fs::path input, expected;
};

// Every <name>_input.csv with each of its <name>_expected_<variant>.csv, found by listing the
// folder, so that any other pair in the same format is checked without changing this file.
// gtest prints a pair by its file names instead of its bytes.
void PrintTo(const ReferencePair& pair, std::ostream* os) {
  *os << pair.input.filename() << " vs " << pair.expected.filename();
}

std::vector<ReferencePair> find_reference_pairs() {
  std::vector<ReferencePair> pairs;
  std::error_code ec;
  if (!fs::is_directory(kReferenceDir, ec)) return pairs;
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(kReferenceDir)) {
    if (entry.is_regular_file()) files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  const std::string input_suffix = "_input.csv";
  for (const auto& f : files) {
    if (f.size() <= input_suffix.size() || !f.ends_with(input_suffix)) continue;
    const std::string name = f.substr(0, f.size() - input_suffix.size());
    const std::string prefix = name + "_expected_";
    for (const auto& g : files) {
      if (g.starts_with(prefix) && g.ends_with(".csv") && g.size() > prefix.size() + 4) {
        pairs.push_back({name, g.substr(prefix.size(), g.size() - prefix.size() - 4),
                         kReferenceDir / f, kReferenceDir / g});
      }
    }
  }
  return pairs;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

using test_support::CsvTable;
using test_support::parse_csv;

// NaN for "NA"; nullopt for text that is not a number.
std::optional<double> to_number(const std::string& text) {
  if (text == "NA") return std::nan("");
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

// The README's pass rule: these columns exactly, every other one to relative 1e-9.
const std::set<std::string> kExactColumns = {"dose",
                                             "cmax",
                                             "tmax",
                                             "tlast",
                                             "clast.obs",
                                             "lambda.z.n.points",
                                             "lambda.z.time.first",
                                             "lambda.z.time.last"};
constexpr double kRelativeTolerance = 1e-9;

struct Comparison {
  std::vector<std::string> failures;
  int values_compared = 0;
  double max_relative_difference = 0;
  std::string worst;  // "subject 3, aucinf.obs"
};

// Analyses `profiles` with the AUC method named in each expected row, writes the results with
// format_nca_csv, reads that text back and compares every column of `expected` with it.
Comparison compare_with_reference(const std::vector<Profile>& profiles, const CsvTable& expected) {
  Comparison c;
  auto fail = [&](const std::string& message) { c.failures.push_back(message); };
  const int subject_col = expected.column("subject"), method_col = expected.column("auc_method");
  if (subject_col < 0 || method_col < 0) {
    fail("the expected file has no subject or auc_method column");
    return c;
  }
  std::map<std::string, const Profile*> by_subject;
  for (const auto& p : profiles) by_subject[p.subject] = &p;
  if (expected.rows.size() != profiles.size()) {
    fail("the expected file has " + std::to_string(expected.rows.size()) + " rows for " +
         std::to_string(profiles.size()) + " subjects in the input");
  }
  for (const auto& row : expected.rows) {
    if (row.size() != expected.header.size()) {
      fail("a row of the expected file has the wrong number of fields");
      continue;
    }
    const std::string& subject = row[static_cast<std::size_t>(subject_col)];
    const auto profile = by_subject.find(subject);
    if (profile == by_subject.end()) {
      fail("subject " + subject + " of the expected file is not in the input");
      continue;
    }
    const auto method = parse_auc_method(row[static_cast<std::size_t>(method_col)]);
    if (!method) {
      fail("unknown auc_method '" + row[static_cast<std::size_t>(method_col)] + "'");
      continue;
    }
    NcaOptions options;
    options.auc_method = *method;
    const std::vector<SubjectNca> ours = analyse_profiles({*profile->second}, options);
    const CsvTable written = parse_csv(format_nca_csv(ours));
    if (written.rows.size() != 1) {
      fail("format_nca_csv wrote " + std::to_string(written.rows.size()) + " rows for 1 subject");
      continue;
    }
    for (std::size_t k = 0; k < expected.header.size(); ++k) {
      const std::string& name = expected.header[k];
      const std::string where = "subject " + subject + ", " + name;
      const int our_col = written.column(name);
      if (our_col < 0) {
        fail(where + ": no such column in our output");
        continue;
      }
      const std::string& ref_text = row[k];
      const std::string& our_text = written.rows[0][static_cast<std::size_t>(our_col)];
      if (name == "subject" || name == "auc_method") {
        if (ref_text != our_text) fail(where + ": '" + our_text + "', expected '" + ref_text + "'");
        continue;
      }
      const auto ref = to_number(ref_text), our = to_number(our_text);
      if (!ref || !our) {
        fail(where + ": not a number ('" + our_text + "' vs '" + ref_text + "')");
        continue;
      }
      ++c.values_compared;
      if (std::isnan(*ref) || std::isnan(*our)) {
        if (std::isnan(*ref) != std::isnan(*our)) fail(where + ": " + our_text + " vs " + ref_text);
        continue;
      }
      const double diff = std::abs(*our - *ref);
      const double relative = diff == 0 ? 0 : diff / std::abs(*ref);
      if (relative > c.max_relative_difference) {
        c.max_relative_difference = relative;
        c.worst = where;
      }
      const bool pass =
          kExactColumns.count(name) ? *our == *ref : diff <= kRelativeTolerance * std::abs(*ref);
      if (!pass) fail(where + ": " + our_text + ", expected " + ref_text);
    }
  }
  return c;
}

class PkncaReference : public testing::TestWithParam<ReferencePair> {};

TEST_P(PkncaReference, EveryColumnWithinThePassRule) {
  const ReferencePair& pair = GetParam();
  const std::vector<Profile> profiles = read_nca_input(pair.input.string());
  ASSERT_FALSE(profiles.empty());
  const CsvTable expected = parse_csv(read_file(pair.expected));
  ASSERT_GT(expected.header.size(), 3u);
  const Comparison c = compare_with_reference(profiles, expected);
  std::string all;
  for (const auto& f : c.failures) all += "\n  " + f;
  EXPECT_TRUE(c.failures.empty()) << pair.expected.filename() << ":" << all;
  EXPECT_EQ(c.values_compared,
            static_cast<int>(expected.rows.size() * (expected.header.size() - 2)));
  std::cout << pair.expected.filename().string() << ": " << c.values_compared
            << " values, largest relative difference " << c.max_relative_difference << " ("
            << (c.worst.empty() ? "all equal" : c.worst) << ")\n";
  RecordProperty("max_relative_difference", std::to_string(c.max_relative_difference));
}

std::string pair_name(const testing::TestParamInfo<ReferencePair>& info) {
  std::string name = info.param.name + "_" + info.param.variant;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, PkncaReference, testing::ValuesIn(find_reference_pairs()),
                         pair_name);

TEST(PkncaReferenceFolder, HoldsTheShippedPairsAndNoOrphans) {
  const auto pairs = find_reference_pairs();
  std::set<std::string> found;
  for (const auto& p : pairs) found.insert(p.name + "/" + p.variant);
  for (const char* wanted :
       {"theoph/linuplogdown", "theoph/linear", "indometh/linuplogdown", "indometh/linear"}) {
    EXPECT_TRUE(found.count(wanted)) << wanted << " not found in " << kReferenceDir;
  }
  // Every expected file belongs to an input (none is skipped silently).
  for (const auto& entry : fs::directory_iterator(kReferenceDir)) {
    const std::string f = entry.path().filename().string();
    const auto at = f.find("_expected_");
    if (at == std::string::npos || !f.ends_with(".csv")) continue;
    EXPECT_TRUE(fs::exists(kReferenceDir / (f.substr(0, at) + "_input.csv"))) << f;
  }
}

TEST(PkncaReferenceFolder, OurCsvHasTheReferenceColumnsInOrder) {
  for (const auto& pair : find_reference_pairs()) {
    NcaOptions options;
    const std::string ours = format_nca_csv(analyse_profiles(read_nca_input(pair.input), options));
    EXPECT_EQ(parse_csv(ours).header, parse_csv(read_file(pair.expected)).header) << pair.expected;
  }
}

// The comparison can fail: one value off by 1e-8 relative, one point count off, a column that
// we do not write.
TEST(PkncaReferenceFolder, NegativeControlsFail) {
  const fs::path input = kReferenceDir / "theoph_input.csv";
  const fs::path expected_file = kReferenceDir / "theoph_expected_linuplogdown.csv";
  ASSERT_TRUE(fs::exists(input) && fs::exists(expected_file));
  const auto profiles = read_nca_input(input.string());
  const CsvTable expected = parse_csv(read_file(expected_file));
  ASSERT_TRUE(compare_with_reference(profiles, expected).failures.empty());

  CsvTable off = expected;
  auto& cell = off.rows[2][static_cast<std::size_t>(off.column("aucinf.obs"))];
  cell = fmt::format("{}", *to_number(cell) * (1 + 1e-8));
  EXPECT_EQ(compare_with_reference(profiles, off).failures.size(), 1u);

  CsvTable points = expected;
  points.rows[0][static_cast<std::size_t>(points.column("lambda.z.n.points"))] = "4";
  EXPECT_EQ(compare_with_reference(profiles, points).failures.size(), 1u);

  CsvTable unknown = expected;
  unknown.header.push_back("cmin");
  for (auto& row : unknown.rows) row.push_back("1");
  EXPECT_EQ(compare_with_reference(profiles, unknown).failures.size(), unknown.rows.size());
}

// ---- (b) hand-computed values ----------------------------------------------------------------

// Extravascular profile t = 0, 1, 2, 4, 6 h, c = 0, 8, 4, 2, 1 mg/L, dose 100 mg.
// Tmax = 1 (excluded), candidates t = 2, 4, 6 with ln c = ln 4 - (ln 2 / 2)(t - 2): one exact
// fit, lambda-z = ln2 / 2, half-life 2, r² = 1, clast.pred = 1, span ratio (6 - 2) / 2 = 2.
// Linear:  AUC  = 1·(0+8)/2 + 1·(8+4)/2 + 2·(4+2)/2 + 2·(2+1)/2        = 4 + 6 + 6 + 3 = 19
//          AUMC = 1·(0+8)/2 + 1·(8+8)/2 + 2·(8+8)/2 + 2·(8+6)/2        = 4 + 8 + 16 + 14 = 42
// Log down (k = ln(c2/c1) = -ln 2 on each falling segment; first segment rises: linear):
//          AUC  = 4 + 1·(4-8)/k + 2·(2-4)/k + 2·(1-2)/k                = 4 + 10/ln2
//          AUMC = 4 + [1·(8-8)/k - 1·(4-8)/k²] + [2·(8-8)/k - 4·(2-4)/k²]
//                   + [2·(6-8)/k - 4·(1-2)/k²]                          = 4 + 4/ln2 + 16/ln2²
// Infinity: AUCinf = AUClast + 1/(ln2/2) = AUClast + 2/ln2;
//           AUMCinf = AUMClast + 1·6/(ln2/2) + 1/(ln2/2)² = AUMClast + 12/ln2 + 4/ln2².
void expect_hand_values(const NcaResult& r, double auclast, double aumclast) {
  const double lz = kLn2 / 2, aucinf = auclast + 2 / kLn2;
  const double aumcinf = aumclast + 12 / kLn2 + 4 / (kLn2 * kLn2);
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.cmax, 8);
  EXPECT_EQ(r.tmax, 1);
  EXPECT_EQ(r.tlast, 6);
  EXPECT_EQ(r.clast_obs, 1);
  EXPECT_REL(r.auclast, auclast);
  EXPECT_REL(r.aumclast, aumclast);
  EXPECT_EQ(r.lambda_z_n_points, 3);
  EXPECT_EQ(r.lambda_z_time_first, 2);
  EXPECT_EQ(r.lambda_z_time_last, 6);
  EXPECT_REL(r.lambda_z, lz);
  EXPECT_REL(r.half_life, 2);
  EXPECT_NEAR(r.r_squared, 1, 1e-14);
  EXPECT_NEAR(r.adj_r_squared, 1, 1e-14);
  EXPECT_REL(r.clast_pred, 1);
  EXPECT_REL(r.span_ratio, 2);
  EXPECT_REL(r.aucinf_obs, aucinf);
  EXPECT_REL(r.aucinf_pred, aucinf);
  EXPECT_REL(r.aumcinf_obs, aumcinf);
  EXPECT_REL(r.aucpext_obs, 100 * (2 / kLn2) / aucinf);
  EXPECT_REL(r.cl_obs, 100 / aucinf);
  EXPECT_REL(r.vz_obs, 100 / aucinf / lz);
  EXPECT_REL(r.mrt_last, aumclast / auclast);
  EXPECT_REL(r.mrt_obs, aumcinf / aucinf);
}

const std::vector<double> kHandTime = {0, 1, 2, 4, 6};
const std::vector<double> kHandConc = {0, 8, 4, 2, 1};

TEST(PkncaComputeNca, HandComputedLinear) {
  NcaOptions o;
  o.dose = 100;
  o.auc_method = AucMethod::kLinear;
  const NcaResult r = compute_nca(kHandTime, kHandConc, o);
  expect_hand_values(r, 19, 42);
  EXPECT_TRUE(std::isnan(r.c0));
  EXPECT_TRUE(std::isnan(r.vss_obs));  // not defined for the extravascular route
  EXPECT_EQ(r.half_life_candidates, 3);
  EXPECT_EQ(r.half_life_fits, 1);
}

TEST(PkncaComputeNca, HandComputedLinearUpLogDown) {
  NcaOptions o;
  o.dose = 100;
  const NcaResult r = compute_nca(kHandTime, kHandConc, o);
  expect_hand_values(r, 4 + 10 / kLn2, 4 + 4 / kLn2 + 16 / (kLn2 * kLn2));
  EXPECT_EQ(r.brief_report(), "lambda-z from 3 points (2 to 6), adj. R² 1, 5 samples");
}

// An IV infusion: the same numbers, and Vss = CL (MRT - duration / 2).
TEST(PkncaComputeNca, InfusionVssSubtractsHalfTheDuration) {
  NcaOptions o;
  o.dose = 100;
  o.route = Route::kIntravascularInfusion;
  o.infusion_duration = 1;
  const NcaResult r = compute_nca(kHandTime, kHandConc, o);
  expect_hand_values(r, 4 + 10 / kLn2, 4 + 4 / kLn2 + 16 / (kLn2 * kLn2));
  EXPECT_TRUE(std::isnan(r.c0));
  EXPECT_FALSE(r.c0_imputed);
  EXPECT_REL(r.vss_obs, r.cl_obs * (r.mrt_obs - 0.5));
}

// IV bolus t = 1, 2, 4 h, c = 8, 4, 1 mg/L, dose 32 mg: C(t) = 16·2^-t exactly.
// C0 = exp(ln 8 - (ln 4 - ln 8)/(2 - 1)·1) = 16; candidates are all three samples (the analysed
// profile's Tmax is C0's t = 0): lambda-z = ln 2. Log down is exact for an exponential:
// AUClast = 8/ln2 + 4/ln2 + 2·(1-4)/ln(1/4) = 15/ln2, AUCinf = 16/ln2, AUMCinf = 16/ln2²,
// MRT = 1/ln2, CL = 32 ln2/16 = 2 ln2, Vz = Vss = 32/16 = 2.
// Linear: AUClast = (16+8)/2 + (8+4)/2 + 2·(4+1)/2 = 23; AUMClast = 8/2 + (8+8)/2 + 2(8+4)/2 = 24.
TEST(PkncaComputeNca, HandComputedIvBolus) {
  const std::vector<double> t = {1, 2, 4}, c = {8, 4, 1};
  NcaOptions o;
  o.dose = 32;
  o.route = Route::kIntravascularBolus;
  const NcaResult r = compute_nca(t, c, o);
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_TRUE(r.c0_imputed);
  EXPECT_REL(r.c0, 16);
  EXPECT_EQ(r.cmax, 8);  // from the samples, not C0
  EXPECT_EQ(r.tmax, 1);
  EXPECT_EQ(r.lambda_z_n_points, 3);
  EXPECT_EQ(r.lambda_z_time_first, 1);
  EXPECT_REL(r.lambda_z, kLn2);
  EXPECT_REL(r.auclast, 15 / kLn2);
  EXPECT_REL(r.aumclast, 15 / (kLn2 * kLn2) - 4 / kLn2);
  EXPECT_REL(r.aucinf_obs, 16 / kLn2);
  EXPECT_REL(r.aumcinf_obs, 16 / (kLn2 * kLn2));
  EXPECT_REL(r.mrt_obs, 1 / kLn2);
  EXPECT_REL(r.cl_obs, 2 * kLn2);
  EXPECT_REL(r.vz_obs, 2);
  EXPECT_REL(r.vss_obs, 2);

  o.auc_method = AucMethod::kLinear;
  const NcaResult lin = compute_nca(t, c, o);
  EXPECT_REL(lin.auclast, 23);
  EXPECT_REL(lin.aumclast, 24);
  EXPECT_REL(lin.lambda_z, kLn2);  // the fit does not depend on the AUC method
}

// A positive sample at t = 0 is C0 itself; otherwise when the second sample is not lower,
// C0 = the first sample (PKNCA's "c1").
TEST(PkncaComputeNca, IvBolusC0Fallbacks) {
  NcaOptions o;
  o.dose = 10;
  o.route = Route::kIntravascularBolus;
  const NcaResult at_zero =
      compute_nca(std::vector<double>{0, 1, 2, 3}, std::vector<double>{20, 8, 4, 2}, o);
  EXPECT_FALSE(at_zero.c0_imputed);
  EXPECT_EQ(at_zero.c0, 20);
  EXPECT_EQ(at_zero.cmax, 20);
  const NcaResult rising =
      compute_nca(std::vector<double>{1, 2, 3, 4}, std::vector<double>{5, 6, 3, 1.5}, o);
  EXPECT_TRUE(rising.c0_imputed);
  EXPECT_EQ(rising.c0, 5);
}

// ---- (c) lambda-z selection and BLQ ----------------------------------------------------------

NcaOptions oral(double dose = 1) {
  NcaOptions o;
  o.dose = dose;
  return o;
}

TEST(PkncaLambdaZ, TooFewPointsIsAStatusNotAnError) {
  const NcaResult r =
      compute_nca(std::vector<double>{0, 1, 2, 3}, std::vector<double>{0, 5, 3, 1}, oral());
  EXPECT_EQ(r.status, NcaStatus::kTooFewHalfLifePoints);
  EXPECT_NE(r.reason.find("2 sample(s)"), std::string::npos) << r.reason;
  EXPECT_EQ(r.half_life_candidates, 2);
  EXPECT_TRUE(std::isnan(r.lambda_z));
  EXPECT_TRUE(std::isnan(r.aucinf_obs));
  EXPECT_TRUE(std::isnan(r.cl_obs));
  EXPECT_EQ(r.lambda_z_n_points, 0);
  EXPECT_EQ(r.tlast, 3);
}

TEST(PkncaLambdaZ, TmaxIsExcludedUnlessAllowed) {
  // Exactly exponential from Tmax on: every fit is perfect, the most points win.
  const std::vector<double> t = {0, 1, 2, 3, 4}, c = {0, 10, 5, 2.5, 1.25};
  const NcaResult r = compute_nca(t, c, oral());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.lambda_z_n_points, 3);
  EXPECT_EQ(r.lambda_z_time_first, 2);
  NcaOptions allow = oral();
  allow.allow_tmax_in_half_life = true;
  const NcaResult with_tmax = compute_nca(t, c, allow);
  EXPECT_EQ(with_tmax.lambda_z_n_points, 4);
  EXPECT_EQ(with_tmax.lambda_z_time_first, 1);
  EXPECT_REL(with_tmax.lambda_z, kLn2);
}

TEST(PkncaLambdaZ, BestAdjustedRSquaredIsTakenOverAllFitsWhateverTheSlope) {
  // The last three points rise exactly (adj. R² = 1, lambda-z < 0): that fit sets the maximum,
  // and no falling fit comes within 1e-4 of it, so none qualifies.
  const std::vector<double> t = {0, 1, 2, 3, 4, 5, 6, 7};
  const std::vector<double> c = {0, 200, 100, 50, 25, 1, 2, 4};
  const NcaResult r = compute_nca(t, c, oral());
  EXPECT_EQ(r.status, NcaStatus::kNoHalfLifeFit);
  EXPECT_EQ(r.half_life_fits, 4);
  EXPECT_TRUE(std::isnan(r.half_life));
  EXPECT_FALSE(r.reason.empty());
}

TEST(PkncaLambdaZ, FewerPointsWinWhenTheirAdjustedRSquaredIsClearlyBetter) {
  // Tail 2^-t exactly at t = 4, 5, 6; the earlier points bend away.
  const std::vector<double> t = {0, 1, 2, 3, 4, 5, 6};
  const std::vector<double> c = {0, 10, 9, 8, 0.5, 0.25, 0.125};
  const NcaResult r = compute_nca(t, c, oral());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.lambda_z_n_points, 3);
  EXPECT_REL(r.lambda_z, kLn2);
  EXPECT_EQ(r.half_life_fits, 3);  // candidates t = 2..6
}

TEST(PkncaLambdaZ, ToleranceIsAbsoluteAndTheComparisonStrict) {
  // Candidates t = 2..6 (c = 5, 6, 8, 8, 1); the fits of the last 3, 4, 5 points have
  // adjusted R² 0.5, 0.2209 and 0.0463 (all with lambda-z > 0), so M = 0.5.
  const std::vector<double> t = {0, 1, 2, 3, 4, 5, 6};
  const std::vector<double> c = {0, 10, 5, 6, 8, 8, 1};
  NcaOptions o = oral();
  const NcaResult narrow = compute_nca(t, c, o);
  ASSERT_TRUE(narrow.ok());
  EXPECT_EQ(narrow.lambda_z_n_points, 3);
  EXPECT_NEAR(narrow.adj_r_squared, 0.5, 1e-12);
  // Factor 0.3: absolute threshold 0.5 - 0.3 = 0.2 admits the 4-point fit (0.2209); a relative
  // one, 0.5 (1 - 0.3) = 0.35, would not.
  o.adj_r_squared_factor = 0.3;
  const NcaResult wide = compute_nca(t, c, o);
  EXPECT_EQ(wide.lambda_z_n_points, 4);
  EXPECT_NEAR(wide.adj_r_squared, 0.22089396350755242, 1e-12);
  // Factor 0: adj. R² > M holds for no fit, not even the best one.
  o.adj_r_squared_factor = 0;
  EXPECT_EQ(compute_nca(t, c, o).status, NcaStatus::kNoHalfLifeFit);
}

TEST(PkncaBlq, ZerosAtTheStartAreKeptInTheMiddleDroppedAtTheEndKept) {
  // t:   0    0.5  1    2    3    4    6    8
  // c:   0    0    4    0    2    1    0    0
  // Kept: the zeros at 0 and 0.5 (before the first positive), those at 6 and 8 (after the last);
  // dropped: the zero at 2. Linear AUC to tlast = 4:
  //   0 + 0.5·(0+4)/2 + 2·(4+2)/2 + 1·(2+1)/2 = 1 + 6 + 1.5 = 8.5
  // (keeping the zero at 2 would give 1 + 2 + 1 + 1.5 = 5.5; dropping the one at 0.5, 2 + ...).
  const std::vector<double> t = {0, 0.5, 1, 2, 3, 4, 6, 8};
  const std::vector<double> c = {0, 0, 4, 0, 2, 1, 0, 0};
  NcaOptions o = oral();
  o.auc_method = AucMethod::kLinear;
  const NcaResult r = compute_nca(t, c, o);
  EXPECT_EQ(r.samples_used, 7);
  EXPECT_REL(r.auclast, 8.5);
  EXPECT_EQ(r.tlast, 4);
  EXPECT_EQ(r.clast_obs, 1);
  EXPECT_EQ(r.status, NcaStatus::kTooFewHalfLifePoints);  // only t = 3, 4 after Tmax
}

TEST(PkncaBlq, ProfileWithoutTimeZeroStartsFromZeroAndAllZeroIsAStatus) {
  // Oral profile sampled from t = 1: (0, 0) is assumed, so the first segment adds 1·(0+4)/2.
  NcaOptions o = oral();
  o.auc_method = AucMethod::kLinear;
  const NcaResult r = compute_nca(std::vector<double>{1, 2, 3}, std::vector<double>{4, 2, 1}, o);
  EXPECT_REL(r.auclast, 2 + 3 + 1.5);
  const NcaResult zero = compute_nca(std::vector<double>{0, 1, 2}, std::vector<double>{0, 0, 0}, o);
  EXPECT_EQ(zero.status, NcaStatus::kNoPositiveConcentration);
  EXPECT_EQ(zero.auclast, 0);
  EXPECT_TRUE(std::isnan(zero.tlast));
}

TEST(PkncaAuc, LogDownOnlyWhereFallingAndPositive) {
  // Segments: rise 0→4 linear 1·(0+4)/2 = 2; fall 4→2 log 2·(2-4)/ln(2/4) = 4/ln2; equal 2→2
  // linear 1·(2+2)/2 = 2.
  const NcaResult r =
      compute_nca(std::vector<double>{0, 1, 3, 4}, std::vector<double>{0, 4, 2, 2}, oral());
  EXPECT_REL(r.auclast, 2 + 4 / kLn2 + 2);
  // TooFewPointsIsAStatusNotAnError: 1·(0+5)/2 + 1·(3-5)/ln(3/5) + 1·(1-3)/ln(1/3).
  const NcaResult few =
      compute_nca(std::vector<double>{0, 1, 2, 3}, std::vector<double>{0, 5, 3, 1}, oral());
  EXPECT_REL(few.auclast, 2.5 + 2 / std::log(5.0 / 3) + 2 / std::log(3.0));
}

// ---- (d) input errors ------------------------------------------------------------------------

void expect_invalid(std::vector<double> t, std::vector<double> c, const NcaOptions& o,
                    const std::string& text) {
  try {
    compute_nca(t, c, o);
    ADD_FAILURE() << "no exception; expected one with '" << text << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}

TEST(PkncaInputErrors, BadProfilesAndOptionsThrow) {
  expect_invalid({0, 1}, {1, 2, 3}, oral(), "time has 2 values but conc has 3");
  expect_invalid({}, {}, oral(), "no samples");
  expect_invalid({0, 2, 2}, {0, 1, 1}, oral(), "time[2] = 2 is not after time[1] = 2");
  expect_invalid({0, 2, 1}, {0, 1, 1}, oral(), "times must increase");
  expect_invalid({-1, 0, 1}, {0, 1, 1}, oral(), "time[0] = -1");
  expect_invalid({0, 1, 2}, {0, -1, 1}, oral(), "conc[1] = -1");
  expect_invalid({0, 1, 2}, {0, std::nan(""), 1}, oral(), "conc[1] = nan");
  expect_invalid({0, 1, 2}, {0, 1, 1}, NcaOptions{}, "dose nan");
  expect_invalid({0, 1, 2}, {0, 1, 1}, oral(0), "dose 0 is not a finite number > 0");
  expect_invalid({0, 1, 2}, {0, 1, 1}, oral(-5), "dose -5");
  NcaOptions infusion = oral();
  infusion.route = Route::kIntravascularInfusion;
  expect_invalid({0, 1, 2}, {0, 1, 1}, infusion, "infusion_duration 0");
  NcaOptions two = oral();
  two.min_half_life_points = 2;
  expect_invalid({0, 1, 2}, {0, 1, 1}, two, "min_half_life_points 2");
}

TEST(PkncaOptions, DefaultsAreValidExceptTheDose) {
  NcaOptions o;
  EXPECT_EQ(o.validate().size(), 1u);
  o.dose = 1;
  EXPECT_TRUE(o.validate().empty());
  o.adj_r_squared_factor = -1;
  o.min_half_life_points = 1;
  EXPECT_EQ(o.validate().size(), 2u);
}

}  // namespace
}  // namespace smartnano::nca
