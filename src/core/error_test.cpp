#include "smartnano/core/error.h"

#include <gtest/gtest.h>

namespace smartnano {
namespace {

TEST(SourceLocation, FormatsOnlyTheKnownParts) {
  EXPECT_EQ((SourceLocation{"a.yaml", 3, 7, "dose"}).to_string(), "a.yaml:3:7: field 'dose'");
  EXPECT_EQ((SourceLocation{"a.csv", 12, 0, ""}).to_string(), "a.csv:12");
  EXPECT_EQ((SourceLocation{"", 0, 0, "CL"}).to_string(), "field 'CL'");
  EXPECT_EQ((SourceLocation{}).to_string(), "");
}

TEST(InputError, MessageStartsWithLocation) {
  const InputError e({"s.yaml", 4, 2, "model"}, "unknown model 'x'");
  EXPECT_STREQ(e.what(), "s.yaml:4:2: field 'model': unknown model 'x'");
  EXPECT_EQ(e.message(), "unknown model 'x'");
  EXPECT_EQ(e.where().line, 4);
}

TEST(DidYouMean, SuggestsCloseCandidatesOnly) {
  const std::vector<std::string> keys = {"parameters", "states", "odes", "outputs"};
  EXPECT_EQ(closest_match("paramters", keys), "parameters");
  EXPECT_EQ(closest_match("ODES", keys), "odes");
  EXPECT_EQ(closest_match("xyzzy", keys), "");
  EXPECT_EQ(did_you_mean("state", keys), " (did you mean 'states'?)");
  EXPECT_EQ(did_you_mean("banana", keys), "");
}

}  // namespace
}  // namespace smartnano
