#include <gtest/gtest.h>

#include "smartnano/barcodes/barcodes.h"
#include "smartnano/core/error.h"

namespace smartnano::barcodes {
namespace {

Whitelist make(std::string_view csv) { return parse_whitelist(csv, "wl.csv"); }

TEST(Whitelist, ReadsBarcodesAndFormulations) {
  const Whitelist w = make("barcode,formulation\nacgtac,LNP-1\r\nTTTTGG,LNP-2\n\n");
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w.barcodes[0], "ACGTAC");
  EXPECT_EQ(w.formulations[1], "LNP-2");
  EXPECT_EQ(w.length, 6);
}

TEST(Whitelist, ErrorsNameTheLine) {
  const auto message = [](std::string_view csv) {
    try {
      make(csv);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("").find("empty"), std::string::npos);
  EXPECT_NE(message("barcode,formulation\n").find("no barcodes"), std::string::npos);
  EXPECT_NE(message("code,formulation\nACGT,a\n").find("no column 'barcode'"), std::string::npos);
  const std::string lengths = message("barcode,formulation\nACGT,a\nACGTA,b\n");
  EXPECT_NE(lengths.find("wl.csv:3"), std::string::npos) << lengths;
  EXPECT_NE(lengths.find("same length"), std::string::npos);
  const std::string bad = message("barcode,formulation\nACGT,a\nACNT,b\n");
  EXPECT_NE(bad.find("wl.csv:3:3"), std::string::npos) << bad;
  const std::string duplicate = message("barcode,formulation\nACGT,a\nacgt,b\n");
  EXPECT_NE(duplicate.find("also on line 2"), std::string::npos) << duplicate;
}

TEST(Matcher, ExactOnlyWithZeroMismatches) {
  const Whitelist w = make("barcode,formulation\nAAAA,a\nCCCC,c\n");
  const BarcodeMatcher m(w, 0);
  EXPECT_EQ(m.match("AAAA").kind, MatchKind::kExact);
  EXPECT_EQ(m.match("CCCC").barcode, 1);
  EXPECT_EQ(m.match("AAAT").kind, MatchKind::kUnmatched);
  EXPECT_EQ(m.match("AANA").kind, MatchKind::kUnmatched);
  EXPECT_EQ(m.table_entries(), 2u);
}

TEST(Matcher, OneMismatchAndAmbiguousNeighbours) {
  // AAAA and AACC are two substitutions apart: AAAC and AACA are one from both.
  const Whitelist w = make("barcode,formulation\nAAAA,a\nAACC,c\nGGGG,g\n");
  const BarcodeMatcher m(w, 1);
  EXPECT_EQ(m.match("AAAA").kind, MatchKind::kExact);
  const Match one = m.match("TAAA");
  EXPECT_EQ(one.kind, MatchKind::kOneMismatch);
  EXPECT_EQ(one.barcode, 0);
  EXPECT_EQ(m.match("GGTG").barcode, 2);
  EXPECT_EQ(m.match("AAAC").kind, MatchKind::kAmbiguous);
  EXPECT_EQ(m.match("AACA").kind, MatchKind::kAmbiguous);
  EXPECT_EQ(m.match("AAAC").barcode, -1);
  EXPECT_EQ(m.ambiguous_neighbours(), 2u);
  EXPECT_EQ(m.match("TTTT").kind, MatchKind::kUnmatched);
  // An N is the one mismatch.
  EXPECT_EQ(m.match("GNGG").kind, MatchKind::kOneMismatch);
  EXPECT_EQ(m.match("AANC").barcode, 1);                   // AACC
  EXPECT_EQ(m.match("AANT").kind, MatchKind::kUnmatched);  // no barcode AA?T
  EXPECT_EQ(m.match("ANAA").barcode, 0);
  EXPECT_EQ(m.match("NNGG").kind, MatchKind::kUnmatched);
}

TEST(Matcher, BarcodesAtDistanceOneStayExact) {
  const Whitelist w = make("barcode,formulation\nAAAA,a\nAAAT,t\n");
  const BarcodeMatcher m(w, 1);
  EXPECT_EQ(m.match("AAAA").kind, MatchKind::kExact);
  EXPECT_EQ(m.match("AAAT").kind, MatchKind::kExact);
  EXPECT_EQ(m.match("AAAT").barcode, 1);
  EXPECT_EQ(m.match("AAAG").kind, MatchKind::kAmbiguous);  // one from both
  EXPECT_EQ(m.match("AANA").kind, MatchKind::kOneMismatch);
  EXPECT_EQ(m.match("AAAN").kind, MatchKind::kAmbiguous);
}

TEST(Matcher, RejectsBadMismatches) {
  const Whitelist w = make("barcode,formulation\nAAAA,a\n");
  EXPECT_THROW(BarcodeMatcher(w, 2), std::invalid_argument);
}

}  // namespace
}  // namespace smartnano::barcodes
