#include <cmath>

#include <gtest/gtest.h>

#include "smartnano/barcodes/barcodes.h"

namespace smartnano::barcodes {
namespace {

SampleCounts sample(const std::string& name, std::vector<std::uint64_t> counts) {
  SampleCounts s;
  s.sample = name;
  s.counts = std::move(counts);
  for (std::uint64_t c : s.counts) s.exact += c;
  s.total_reads = s.exact + 5;
  s.unmatched = 5;
  return s;
}

const Whitelist kWhitelist = parse_whitelist(
    "barcode,formulation\nACGTACGT,LNP-A\nTTGGCCAA,LNP-B\nGATTACAG,LNP-C\n", "wl.csv");

TEST(Delivery, TissueFractionOverInputFraction) {
  // Input pool 50/30/20 (per 100 matched reads); liver 80/20/0; spleen has no matched read.
  const std::vector<SampleCounts> samples = {
      sample("liver", {40, 10, 0}), sample("pool", {50, 30, 20}), sample("spleen", {0, 0, 0})};
  const std::vector<DeliveryRow> rows = delivery_table(samples, "pool");
  ASSERT_EQ(rows.size(), 6u);  // liver and spleen, 3 barcodes each; the input has no rows
  EXPECT_EQ(rows[0].sample, "liver");
  EXPECT_DOUBLE_EQ(rows[0].fraction, 0.8);
  EXPECT_DOUBLE_EQ(rows[0].input_fraction, 0.5);
  EXPECT_DOUBLE_EQ(rows[0].delivery, 1.6);
  EXPECT_DOUBLE_EQ(rows[1].delivery, 0.2 / 0.3);
  EXPECT_EQ(rows[2].count, 0u);
  EXPECT_DOUBLE_EQ(rows[2].delivery, 0.0);  // seen in the pool, not in the liver
  EXPECT_EQ(rows[3].sample, "spleen");
  EXPECT_TRUE(std::isnan(rows[3].fraction));  // no matched read: 0 / 0
  EXPECT_TRUE(std::isnan(rows[3].delivery));
  EXPECT_DOUBLE_EQ(rows[3].input_fraction, 0.5);

  const std::string csv = format_delivery_csv(rows, kWhitelist);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "sample,barcode,formulation,count,fraction,input_count,input_fraction,delivery");
  EXPECT_NE(csv.find("\nliver,ACGTACGT,LNP-A,40,0.8,50,0.5,1.6\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nliver,TTGGCCAA,LNP-B,10,0.2,30,0.3,0.666667\n"), std::string::npos);
  EXPECT_NE(csv.find("\nspleen,ACGTACGT,LNP-A,0,,50,0.5,\n"), std::string::npos) << csv;
}

TEST(Delivery, BarcodeMissingFromTheInputHasNoDelivery) {
  const std::vector<DeliveryRow> rows =
      delivery_table({sample("input", {10, 0, 10}), sample("tumour", {1, 3, 0})}, "input");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].input_count, 0u);
  EXPECT_DOUBLE_EQ(rows[1].input_fraction, 0.0);
  EXPECT_DOUBLE_EQ(rows[1].fraction, 0.75);
  EXPECT_TRUE(std::isnan(rows[1].delivery));  // unknown, not infinite
  EXPECT_DOUBLE_EQ(rows[0].delivery, 0.25 / 0.5);
  EXPECT_NE(format_delivery_csv(rows, kWhitelist).find("tumour,TTGGCCAA,LNP-B,3,0.75,0,0,\n"),
            std::string::npos);
}

TEST(Delivery, BadInputSampleIsAnError) {
  const std::vector<SampleCounts> samples = {sample("liver", {1, 2, 3}), sample("pool", {0, 0, 0})};
  EXPECT_THROW(delivery_table(samples, "blood"), std::invalid_argument);  // not a sample
  EXPECT_THROW(delivery_table(samples, "pool"), std::invalid_argument);   // no matched read
  EXPECT_THROW(delivery_table({sample("pool", {1, 1, 1})}, "pool"), std::invalid_argument);
  try {
    delivery_table(samples, "blood");
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'blood'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace smartnano::barcodes
