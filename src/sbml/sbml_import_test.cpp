// SBML import: species conversions, local parameters, function definitions, rules, events and
// renaming, checked against closed forms; unsupported features and libSBML errors reported.
//
// The reference model: S1 -> S2 in a compartment of size 2, rate k S1 comp (an amount per time,
// as SBML kinetic laws are) with the local parameter k = 0.3. S1 means a concentration
// (initialAmount 1, so [S1](0) = 0.5), S2 an amount (hasOnlySubstanceUnits, initial
// concentration 0.25, so amount 0.5). Then amount N1(t) = exp(-0.3 t), [S1] = N1 / 2 and
// N2(t) = 0.5 + 1 - exp(-0.3 t).
#include "smartnano/sbml/sbml_import.h"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smartnano/events/record.h"
#include "smartnano/simulation/subject_simulator.h"

namespace smartnano::sbml {
namespace {

std::string l3(const std::string& body, const std::string& version = "2") {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version)" +
         version + R"(/core" level="3" version=")" + version + R"(">
  <model id="m">
)" + body +
         R"(
  </model>
</sbml>
)";
}

const std::string kReaction = l3(R"(
    <listOfFunctionDefinitions>
      <functionDefinition id="mass_action">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <lambda><bvar><ci> a </ci></bvar><bvar><ci> b </ci></bvar>
            <apply><times/><ci> a </ci><ci> b </ci></apply></lambda>
        </math>
      </functionDefinition>
    </listOfFunctionDefinitions>
    <listOfCompartments>
      <compartment id="comp" size="2" spatialDimensions="3" constant="true"/>
    </listOfCompartments>
    <listOfSpecies>
      <species id="S1" compartment="comp" initialAmount="1" hasOnlySubstanceUnits="false"
               boundaryCondition="false" constant="false"/>
      <species id="S2" compartment="comp" initialConcentration="0.25" hasOnlySubstanceUnits="true"
               boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters>
      <parameter id="k" value="99" constant="true"/>
      <parameter id="t" value="3" constant="true"/>
      <parameter id="q" constant="false"/>
    </listOfParameters>
    <listOfRules>
      <assignmentRule variable="q">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply><times/><cn> 2 </cn><ci> t </ci></apply>
        </math>
      </assignmentRule>
    </listOfRules>
    <listOfReactions>
      <reaction id="R" reversible="false">
        <listOfReactants><speciesReference species="S1" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="S2" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply><times/><apply><ci> mass_action </ci><ci> k </ci><ci> S1 </ci></apply>
              <ci> comp </ci></apply>
          </math>
          <listOfLocalParameters><localParameter id="k" value="0.3"/></listOfLocalParameters>
        </kineticLaw>
      </reaction>
    </listOfReactions>)");

simulation::SubjectResult simulate(const model::ModelPtr& model, const std::vector<double>& times) {
  simulation::SimulationOptions options;
  options.integrator.relative_tolerance = 1e-10;
  options.integrator.absolute_tolerance = 1e-14;
  simulation::SubjectInput subject;
  for (double t : times) {
    events::Record r;
    r.time = t;
    subject.records.push_back(r);
  }
  return simulation::SubjectSimulator(model, options).simulate(subject);
}

TEST(SbmlImport, SpeciesAmountsConcentrationsLocalParametersAndFunctions) {
  SbmlImportOptions options;
  options.outputs = {{"S1", Quantity::kAmount}, {"S1", Quantity::kConcentration},
                     {"S2", Quantity::kAmount}, {"S2", Quantity::kConcentration},
                     {"R", Quantity::kValue},   {"q", Quantity::kValue}};
  const SbmlImport imported = import_sbml_text(kReaction, "reaction.xml", options);
  EXPECT_EQ(imported.renamed.at("t"), "t_sbml");  // `t` is the engine's time
  EXPECT_EQ(imported.renamed.at("R/k"), "R_k");   // the local k, not the global one (99)
  EXPECT_EQ(imported.output_names.size(), 6u);
  const auto model = model::Model::load_text(imported.yaml, "reaction.xml");
  const std::vector<double> times = {0.0, 1.0, 2.5, 10.0};
  const auto result = simulate(model, times);
  ASSERT_EQ(result.status, simulation::SubjectStatus::kSuccess) << result.message;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double n1 = std::exp(-0.3 * times[i]);
    const double n2 = 1.5 - n1;
    const double* row = result.outputs.data() + 6 * i;
    EXPECT_NEAR(row[0], n1, 1e-8) << "t = " << times[i];
    EXPECT_NEAR(row[1], n1 / 2, 1e-8);
    EXPECT_NEAR(row[2], n2, 1e-8);
    EXPECT_NEAR(row[3], n2 / 2, 1e-8);
    EXPECT_NEAR(row[4], 0.3 * n1, 1e-8);  // k [S1] comp = 0.3 * n1
    EXPECT_DOUBLE_EQ(row[5], 6.0);
  }
}

TEST(SbmlImport, DefaultOutputsAreEverySpeciesAsDeclared) {
  const SbmlImport imported = import_sbml_text(kReaction, "reaction.xml");
  EXPECT_EQ(imported.output_names,
            (std::vector<std::string>{"S1_concentration", "S2_amount", "q_value"}));
  EXPECT_NE(imported.yaml.find("time_unit: s"), std::string::npos);
}

TEST(SbmlImport, AnEventAssignsAParameterOnceItsTriggerBecomesTrue) {
  const std::string xml = l3(R"(
    <listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="S" compartment="c" initialAmount="1" hasOnlySubstanceUnits="true"
               boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters><parameter id="p" value="0" constant="false"/></listOfParameters>
    <listOfRules>
      <rateRule variable="S">
        <math xmlns="http://www.w3.org/1998/Math/MathML"><apply><minus/><ci> S </ci></apply></math>
      </rateRule>
    </listOfRules>
    <listOfEvents>
      <event id="low" useValuesFromTriggerTime="true">
        <trigger initialValue="true" persistent="true">
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply><lt/><ci> S </ci><cn> 0.25 </cn></apply></math>
        </trigger>
        <listOfEventAssignments>
          <eventAssignment variable="p">
            <math xmlns="http://www.w3.org/1998/Math/MathML"><cn> 7 </cn></math>
          </eventAssignment>
          <eventAssignment variable="S">
            <math xmlns="http://www.w3.org/1998/Math/MathML">
              <apply><plus/><ci> S </ci><cn> 1 </cn></apply></math>
          </eventAssignment>
        </listOfEventAssignments>
      </event>
    </listOfEvents>)");
  SbmlImportOptions options;
  options.outputs = {{"S", Quantity::kAmount}, {"p", Quantity::kValue}};
  const auto model = model::Model::load_text(import_sbml_text(xml, "event.xml", options).yaml, "e");
  ASSERT_EQ(model->events().size(), 1u);
  const double fire = std::log(4.0);  // exp(-t) = 1/4
  const auto result = simulate(model, {0.0, 1.0, 2.0});
  ASSERT_EQ(result.status, simulation::SubjectStatus::kSuccess) << result.message;
  EXPECT_DOUBLE_EQ(result.outputs[1], 0.0);
  EXPECT_NEAR(result.outputs[2], std::exp(-1.0), 1e-8);
  EXPECT_NEAR(result.outputs[4], 1.25 * std::exp(-(2.0 - fire)), 1e-8);
  EXPECT_DOUBLE_EQ(result.outputs[5], 7.0);
}

TEST(SbmlImport, Level2ModelsReadTheirKineticLawParametersAsLocal) {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level2/version4" level="2" version="4">
  <model id="l2">
    <listOfCompartments><compartment id="c" size="1"/></listOfCompartments>
    <listOfSpecies><species id="A" compartment="c" initialConcentration="2"/></listOfSpecies>
    <listOfReactions>
      <reaction id="decay" reversible="false">
        <listOfReactants><speciesReference species="A"/></listOfReactants>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply><times/><ci> kd </ci><ci> A </ci><ci> c </ci></apply></math>
          <listOfParameters><parameter id="kd" value="0.5"/></listOfParameters>
        </kineticLaw>
      </reaction>
    </listOfReactions>
  </model>
</sbml>
)";
  const auto model = model::Model::load_text(import_sbml_text(xml, "l2.xml").yaml, "l2.xml");
  const auto result = simulate(model, {0.0, 2.0});
  ASSERT_EQ(result.status, simulation::SubjectStatus::kSuccess) << result.message;
  EXPECT_NEAR(result.outputs[1], 2.0 * std::exp(-1.0), 1e-8);
}

TEST(SbmlImport, UnsupportedFeaturesAreListedTogether) {
  const std::string xml = l3(R"(
    <listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
    <listOfParameters>
      <parameter id="x" value="1" constant="false"/>
      <parameter id="y" value="1" constant="false"/>
    </listOfParameters>
    <listOfRules>
      <algebraicRule>
        <math xmlns="http://www.w3.org/1998/Math/MathML"><apply><minus/><ci> x </ci><ci> y </ci></apply></math>
      </algebraicRule>
    </listOfRules>
    <listOfEvents>
      <event id="late" useValuesFromTriggerTime="true">
        <trigger initialValue="true" persistent="true">
          <math xmlns="http://www.w3.org/1998/Math/MathML"><apply><gt/><ci> x </ci><cn> 2 </cn></apply></math>
        </trigger>
        <delay><math xmlns="http://www.w3.org/1998/Math/MathML"><cn> 1 </cn></math></delay>
        <priority><math xmlns="http://www.w3.org/1998/Math/MathML"><cn> 1 </cn></math></priority>
        <listOfEventAssignments>
          <eventAssignment variable="y"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn> 0 </cn></math></eventAssignment>
        </listOfEventAssignments>
      </event>
    </listOfEvents>)");
  try {
    import_sbml_text(xml, "unsupported.xml");
    FAIL() << "an algebraic rule and a delayed event were accepted";
  } catch (const UnsupportedSbml& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.features().size(), 3u) << what;
    EXPECT_NE(what.find("unsupported.xml"), std::string::npos) << what;
    EXPECT_NE(what.find("algebraic rule (AlgebraicRule) at line "), std::string::npos) << what;
    EXPECT_NE(what.find("event 'late' has a delay (EventWithDelay)"), std::string::npos) << what;
    EXPECT_NE(what.find("event 'late' has a priority (EventPriority)"), std::string::npos) << what;
  }
}

TEST(SbmlImport, LibsbmlErrorsAreReportedWithTheirLine) {
  const std::string broken = l3(R"(
    <listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies><species id="S" compartment="nowhere" initialAmount="1"
      hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/></listOfSpecies>)");
  try {
    import_sbml_text(broken, "broken.xml");
    FAIL() << "a species in an undefined compartment was accepted";
  } catch (const UnsupportedSbml& e) {
    FAIL() << "reported as unsupported instead of invalid: " << e.what();
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("libSBML reports"), std::string::npos) << what;
    EXPECT_NE(what.find("broken.xml:7: "), std::string::npos) << what;
  }
  EXPECT_THROW(import_sbml_text("<sbml><model", "truncated.xml"), InputError);
}

TEST(SbmlImport, SbmlPathsAreRecognisedByTheirExtension) {
  EXPECT_TRUE(is_sbml_path("models/BIOMD0000000012.xml"));
  EXPECT_TRUE(is_sbml_path("a.SBML"));
  EXPECT_FALSE(is_sbml_path("one_cmt_oral"));
  EXPECT_FALSE(is_sbml_path("model.yaml"));
}

}  // namespace
}  // namespace smartnano::sbml
