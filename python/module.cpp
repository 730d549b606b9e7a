// The extension module smartnano._smartnano; the package smartnano (smartnano/__init__.py)
// re-exports it with a few conveniences (docs/python.md).
#include "bind_common.h"
#include "smartnano/version.h"

PYBIND11_MODULE(_smartnano, m) {
  namespace sp = smartnano::python;
  m.doc() = "smartnano: nanomedicine simulation in virtual patients (C++ engine bindings)";
  m.attr("__version__") = SMARTNANO_VERSION_STRING;
  sp::bind_errors(m);
  sp::bind_scenario(m);
  sp::bind_trial(m);
  sp::bind_screen(m);
  sp::bind_synergy(m);
  sp::bind_survival(m);
  sp::bind_nca(m);
}
