// `smartnano import sbml FILE.xml [-o model.yaml]`: an SBML model as a smartnano model file.
// `smartnano validate sbml DIR`: the SBML import against SBML Test Suite cases (docs/sbml.md).
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "commands/commands.h"
#include "smartnano/core/error.h"
#include "smartnano/model/model.h"
#include "smartnano/sbml/sbml_import.h"
#include "smartnano/sbml/sbml_suite.h"

namespace smartnano::cli {

void add_sbml_commands(CLI::App& app, Action& action) {
  struct ImportArgs {
    std::string file, out;
  };
  auto iargs = std::make_shared<ImportArgs>();
  CLI::App* import = app.add_subcommand("import", "Translate a model from another format");
  import->require_subcommand(1);
  CLI::App* sbml = import->add_subcommand(
      "sbml", "Write an SBML Level 2 or 3 model as an equivalent smartnano model file (YAML)");
  sbml->add_option("file", iargs->file, "SBML file (.xml)")->required();
  sbml->add_option("-o,--out", iargs->out, "model file to write (default: print it)");
  sbml->callback([&action, iargs] {
    action = [iargs] {
      const sbml::SbmlImport imported = sbml::import_sbml_file(iargs->file);
      // Load it once, so a file that the engine would refuse is never written.
      const auto model = model::Model::load_text(imported.yaml, iargs->file);
      if (iargs->out.empty()) {
        std::cout << imported.yaml;
        return kExitOk;
      }
      const std::filesystem::path out(iargs->out);
      if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
      const std::filesystem::path temporary = out.string() + ".tmp-import";
      {
        std::ofstream file(temporary);
        file << imported.yaml;
        if (!file) throw InputError({iargs->out, 0, 0, ""}, "cannot write the model file");
      }
      std::filesystem::rename(temporary, out);
      std::cout << fmt::format("Wrote {}: model '{}', {} states, {} parameters, {} events\n",
                               iargs->out, model->name(), model->states().size(),
                               model->parameters().size(), model->events().size());
      return kExitOk;
    };
  });

  struct SuiteArgs {
    std::string folder;
    sbml::SuiteOptions options;
  };
  auto sargs = std::make_shared<SuiteArgs>();
  CLI::App* validate = app.get_subcommand("validate");
  CLI::App* suite = validate->add_subcommand(
      "sbml",
      "Import and simulate every SBML Test Suite case listed in DIR/index.csv and compare with "
      "its expected results (|C - U| <= T_a + T_r |C|)");
  suite->add_option("folder", sargs->folder, "folder with index.csv and cases/")->required();
  suite->add_option("--threads", sargs->options.threads, "cases run side by side (0: all cores)")
      ->capture_default_str();
  suite->callback([&action, sargs] {
    action = [sargs] {
      const auto report = sbml::run_sbml_suite(sargs->folder, sargs->options);
      std::cout << fmt::format(
          "SBML Test Suite cases in {} (pass: |C - U| <= T_a + T_r |C| at "
          "every time and variable)\n",
          sargs->folder);
      std::cout << report.table();
      return report.passed() ? kExitOk : kExitCheckFailed;
    };
  });
}

}  // namespace smartnano::cli
