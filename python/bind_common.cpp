// Conversions between the engine's C++ values and NumPy / Python values, and the translation
// of the engine's exceptions into Python ones.
#include "bind_common.h"

#include <fmt/format.h>

#include "smartnano/core/error.h"

namespace smartnano::python {

py::array_t<bool> bool_array(const std::vector<bool>& values) {
  py::array_t<bool> a(static_cast<py::ssize_t>(values.size()));
  bool* out = a.mutable_data();
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = values[i];
  return a;
}

py::array string_array(const std::vector<std::string>& values) {
  py::list items;
  for (const auto& v : values) items.append(py::str(v));
  // An empty list would become float64; keep the column a string column.
  return py::module_::import("numpy").attr("array")(items, py::arg("dtype") = "str");
}

py::array_t<double> matrix(const std::vector<double>& values, std::size_t rows, std::size_t cols) {
  py::array_t<double> a({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(cols)});
  double* out = a.mutable_data();
  for (std::size_t i = 0; i < rows * cols && i < values.size(); ++i) out[i] = values[i];
  return a;
}

namespace {

py::array as_array(const py::handle& values, const char* function, const char* argument,
                   const char* dtype) {
  py::array a;
  try {
    a = py::module_::import("numpy").attr("asarray")(values, py::arg("dtype") = dtype);
  } catch (const py::error_already_set& e) {
    throw py::value_error(fmt::format("{}(): {} must be a sequence of {}s ({})", function, argument,
                                      dtype, e.what()));
  }
  if (a.ndim() != 1) {
    throw py::value_error(fmt::format("{}(): {} must be one-dimensional, got {} dimensions",
                                      function, argument, a.ndim()));
  }
  return a;
}

}  // namespace

std::vector<double> to_doubles(const py::handle& values, const char* function,
                               const char* argument) {
  const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>(
      as_array(values, function, argument, "float64"));
  return std::vector<double>(a.data(), a.data() + a.size());
}

std::vector<bool> to_bools(const py::handle& values, const char* function, const char* argument) {
  const auto a = py::array_t<bool, py::array::c_style | py::array::forcecast>(
      as_array(values, function, argument, "bool"));
  return std::vector<bool>(a.data(), a.data() + a.size());
}

std::vector<std::string> to_strings(const py::handle& values, const char* function,
                                    const char* argument) {
  const py::array a = as_array(values, function, argument, "str");
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(a.size()));
  for (const auto& item : a.attr("tolist")()) out.push_back(py::str(item));
  return out;
}

int checked_threads(int threads, const char* function) {
  if (threads < 0) {
    throw py::value_error(
        fmt::format("{}(): threads must be 0 (every core) or more, got {}", function, threads));
  }
  return threads;
}

void bind_errors(py::module_& m) {
  // smartnano.InputError: bad input with the place it came from. A ValueError, so code that
  // catches ValueError for bad arguments catches bad files too.
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  input_error.doc() =
      "Bad input (a scenario, model or data file that cannot be used). str(error) is the "
      "engine's full message; file, line, column and field say where (empty / 0 when "
      "unknown), message is the message without the place.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      // py::exception's own call operator raises; call the type through a handle to build one.
      py::object error = py::handle(input_error.ptr())(py::str(e.what()));
      error.attr("file") = e.where().file;
      error.attr("line") = e.where().line;
      error.attr("column") = e.where().column;
      error.attr("field") = e.where().field;
      error.attr("message") = e.message();
      PyErr_SetObject(input_error.ptr(), error.ptr());
    }
  });
}

}  // namespace smartnano::python
