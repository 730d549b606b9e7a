// Compilation of assignments to a flat register program, and its interpreter.
//
// Compilation is value numbering over the expression DAGs: every computed value gets a number
// (an SSA register unless it is a constant or lives in a named slot), and a table keyed by
// (opcode, operand value numbers) finds a value that was already computed, across all
// assignments. Reading a named slot gives the value number of the slot's current contents;
// writing a slot gives it a new one and retires the old, so a table hit never returns a value
// whose home has since been overwritten (an assignment's last instruction writes straight into
// its target slot rather than a register plus a copy).
//
// Transformations keep results bitwise equal to evaluate() except for pow with small constant
// exponents: x^2 -> x*x, x^3 -> x*x*x, x^4 -> (x*x)^2, x^-n -> 1/x^n, x^0.5 -> sqrt(x). Those
// round differently from std::pow by at most a couple of ulp (and sqrt(-0) = -0, sqrt(-inf) =
// NaN where pow gives +0 and +inf).
//
// if(c, a, b) evaluates both branches and selects: the code has no jumps, so run() executes
// it straight through. The untaken branch may produce NaN or inf, or raise floating-point
// flags; its value is never selected, so results equal those of the tree evaluator. (A lazy
// if would need jumps and pays off only for costly branches, which models rarely have.)
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "smartnano/expr/program.h"

namespace smartnano::expr {
namespace {

// Every opcode, in numbering order (the list generates the enum and run()'s dispatch table).
// clang-format off
#define SMARTNANO_EXPR_OPCODES(X)                                                        \
  X(kCopy) X(kAdd) X(kSub) X(kMul) X(kDiv) X(kPow) X(kNeg)                               \
  X(kLess) X(kLessEqual) X(kGreater) X(kGreaterEqual) X(kEqual) X(kNotEqual)             \
  X(kAnd) X(kOr) X(kNot) X(kSelect)                                                      \
  X(kExp) X(kLog) X(kLog10) X(kSqrt) X(kAbs) X(kSin) X(kCos) X(kTan) X(kTanh)            \
  X(kMin) X(kMax) X(kFloor) X(kCeil) X(kFactorial)
// clang-format on

#define SMARTNANO_EXPR_ENUM(op) op,
enum Opcode : std::uint8_t { SMARTNANO_EXPR_OPCODES(SMARTNANO_EXPR_ENUM) };
#undef SMARTNANO_EXPR_ENUM

#if defined(__GNUC__)
#define SMARTNANO_EXPR_INLINE [[gnu::always_inline]] inline
#else
#define SMARTNANO_EXPR_INLINE inline
#endif

// The one definition of what each opcode computes, used by run() and by constant folding, so
// a folded constant is exactly what run() would have produced.
template <Opcode op>
SMARTNANO_EXPR_INLINE double compute_as(const Program::Instruction& in, const double* m) {
  auto truth = [](bool b) { return b ? 1.0 : 0.0; };
  if constexpr (op == kCopy) return m[in.a];
  if constexpr (op == kAdd) return m[in.a] + m[in.b];
  if constexpr (op == kSub) return m[in.a] - m[in.b];
  if constexpr (op == kMul) return m[in.a] * m[in.b];
  if constexpr (op == kDiv) return m[in.a] / m[in.b];
  if constexpr (op == kPow) return std::pow(m[in.a], m[in.b]);
  if constexpr (op == kNeg) return -m[in.a];
  if constexpr (op == kLess) return truth(m[in.a] < m[in.b]);
  if constexpr (op == kLessEqual) return truth(m[in.a] <= m[in.b]);
  if constexpr (op == kGreater) return truth(m[in.a] > m[in.b]);
  if constexpr (op == kGreaterEqual) return truth(m[in.a] >= m[in.b]);
  if constexpr (op == kEqual) return truth(m[in.a] == m[in.b]);
  if constexpr (op == kNotEqual) return truth(m[in.a] != m[in.b]);
  if constexpr (op == kAnd) return truth(m[in.a] != 0.0 && m[in.b] != 0.0);
  if constexpr (op == kOr) return truth(m[in.a] != 0.0 || m[in.b] != 0.0);
  if constexpr (op == kNot) return truth(m[in.a] == 0.0);
  if constexpr (op == kSelect) return m[in.a] != 0.0 ? m[in.b] : m[in.c];
  if constexpr (op == kExp) return std::exp(m[in.a]);
  if constexpr (op == kLog) return std::log(m[in.a]);
  if constexpr (op == kLog10) return std::log10(m[in.a]);
  if constexpr (op == kSqrt) return std::sqrt(m[in.a]);
  if constexpr (op == kAbs) return std::fabs(m[in.a]);
  if constexpr (op == kSin) return std::sin(m[in.a]);
  if constexpr (op == kCos) return std::cos(m[in.a]);
  if constexpr (op == kTan) return std::tan(m[in.a]);
  if constexpr (op == kTanh) return std::tanh(m[in.a]);
  if constexpr (op == kMin) return std::min(m[in.a], m[in.b]);
  if constexpr (op == kMax) return std::max(m[in.a], m[in.b]);
  if constexpr (op == kFloor) return std::floor(m[in.a]);
  if constexpr (op == kCeil) return std::ceil(m[in.a]);
  if constexpr (op == kFactorial) return std::tgamma(m[in.a] + 1.0);
}

SMARTNANO_EXPR_INLINE double compute(const Program::Instruction& in, const double* m) {
  switch (in.opcode) {
#define SMARTNANO_EXPR_CASE(op) \
  case op:                      \
    return compute_as<op>(in, m);
    SMARTNANO_EXPR_OPCODES(SMARTNANO_EXPR_CASE)
#undef SMARTNANO_EXPR_CASE
  }
  return std::numeric_limits<double>::quiet_NaN();
}

Opcode opcode_of(Op op) {
  switch (op) {
    case Op::kAdd:
      return kAdd;
    case Op::kSub:
      return kSub;
    case Op::kMul:
      return kMul;
    case Op::kDiv:
      return kDiv;
    case Op::kPow:
      return kPow;
    case Op::kNeg:
      return kNeg;
    case Op::kLess:
      return kLess;
    case Op::kLessEqual:
      return kLessEqual;
    case Op::kGreater:
      return kGreater;
    case Op::kGreaterEqual:
      return kGreaterEqual;
    case Op::kEqual:
      return kEqual;
    case Op::kNotEqual:
      return kNotEqual;
    case Op::kAnd:
      return kAnd;
    case Op::kOr:
      return kOr;
    case Op::kNot:
      return kNot;
    case Op::kIf:
      return kSelect;
    default:
      return kCopy;
  }
}

Opcode opcode_of(Function f) {
  switch (f) {
    case Function::kExp:
      return kExp;
    case Function::kLog:
      return kLog;
    case Function::kLog10:
      return kLog10;
    case Function::kSqrt:
      return kSqrt;
    case Function::kAbs:
      return kAbs;
    case Function::kSin:
      return kSin;
    case Function::kCos:
      return kCos;
    case Function::kTan:
      return kTan;
    case Function::kTanh:
      return kTanh;
    case Function::kMin:
      return kMin;
    case Function::kMax:
      return kMax;
    case Function::kFloor:
      return kFloor;
    case Function::kCeil:
      return kCeil;
    case Function::kFactorial:
      return kFactorial;
  }
  return kCopy;
}

bool commutative(Opcode op) {
  // Exact in IEEE arithmetic; min and max are not (their NaN handling depends on order).
  return op == kAdd || op == kMul || op == kEqual || op == kNotEqual || op == kAnd || op == kOr;
}

struct Key {
  Opcode op;
  int a, b, c;
  bool operator==(const Key&) const = default;
};

struct KeyHash {
  std::size_t operator()(const Key& k) const {
    std::uint64_t h = k.op;
    for (int x : {k.a, k.b, k.c}) h = (h ^ static_cast<std::uint32_t>(x)) * 0x100000001b3ULL;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
};

class Compiler {
 public:
  Compiler(const std::unordered_map<std::string, int>& slots, int named_slots)
      : slots_(slots), slot_value_(named_slots, -1) {}

  void assign(const Assignment& assignment) {
    const std::size_t start = code_.size();
    memo_.clear();  // node -> value is only valid until a slot is written
    const int value = lower(*assignment.expression);
    const int slot = assignment.target;
    if (value == slot_value_[slot]) return;  // x = x
    int written;
    if (code_.size() > start && code_.back().out == value && values_[value].kind == kRegister) {
      values_[value] = {kSlot, slot, true};  // compute straight into the slot
      written = value;
    } else {
      written = new_value({kSlot, slot, true});
      code_.push_back({kCopy, written, value, -1, -1});
    }
    if (slot_value_[slot] >= 0) values_[slot_value_[slot]].live = false;
    slot_value_[slot] = written;
  }

  // Fills the program's code, constants and memory layout.
  void finish(int named_slots, std::vector<Program::Instruction>& code,
              std::vector<double>& constants, std::size_t& constants_base,
              std::size_t& memory_size) const {
    constants_base = static_cast<std::size_t>(named_slots);
    const int register_base = named_slots + static_cast<int>(constants_.size());
    std::vector<int> location(values_.size(), -1);
    for (std::size_t v = 0; v < values_.size(); ++v) {
      if (values_[v].kind == kSlot) location[v] = values_[v].index;
      if (values_[v].kind == kConstant) location[v] = named_slots + values_[v].index;
    }
    int registers = 0;  // numbered in order of definition, for locality
    for (const Pending& p : code_) {
      if (location[p.out] < 0) location[p.out] = register_base + registers++;
    }
    auto where = [&](int v) { return v >= 0 ? location[v] : 0; };
    code.clear();
    for (const Pending& p : code_) {
      code.push_back({p.op, where(p.out), where(p.a), where(p.b), where(p.c)});
    }
    constants = constants_;
    memory_size = static_cast<std::size_t>(register_base + registers);
  }

 private:
  enum Kind { kSlot, kConstant, kRegister };
  struct Value {
    Kind kind;
    int index;  // slot or constant index; registers are numbered by finish()
    bool live;  // false once its slot has been overwritten
  };
  struct Pending {
    Opcode op;
    int out, a, b, c;  // value numbers; -1 = unused operand
  };

  int new_value(Value value) {
    values_.push_back(value);
    return static_cast<int>(values_.size()) - 1;
  }

  bool is_constant(int v) const { return values_[v].kind == kConstant; }
  double constant_value(int v) const { return constants_[values_[v].index]; }

  int constant_value_number(double x) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    const auto found = constant_numbers_.find(bits);
    if (found != constant_numbers_.end()) return found->second;
    constants_.push_back(x);
    const int v = new_value({kConstant, static_cast<int>(constants_.size()) - 1, true});
    constant_numbers_.emplace(bits, v);
    return v;
  }

  int slot_value_number(int slot) {
    if (slot_value_[slot] < 0) slot_value_[slot] = new_value({kSlot, slot, true});
    return slot_value_[slot];
  }

  // The value number of op(a, b, c): folded, simplified exactly, found, or emitted.
  int emit(Opcode op, int a, int b = -1, int c = -1) {
    const bool all_constant =
        is_constant(a) && (b < 0 || is_constant(b)) && (c < 0 || is_constant(c));
    if (all_constant) {
      double m[3] = {constant_value(a), b < 0 ? 0.0 : constant_value(b),
                     c < 0 ? 0.0 : constant_value(c)};
      return constant_value_number(compute({op, 0, 0, 1, 2}, m));
    }
    // Identities that hold bit for bit.
    auto is_one = [&](int v) { return is_constant(v) && constant_value(v) == 1.0; };
    if (op == kMul && is_one(a)) return b;
    if ((op == kMul || op == kDiv || op == kPow) && is_one(b)) return a;
    if (op == kSelect) {
      if (is_constant(a)) return constant_value(a) != 0.0 ? b : c;
      if (b == c) return b;
    }
    if (op == kNeg) {  // -(-x) = x, while x is still where it was computed
      const auto inner = negations_.find(a);
      if (inner != negations_.end() && values_[inner->second].live) return inner->second;
    }
    if (commutative(op) && b < a) std::swap(a, b);

    const Key key{op, a, b, c};
    const auto found = table_.find(key);
    if (found != table_.end() && values_[found->second].live) return found->second;
    const int out = new_value({kRegister, -1, true});
    code_.push_back({op, out, a, b, c});
    table_[key] = out;
    if (op == kNeg) negations_[out] = a;
    return out;
  }

  // x^n for the exponents lowered to multiplications and sqrt; -1 for the others.
  int small_power(int x, double n) {
    if (n == 0.5) return emit(kSqrt, x);
    if (n != std::trunc(n) || n < -4 || n > 4) return -1;
    const int k = static_cast<int>(std::fabs(n));
    int result = constant_value_number(1.0);
    if (k == 1) result = x;
    if (k == 2) result = emit(kMul, x, x);
    if (k == 3) result = emit(kMul, emit(kMul, x, x), x);
    if (k == 4) {
      const int square = emit(kMul, x, x);
      result = emit(kMul, square, square);
    }
    return n < 0 ? emit(kDiv, constant_value_number(1.0), result) : result;
  }

  int lower(const Node& node) {
    const auto found = memo_.find(&node);
    if (found != memo_.end()) return found->second;
    const int value = lower_node(node);
    memo_.emplace(&node, value);
    return value;
  }

  int lower_node(const Node& node) {
    switch (node.op) {
      case Op::kConstant:
        return constant_value_number(node.value);
      case Op::kVariable: {
        const auto slot = slots_.find(node.name);
        if (slot == slots_.end()) throw UndefinedNameError(node.name);
        return slot_value_number(slot->second);
      }
      case Op::kPow: {
        const int base = lower(*node.args[0]);
        const int exponent = lower(*node.args[1]);
        if (is_constant(exponent) && !is_constant(base)) {
          const int lowered = small_power(base, constant_value(exponent));
          if (lowered >= 0) return lowered;
        }
        return emit(kPow, base, exponent);
      }
      case Op::kIf: {
        const int condition = lower(*node.args[0]);
        if (is_constant(condition)) {  // only the chosen branch is compiled
          return lower(*node.args[constant_value(condition) != 0.0 ? 1 : 2]);
        }
        const int then_value = lower(*node.args[1]);
        const int else_value = lower(*node.args[2]);
        return emit(kSelect, condition, then_value, else_value);
      }
      case Op::kCall: {
        const Opcode op = opcode_of(node.function);
        int result = lower(*node.args[0]);
        if (op != kMin && op != kMax) return emit(op, result);
        for (std::size_t i = 1; i < node.args.size(); ++i) {
          result = emit(op, result, lower(*node.args[i]));  // min(a, b, c) = min(min(a, b), c)
        }
        return result;
      }
      default: {
        int args[3] = {-1, -1, -1};
        for (std::size_t i = 0; i < node.args.size() && i < 3; ++i) args[i] = lower(*node.args[i]);
        return emit(opcode_of(node.op), args[0], args[1], args[2]);
      }
    }
  }

  const std::unordered_map<std::string, int>& slots_;
  std::vector<int> slot_value_;  // current value number of each named slot; -1 = not read yet
  std::vector<Value> values_;
  std::vector<double> constants_;
  std::unordered_map<std::uint64_t, int> constant_numbers_;  // by bit pattern
  std::unordered_map<Key, int, KeyHash> table_;
  std::unordered_map<int, int> negations_;  // value of -x -> x
  std::unordered_map<const Node*, int> memo_;
  std::vector<Pending> code_;
};

}  // namespace

Program Program::compile(const std::vector<Assignment>& assignments,
                         const std::unordered_map<std::string, int>& slots, int named_slots) {
  if (named_slots < 0) throw std::invalid_argument("negative number of named slots");
  for (const auto& [name, slot] : slots) {
    if (slot < 0 || slot >= named_slots) {
      throw std::invalid_argument("slot " + std::to_string(slot) + " of '" + name +
                                  "' is outside 0.." + std::to_string(named_slots - 1));
    }
  }
  // Every name is checked, those in the untaken branch of a constant if() too.
  for (const auto& assignment : assignments) {
    if (!assignment.expression) throw std::invalid_argument("assignment without expression");
    if (assignment.target < 0 || assignment.target >= named_slots) {
      throw std::invalid_argument("assignment target " + std::to_string(assignment.target) +
                                  " is outside 0.." + std::to_string(named_slots - 1));
    }
    for (const auto& name : referenced_names(assignment.expression)) {
      if (!slots.count(name)) throw UndefinedNameError(name);
    }
  }
  Compiler compiler(slots, named_slots);
  for (const auto& assignment : assignments) compiler.assign(assignment);
  Program program;
  compiler.finish(named_slots, program.code_, program.constants_, program.constants_base_,
                  program.memory_size_);
  return program;
}

// Threaded dispatch where the compiler has labels as values (GCC, Clang): each handler jumps to
// the next through its own indirect branch, which the branch predictor learns far better than
// the single jump of a switch loop (about 2x faster on the reference model, bench/EXPR.md).
// Defining SMARTNANO_EXPR_SWITCH_DISPATCH selects the portable switch loop instead.
void Program::run(double* memory) const {
  if (!constants_.empty()) {
    std::memcpy(memory + constants_base_, constants_.data(), constants_.size() * sizeof(double));
  }
  const Instruction* in = code_.data();
  const Instruction* const end = in + code_.size();
  if (in == end) return;
#if defined(__GNUC__) && !defined(SMARTNANO_EXPR_SWITCH_DISPATCH)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#define SMARTNANO_EXPR_LABEL(op) &&handle_##op,
  static const void* const kHandlers[] = {SMARTNANO_EXPR_OPCODES(SMARTNANO_EXPR_LABEL)};
#undef SMARTNANO_EXPR_LABEL
  goto* kHandlers[in->opcode];
#define SMARTNANO_EXPR_HANDLER(op)                             \
  handle_##op : memory[in->out] = compute_as<op>(*in, memory); \
  if (++in == end) return;                                     \
  goto* kHandlers[in->opcode];
  SMARTNANO_EXPR_OPCODES(SMARTNANO_EXPR_HANDLER)
#undef SMARTNANO_EXPR_HANDLER
#pragma GCC diagnostic pop
#else
  for (; in != end; ++in) memory[in->out] = compute(*in, memory);
#endif
}

}  // namespace smartnano::expr

#undef SMARTNANO_EXPR_OPCODES
#undef SMARTNANO_EXPR_INLINE
