// A compiled set of assignments for fast evaluation in the ODE right-hand side.
//
// The model compiles "slot[k] = expression" assignments (derived quantities, then derivatives)
// into one flat register program: common subexpressions shared, constants folded. Evaluation
// reads and writes a caller-owned memory block, so one Program serves many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "smartnano/expr/expression.h"

namespace smartnano::expr {

// An expression named a variable that has no slot.
class UndefinedNameError : public std::invalid_argument {
 public:
  explicit UndefinedNameError(std::string name)
      : std::invalid_argument("undefined name '" + name + "'"), name_(std::move(name)) {}
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

struct Assignment {
  int target = 0;  // slot written
  NodePtr expression;
};

class Program {
 public:
  Program() = default;

  // Compiles assignments, run in the given order (a later one may read an earlier target).
  // `slots` maps each readable name to its slot, 0 <= slot < named_slots. Throws
  // UndefinedNameError for a name not in `slots` (in any branch of an if()), and
  // std::invalid_argument for a target or slot outside [0, named_slots).
  static Program compile(const std::vector<Assignment>& assignments,
                         const std::unordered_map<std::string, int>& slots, int named_slots);

  // Size the memory block passed to run() must have: named slots first, then scratch.
  std::size_t memory_size() const { return memory_size_; }
  std::size_t instruction_count() const { return code_.size(); }

  // Executes the program on memory[0 .. memory_size()).
  void run(double* memory) const;

  struct Instruction {
    std::uint8_t opcode;
    std::int32_t out;
    std::int32_t a;
    std::int32_t b;
    std::int32_t c;
  };

 private:
  std::vector<Instruction> code_;
  std::vector<double> constants_;  // copied into scratch slots by run()
  std::size_t memory_size_ = 0;
  std::size_t constants_base_ = 0;
};

}  // namespace smartnano::expr
