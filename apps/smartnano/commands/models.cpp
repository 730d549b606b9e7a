// `smartnano models`: the built-in models, with their states, parameters and outputs.
#include <iostream>

#include <fmt/format.h>

#include "commands/commands.h"
#include "smartnano/model/model.h"

namespace smartnano::cli {

void add_models_command(CLI::App& app, Action& action) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("models", "List the built-in models, or describe one");
  cmd->add_option("model", *name, "a built-in model name or a model file to describe");
  cmd->callback([&action, name] {
    action = [name] {
      if (name->empty()) {
        for (const auto& n : model::builtin_model_names()) {
          const auto m = model::load_builtin_model(n);
          std::cout << fmt::format("{:<24} {} states, {} parameters\n", n, m->states().size(),
                                   m->parameters().size());
        }
        return kExitOk;
      }
      const auto m = model::load_model(*name);
      std::cout << fmt::format("model {} ({})\n{}\ntime unit: {}\n", m->name(), m->file(),
                               m->description(), m->time_unit().text);
      std::cout << "states (CMT = position):\n";
      for (std::size_t i = 0; i < m->states().size(); ++i) {
        const auto& s = m->states()[i];
        std::cout << fmt::format("  {:>2} {:<12} [{}] {}\n", i + 1, s.name, s.unit.text,
                                 s.description);
      }
      std::cout << "parameters:\n";
      for (const auto& p : m->parameters()) {
        std::cout << fmt::format("  {:<12} {:>12g} [{}] {}\n      source: {}\n", p.name, p.value,
                                 p.unit.text, p.description, p.source);
      }
      std::cout << "outputs:\n";
      for (const auto& o : m->outputs()) {
        std::cout << fmt::format("  {:<12} [{}] {}\n", o.name, o.unit.text, o.description);
      }
      return kExitOk;
    };
  });
}

}  // namespace smartnano::cli
