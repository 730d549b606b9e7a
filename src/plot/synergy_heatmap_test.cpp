// The synergy heatmap: one cell per finite score, the area outline, the colour bar, and the
// "No data" picture for a shape that does not match its labels.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "plot/xml_check.h"
#include "smartnano/plot/trial_plots.h"

namespace smartnano::plot {
namespace {

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

SynergyHeatmap sample() {
  SynergyHeatmap m;
  m.row_labels = {"0", "1", "3", "10"};
  m.col_labels = {"0", "10", "30"};
  m.values = {0, 0, 0, 0, 5.5, -12.0, 0, kNoValue, 25.0, 0, 3.0, 8.0};
  m.area_row = 1;
  m.area_col = 0;
  m.area_rows = 3;
  m.area_cols = 3;
  return m;
}

TEST(SynergyHeatmap, CellsAreaAndColourBar) {
  SynergyHeatmapOptions o;
  o.title = "Bliss: A & B";
  const std::string svg = synergy_heatmap_svg(sample(), o);
  EXPECT_EQ(test_util::xml_problem(svg), "");
  EXPECT_EQ(count(svg, "class=\"heatmap-cell\""), 11);  // the NaN cell is left out
  EXPECT_EQ(count(svg, "class=\"heatmap-area\""), 1);
  EXPECT_EQ(count(svg, "class=\"heatmap-colourbar\""), 1);
  EXPECT_NE(svg.find("3 / 30: 25.00"), std::string::npos);
  EXPECT_NE(svg.find("Bliss: A &amp; B"), std::string::npos);
  // Limit rounded up from 25 to 30; the red end for +25 is not white, the green end for -12 is.
  EXPECT_NE(svg.find(">30<"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

TEST(SynergyHeatmap, MismatchedShapeIsNoData) {
  SynergyHeatmap m = sample();
  m.values.pop_back();
  const std::string svg = synergy_heatmap_svg(m);
  EXPECT_NE(svg.find("no-data"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"heatmap-cell\""), 0);
  SynergyHeatmapOptions bad;
  bad.limit = std::nan("");
  EXPECT_THROW(synergy_heatmap_svg(sample(), bad), std::invalid_argument);
}

}  // namespace
}  // namespace smartnano::plot
