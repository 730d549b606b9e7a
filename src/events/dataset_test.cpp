#include "smartnano/events/dataset.h"

#include <string>

#include <gtest/gtest.h>

#include "smartnano/core/error.h"

namespace smartnano::events {
namespace {

const std::string kFile = "data.csv";

DataSet parse(const std::string& text) { return parse_nonmem_csv(text, kFile); }

// The InputError thrown while parsing `text`; a test failure when nothing is thrown.
InputError parse_error(const std::string& text) {
  try {
    parse(text);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError for:\n" << text;
  return InputError({}, "");
}

// Checks the location an error names and that its message contains `fragment`.
void expect_error_at(const InputError& e, int line, int column, const std::string& field,
                     const std::string& fragment) {
  EXPECT_EQ(e.where().file, kFile);
  EXPECT_EQ(e.where().line, line);
  EXPECT_EQ(e.where().column, column);
  EXPECT_EQ(e.where().field, field);
  EXPECT_NE(e.message().find(fragment), std::string::npos)
      << "message '" << e.message() << "' lacks '" << fragment << "'";
  // what() starts with the location, so a user sees where without reading the code.
  EXPECT_EQ(std::string(e.what()).rfind(e.where().to_string() + ": ", 0), 0u) << e.what();
}

// ---------------------------------------------------------------------------------------------
// Reading

TEST(ParseNonmemCsv, ReadsEveryReservedColumn) {
  const DataSet data = parse(
      "ID,TIME,EVID,AMT,CMT,RATE,SS,II,ADDL,MDV,DV\n"
      "1,0,1,100,1,0,0,24,3,1,.\n"
      "1,0.5,0,0,2,0,0,0,0,0,12.5\n"
      "1,24,1,50,2,-1,0,0,0,1,.\n"
      "1,48,1,50,2,-2,0,0,0,1,.\n"
      "1,72,1,50,2,10,1,24,0,1,.\n"
      "1,96,4,20,1,0,2,12,0,1,.\n"
      "1,100,3,0,0,0,0,0,0,1,.\n"
      "1,101,2,0,0,0,0,0,0,1,.\n");
  EXPECT_EQ(data.file, kFile);
  EXPECT_TRUE(data.covariate_names.empty()) << "MDV and DV are not covariates";
  ASSERT_EQ(data.subjects.size(), 1u);
  const Subject& s = data.subjects[0];
  EXPECT_EQ(s.id, 1.0);
  EXPECT_TRUE(s.covariates.empty());
  ASSERT_EQ(s.records.size(), 8u);

  const Record& bolus = s.records[0];
  EXPECT_EQ(bolus.line, 2);
  EXPECT_EQ(bolus.time, 0.0);
  EXPECT_EQ(bolus.kind, RecordKind::kDose);
  EXPECT_EQ(bolus.amount, 100.0);
  EXPECT_EQ(bolus.compartment, 1);
  EXPECT_EQ(bolus.rate_mode, RateMode::kBolus);
  EXPECT_EQ(bolus.ss, SteadyState::kNone);
  EXPECT_EQ(bolus.interval, 24.0);
  EXPECT_EQ(bolus.additional, 3);

  const Record& obs = s.records[1];
  EXPECT_EQ(obs.line, 3);
  EXPECT_EQ(obs.time, 0.5);
  EXPECT_EQ(obs.kind, RecordKind::kObservation);
  EXPECT_EQ(obs.compartment, 2);

  EXPECT_EQ(s.records[2].rate_mode, RateMode::kModelledRate);
  EXPECT_EQ(s.records[3].rate_mode, RateMode::kModelledDuration);

  const Record& infusion = s.records[4];
  EXPECT_EQ(infusion.rate_mode, RateMode::kFixedRate);
  EXPECT_EQ(infusion.rate, 10.0);
  EXPECT_EQ(infusion.ss, SteadyState::kReset);
  EXPECT_EQ(infusion.interval, 24.0);

  const Record& reset_dose = s.records[5];
  EXPECT_EQ(reset_dose.kind, RecordKind::kResetAndDose);
  EXPECT_EQ(reset_dose.ss, SteadyState::kAdd);
  EXPECT_EQ(reset_dose.interval, 12.0);

  EXPECT_EQ(s.records[6].kind, RecordKind::kReset);
  EXPECT_EQ(s.records[7].kind, RecordKind::kOther);
  EXPECT_EQ(s.records[7].line, 9);
}

TEST(ParseNonmemCsv, HeadersAreCaseInsensitiveAndCovariatesUpperCase) {
  const DataSet data = parse(
      "id,Time,evid,Amt,cMt,wt\n"
      "7,0,1,5,2,70.5\n");
  ASSERT_EQ(data.covariate_names.size(), 1u);
  EXPECT_EQ(data.covariate_names[0], "WT");
  EXPECT_EQ(data.covariate_index("WT"), 0);
  EXPECT_EQ(data.covariate_index("wt"), -1) << "covariate names are stored upper case";
  EXPECT_EQ(data.covariate_index("AGE"), -1);
  ASSERT_EQ(data.subjects.size(), 1u);
  EXPECT_EQ(data.subjects[0].id, 7.0);
  const Record& r = data.subjects[0].records.at(0);
  EXPECT_EQ(r.kind, RecordKind::kDose);
  EXPECT_EQ(r.amount, 5.0);
  EXPECT_EQ(r.compartment, 2);
  EXPECT_EQ(data.subjects[0].covariates, std::vector<double>{70.5});
}

TEST(ParseNonmemCsv, DotAndEmptyFieldsReadAsZero) {
  const DataSet data = parse(
      "ID,TIME,AMT,CMT,II,ADDL,WT\n"
      "1,.,.,.,.,.,.\n"
      "1,2, ,,,,\n");
  ASSERT_EQ(data.subjects.size(), 1u);
  const auto& records = data.subjects[0].records;
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].time, 0.0);
  EXPECT_EQ(records[0].amount, 0.0);
  EXPECT_EQ(records[0].compartment, 0);
  EXPECT_EQ(records[0].kind, RecordKind::kObservation);
  EXPECT_EQ(records[1].time, 2.0);
  EXPECT_EQ(data.subjects[0].covariates, (std::vector<double>{0.0, 0.0}));
}

TEST(ParseNonmemCsv, KeepsCovariateColumnsInFileOrderRowMajor) {
  const DataSet data = parse(
      "WT,ID,AGE,TIME,DV,SEX,AMT,CRCL\n"
      "70,1,40,0,0,1,100,90\n"
      "71,1,41,1,3.2,1,0,91\n"
      "55,2,30,0,0,0,50,120\n");
  ASSERT_EQ(data.covariate_names, (std::vector<std::string>{"WT", "AGE", "SEX", "CRCL"}));
  EXPECT_EQ(data.covariate_index("CRCL"), 3);
  ASSERT_EQ(data.subjects.size(), 2u);
  EXPECT_EQ(data.subjects[0].covariates, (std::vector<double>{70, 40, 1, 90, 71, 41, 1, 91}));
  EXPECT_EQ(data.subjects[1].covariates, (std::vector<double>{55, 30, 0, 120}));
  EXPECT_EQ(data.subjects[1].records.at(0).amount, 50.0);
}

TEST(ParseNonmemCsv, EvidDefaultsFromAmtWithoutEvidColumn) {
  const DataSet data = parse(
      "ID,TIME,AMT\n"
      "1,0,100\n"
      "1,1,0\n"
      "1,2,.\n"
      "1,3,0.001\n");
  const auto& records = data.subjects.at(0).records;
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].kind, RecordKind::kDose);
  EXPECT_EQ(records[1].kind, RecordKind::kObservation);
  EXPECT_EQ(records[2].kind, RecordKind::kObservation);
  EXPECT_EQ(records[3].kind, RecordKind::kDose);
}

TEST(ParseNonmemCsv, StartsASubjectWhereverTheIdChanges) {
  // As in NONMEM, a repeated ID after another one is a new individual, and its time may start
  // over without being an error.
  const DataSet data = parse(
      "ID,TIME,AMT\n"
      "1,0,10\n"
      "1,5,0\n"
      "2,0,20\n"
      "2,10,0\n"
      "2,11,0\n"
      "1,0,30\n");
  ASSERT_EQ(data.subjects.size(), 3u);
  EXPECT_EQ(data.subjects[0].id, 1.0);
  EXPECT_EQ(data.subjects[0].records.size(), 2u);
  EXPECT_EQ(data.subjects[1].id, 2.0);
  EXPECT_EQ(data.subjects[1].records.size(), 3u);
  EXPECT_EQ(data.subjects[2].id, 1.0);
  ASSERT_EQ(data.subjects[2].records.size(), 1u);
  EXPECT_EQ(data.subjects[2].records[0].amount, 30.0);
  EXPECT_EQ(data.subjects[2].records[0].line, 7);
}

TEST(ParseNonmemCsv, SkipsCommentsBlankLinesAndCRows) {
  const DataSet data = parse(
      "# a comment before the header\n"
      "\n"
      "C,ID,TIME,AMT\n"
      ".,1,0,100\n"
      "  # an indented comment\n"
      "C,1,1,999\n"
      "c,1,2,999\n"
      "\r\n"
      ".,1,3,0\r\n"
      "#1,4,0,0\n");
  ASSERT_EQ(data.subjects.size(), 1u);
  const auto& records = data.subjects[0].records;
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].amount, 100.0);
  EXPECT_EQ(records[0].line, 4);
  EXPECT_EQ(records[1].time, 3.0);
  EXPECT_EQ(records[1].line, 9);
  EXPECT_TRUE(data.covariate_names.empty()) << "C is not a covariate";
}

TEST(ParseNonmemCsv, AcceptsAConstantInfusionAtSteadyStateWithoutII) {
  const DataSet data = parse(
      "ID,TIME,AMT,RATE,SS,II\n"
      "1,0,0,5,1,0\n");
  const Record& r = data.subjects.at(0).records.at(0);
  EXPECT_EQ(r.ss, SteadyState::kReset);
  EXPECT_EQ(r.rate_mode, RateMode::kFixedRate);
  EXPECT_EQ(r.rate, 5.0);
}

TEST(ParseNonmemCsv, ObservationWithAddlButNoIIIsNotADoseError) {
  // The II checks apply to doses; an observation row's ADDL is ignored.
  const DataSet data = parse(
      "ID,TIME,EVID,AMT,II,ADDL\n"
      "1,0,0,0,0,2\n");
  EXPECT_EQ(data.subjects.at(0).records.at(0).kind, RecordKind::kObservation);
}

// ---------------------------------------------------------------------------------------------
// Errors: each names the file, the line, the column and the field.

TEST(ParseNonmemCsvErrors, MissingIdColumn) {
  const InputError e = parse_error("# header follows\nTIME,AMT\n0,1\n");
  expect_error_at(e, 2, 0, "ID", "missing required column ID");
}

TEST(ParseNonmemCsvErrors, MissingTimeColumnSuggestsTheMisspelling) {
  const InputError e = parse_error("ID,TIEM,AMT\n1,0,1\n");
  expect_error_at(e, 1, 0, "TIME", "missing required column TIME");
  EXPECT_NE(e.message().find("is 'TIEM' a misspelling of it?"), std::string::npos) << e.message();
}

TEST(ParseNonmemCsvErrors, MissingColumnWithoutCloseNameHasNoSuggestion) {
  const InputError e = parse_error("ID,DOSE\n1,0\n");
  expect_error_at(e, 1, 0, "TIME", "missing required column TIME");
  EXPECT_EQ(e.message().find("did you mean"), std::string::npos) << e.message();
}

TEST(ParseNonmemCsvErrors, NonNumericValueNamesTheColumnAsWritten) {
  const InputError e = parse_error("id,time,amt\n1,0,10\n1,abc,0\n");
  expect_error_at(e, 3, 2, "time", "'abc' is not a number");
}

TEST(ParseNonmemCsvErrors, NonNumericCovariate) {
  const InputError e = parse_error("ID,TIME,WT\n1,0,70\n1,1,heavy\n");
  expect_error_at(e, 3, 3, "WT", "'heavy' is not a number");
}

TEST(ParseNonmemCsvErrors, NumberWithTrailingTextIsNotANumber) {
  const InputError e = parse_error("ID,TIME,AMT\n1,0,10mg\n");
  expect_error_at(e, 2, 3, "AMT", "'10mg' is not a number");
}

TEST(ParseNonmemCsvErrors, UnknownEvid) {
  expect_error_at(parse_error("ID,TIME,AMT,EVID\n1,0,1,1\n1,1,0,5\n"), 3, 4, "EVID",
                  "EVID 5 is not one of 0, 1, 2, 3, 4");
  expect_error_at(parse_error("ID,TIME,EVID\n1,0,1.5\n"), 2, 3, "EVID", "is not one of");
}

TEST(ParseNonmemCsvErrors, NegativeAmt) {
  expect_error_at(parse_error("ID,TIME,AMT\n1,0,-10\n"), 2, 3, "AMT", "negative dose AMT = -10");
}

TEST(ParseNonmemCsvErrors, BadRate) {
  expect_error_at(parse_error("ID,TIME,AMT,RATE\n1,0,10,-3\n"), 2, 4, "RATE",
                  "RATE -3 is not >= 0, -1 or -2");
}

TEST(ParseNonmemCsvErrors, SteadyStateFlagOutOfRange) {
  expect_error_at(parse_error("ID,TIME,AMT,SS,II\n1,0,10,3,24\n"), 2, 4, "SS",
                  "SS 3 is not 0, 1 or 2");
}

TEST(ParseNonmemCsvErrors, AddlWithoutII) {
  // With an II column the error points at it; without one, at the row.
  expect_error_at(parse_error("ID,TIME,AMT,II,ADDL\n1,0,10,0,3\n"), 2, 4, "II",
                  "ADDL = 3 needs II > 0");
  expect_error_at(parse_error("ID,TIME,AMT,ADDL\n1,0,10,3\n"), 2, 0, "II", "ADDL = 3 needs II > 0");
}

TEST(ParseNonmemCsvErrors, SteadyStateWithoutII) {
  expect_error_at(parse_error("ID,TIME,AMT,SS,II\n1,0,10,1,0\n"), 2, 5, "II",
                  "a steady-state dose needs II > 0");
  // A steady-state bolus is not a constant infusion, even with AMT = 0 and no RATE.
  expect_error_at(parse_error("ID,TIME,EVID,AMT,SS\n1,0,1,0,2\n"), 2, 0, "II",
                  "a steady-state dose needs II > 0");
}

TEST(ParseNonmemCsvErrors, NegativeIIAndFractionalAddl) {
  expect_error_at(parse_error("ID,TIME,AMT,II\n1,0,10,-24\n"), 2, 4, "II", "negative II = -24");
  expect_error_at(parse_error("ID,TIME,AMT,II,ADDL\n1,0,10,24,1.5\n"), 2, 5, "ADDL",
                  "ADDL 1.5 is not a whole number >= 0");
}

TEST(ParseNonmemCsvErrors, TimeGoingBackWithinAnId) {
  const InputError e = parse_error("ID,TIME,AMT\n1,0,10\n1,2,0\n# note\n1,1,0\n");
  expect_error_at(e, 5, 2, "TIME", "time 1 goes back within ID 1");
  EXPECT_NE(e.message().find("line 3 has time 2"), std::string::npos) << e.message();
}

TEST(ParseNonmemCsvErrors, WrongFieldCount) {
  expect_error_at(parse_error("ID,TIME,AMT,CMT\n1,0,10,1\n1,1,0\n"), 3, 0, "",
                  "expected 4 fields as in the header, found 3");
  expect_error_at(parse_error("ID,TIME\n1,0,5\n"), 2, 0, "",
                  "expected 2 fields as in the header, found 3");
}

TEST(ParseNonmemCsvErrors, EmptyDataSetAndDuplicateColumn) {
  const InputError empty = parse_error("# only a comment\n\n");
  EXPECT_EQ(empty.where().file, kFile);
  EXPECT_NE(empty.message().find("empty"), std::string::npos) << empty.message();
  expect_error_at(parse_error("ID,TIME,time\n1,0,0\n"), 1, 3, "time", "column appears twice");
}

// ---------------------------------------------------------------------------------------------
// Files

TEST(ReadNonmemCsv, ReadsAnNmtestsDataSet) {
  const std::string path = SMARTNANO_SHARED_DIR "/validation/nmtests/dosing_1001_id01.csv";
  const DataSet data = read_nonmem_csv(path);
  EXPECT_EQ(data.file, path);
  ASSERT_EQ(data.subjects.size(), 1u);
  const Subject& s = data.subjects[0];
  EXPECT_EQ(s.id, 1.0);
  ASSERT_EQ(s.records.size(), 132u);
  int doses = 0;
  for (const Record& r : s.records) doses += is_dose(r.kind) ? 1 : 0;
  EXPECT_EQ(doses, 1);
  const Record& dose = s.records[0];
  EXPECT_EQ(dose.kind, RecordKind::kDose);
  EXPECT_EQ(dose.amount, 100.0);
  EXPECT_EQ(dose.compartment, 1);
  EXPECT_EQ(dose.interval, 24.0);
  EXPECT_EQ(dose.additional, 3);
  EXPECT_EQ(s.records.back().time, 130.0);
  EXPECT_EQ(s.records.back().line, 133);
  EXPECT_EQ(data.covariate_names, (std::vector<std::string>{"LAGT", "MODE", "DUR2", "RAT2", "BIOAV",
                                                            "CP_NONMEM", "CP_MRGSOLVE"}));
  EXPECT_EQ(s.covariates.size(), 132u * 7u);
  EXPECT_EQ(s.covariates[data.covariate_index("DUR2")], 2.0);
}

TEST(ReadNonmemCsv, MissingFileNamesThePath) {
  const std::string path = "/nonexistent/folder/data.csv";
  try {
    read_nonmem_csv(path);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, path);
    EXPECT_NE(e.message().find("cannot open"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace smartnano::events
