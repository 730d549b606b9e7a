// Shared pieces of the Python module (docs/python.md): NumPy arrays and dictionaries of columns
// made from the engine's C++ results, argument checks, and the function that registers each
// part of the API on the module.
//
// The bindings are a thin layer: they convert arguments, release the GIL while the engine
// runs, and turn results into NumPy arrays and dictionaries. Every computation is the C++
// library's. Tables are dictionaries of column name -> one-dimensional array of equal length
// (text columns are NumPy string arrays), so `pandas.DataFrame(table)` takes them as they are.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace smartnano::python {

namespace py = pybind11;

// One-dimensional copies of C++ vectors.
template <class T>
py::array_t<T> array(const std::vector<T>& values) {
  py::array_t<T> a(static_cast<py::ssize_t>(values.size()));
  T* out = a.mutable_data();
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = values[i];
  return a;
}
py::array_t<bool> bool_array(const std::vector<bool>& values);
// A NumPy array of str (dtype '<U...').
py::array string_array(const std::vector<std::string>& values);
// A rows x cols copy of row-major `values`.
py::array_t<double> matrix(const std::vector<double>& values, std::size_t rows, std::size_t cols);

// A sequence or array of numbers as a vector (ValueError naming `function` and `argument` for
// anything else, or for a wrong number of dimensions).
std::vector<double> to_doubles(const py::handle& values, const char* function,
                               const char* argument);
std::vector<bool> to_bools(const py::handle& values, const char* function, const char* argument);
std::vector<std::string> to_strings(const py::handle& values, const char* function,
                                    const char* argument);

// Paths arrive as std::filesystem::path, so str and os.PathLike are both accepted.
using Path = std::filesystem::path;

// threads >= 0 (0: every core), or ValueError naming the function.
int checked_threads(int threads, const char* function);

// Each part of the API.
void bind_errors(py::module_& m);
void bind_scenario(py::module_& m);
void bind_trial(py::module_& m);
void bind_screen(py::module_& m);
void bind_synergy(py::module_& m);
void bind_survival(py::module_& m);
void bind_nca(py::module_& m);

}  // namespace smartnano::python
