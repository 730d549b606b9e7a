// Tests of the NCA readers and writers (nca_io.cpp): the reference input format, general
// tables such as results.csv, errors with file, line and column, and the CSV / table output.
// compute_nca itself and the PKNCA validation: nca_test.cpp.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>

#include "nca/nca_test_support.h"
#include "smartnano/core/csv.h"
#include "smartnano/core/error.h"
#include "smartnano/nca/nca.h"

namespace smartnano::nca {
namespace {

const double kLn2 = std::log(2.0);
const std::vector<double> kHandTime = {0, 1, 2, 4, 6};
const std::vector<double> kHandConc = {0, 8, 4, 2, 1};

using test_support::CsvTable;
using test_support::parse_csv;

std::optional<double> to_number(const std::string& text) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

SourceLocation where_parse_fails(const std::string& text, const std::string& message) {
  try {
    parse_nca_input(text, "in.csv");
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find(message), std::string::npos) << e.what();
    EXPECT_EQ(e.where().file, "in.csv");
    return e.where();
  }
  ADD_FAILURE() << "no InputError for: " << text;
  return {};
}

TEST(PkncaReadInput, GroupsSubjectsAndDropsMissingConcentrations) {
  const auto p = parse_nca_input(
      "subject,time,conc,dose,route\n"
      "7,0,0,5,extravascular\n"
      "7,1,NA,5,extravascular\n"
      "7,2,3,5,extravascular\n"
      "\n"
      "x,0.5,2,25,Intravascular\n",
      "in.csv");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].subject, "7");
  EXPECT_EQ(p[0].time, (std::vector<double>{0, 2}));
  EXPECT_EQ(p[0].conc, (std::vector<double>{0, 3}));
  EXPECT_EQ(p[0].dose, 5);
  EXPECT_EQ(p[0].route, Route::kExtravascular);
  EXPECT_EQ(p[1].route, Route::kIntravascularBolus);
  EXPECT_EQ(p[1].first_line, 6);
}

TEST(PkncaReadInput, ErrorsNameFileLineAndColumn) {
  const std::string header = "subject,time,conc,dose,route\n";
  SourceLocation w = where_parse_fails("subject,time,concentration,dose,route\n1,0,1,1,oral\n",
                                       "missing required column 'conc'");
  EXPECT_EQ(w.line, 1);
  EXPECT_EQ(w.field, "conc");
  w = where_parse_fails(header + "1,0,1,1,extravascular\n1,1,abc,1,extravascular\n",
                        "'abc' is not a finite number");
  EXPECT_EQ(w.line, 3);
  EXPECT_EQ(w.column, 3);
  EXPECT_EQ(w.field, "conc");
  w = where_parse_fails(header + "1,0,-2,1,extravascular\n", "negative concentration");
  EXPECT_EQ(w.line, 2);
  EXPECT_EQ(w.column, 3);
  w = where_parse_fails(header + "1,1,1,1,extravascular\n1,0.5,1,1,extravascular\n",
                        "time 0.5 is not after the previous time 1 of subject 1");
  EXPECT_EQ(w.line, 3);
  EXPECT_EQ(w.column, 2);
  w = where_parse_fails(header + "1,0,1,1,intravascualr\n", "did you mean 'intravascular'");
  EXPECT_EQ(w.column, 5);
  w = where_parse_fails(header + "1,0,1,1,extravascular\n1,1,1,2,extravascular\n",
                        "differs from subject 1's dose 1");
  EXPECT_EQ(w.line, 3);
  EXPECT_EQ(w.field, "dose");
  w = where_parse_fails(header + "1,0,1,0,extravascular\n", "dose 0 is not > 0");
  EXPECT_EQ(w.field, "dose");
  w = where_parse_fails(header + "1,0,1\n", "expected 5 fields");
  EXPECT_EQ(w.line, 2);
  w = where_parse_fails("", "empty");
  EXPECT_THROW(read_nca_input("/nonexistent/nca_input.csv"), InputError);
}

TEST(PkncaReadTable, ReadsResultsCsvWithEvidZeroRowsOnly) {
  const std::string results =
      "ID,TIME,EVID,CP,AMT_DEPOT\n"
      "1,0,1,0,100\n"
      "1,0,0,0,100\n"
      "1,1,0,8,50\n"
      "1,2,0,4,20\n"
      "1,4,0,2,5\n"
      "1,6,0,1,1\n"
      "2,0,0,0,0\n"
      "2,1,0,NA,0\n";
  TableColumns columns;
  columns.conc = "cp";  // case-insensitive
  const auto p =
      parse_concentration_table(results, "results.csv", columns, 100, Route::kExtravascular);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].time, kHandTime);
  EXPECT_EQ(p[0].conc, kHandConc);
  EXPECT_EQ(p[0].dose, 100);
  EXPECT_EQ(p[1].time, (std::vector<double>{0}));
  const auto r = analyse_profiles(p, NcaOptions{});
  // The profile of nca_test.cpp's hand-computed example (dose 100): AUClast = 4 + 10/ln2.
  ASSERT_TRUE(r[0].result.ok());
  EXPECT_NEAR(r[0].result.auclast, 4 + 10 / kLn2, 1e-13);
  EXPECT_EQ(r[0].result.dose, 100);
  EXPECT_NEAR(r[0].result.lambda_z, kLn2 / 2, 1e-15);
  EXPECT_EQ(r[1].result.status, NcaStatus::kNoPositiveConcentration);

  columns.conc = "CONC";
  try {
    parse_concentration_table(results, "results.csv", columns, 100, Route::kExtravascular);
    ADD_FAILURE() << "no error for a missing column";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "CONC");
    EXPECT_EQ(e.where().line, 1);
  }
  columns.conc = "CP";
  EXPECT_THROW(parse_concentration_table(results, "r.csv", columns, 0, Route::kExtravascular),
               std::invalid_argument);
}

TEST(PkncaFormat, CsvShortestRoundTripAndNaAndTable) {
  NcaOptions o;
  o.dose = 0.1;
  std::vector<SubjectNca> s = {
      {"a", compute_nca(kHandTime, kHandConc, o)},
      {"b,c", compute_nca(std::vector<double>{0, 1, 2}, std::vector<double>{0, 3, 1}, o)}};
  const std::string csv = format_nca_csv(s);
  const CsvTable t = parse_csv(csv);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.column("c0"), -1);  // no IV subject
  EXPECT_EQ(t.rows[0][1], "0.1");
  EXPECT_EQ(t.rows[0][2], "lin up/log down");
  EXPECT_EQ(t.rows[1][0], "b,c");
  EXPECT_EQ(t.rows[1][static_cast<std::size_t>(t.column("lambda.z"))], "NA");
  EXPECT_EQ(*to_number(t.rows[0][static_cast<std::size_t>(t.column("aucinf.obs"))]),
            s[0].result.aucinf_obs);  // reads back to the same double
  const std::string table = format_nca_table(s);
  EXPECT_NE(table.find("subject b,c: too few points for lambda-z"), std::string::npos) << table;
  EXPECT_EQ(nca_parameter(s[0].result, "lambda.z.n.points"), 3.0);
  EXPECT_FALSE(nca_parameter(s[0].result, "cmin").has_value());
  EXPECT_EQ(nca_parameter_names(false).size() + 2, nca_parameter_names(true).size());
}

TEST(PkncaAucMethodNames, ParseAndPrint) {
  EXPECT_EQ(parse_auc_method("lin up/log down"), AucMethod::kLinearUpLogDown);
  EXPECT_EQ(parse_auc_method("Lin-Up-Log-Down"), AucMethod::kLinearUpLogDown);
  EXPECT_EQ(parse_auc_method("linear"), AucMethod::kLinear);
  EXPECT_FALSE(parse_auc_method("log").has_value());
  EXPECT_EQ(to_string(AucMethod::kLinear), "linear");
}

}  // namespace
}  // namespace smartnano::nca
