// Built instead of mpi_communicator.cpp when CMake finds no MPI.
#include <stdexcept>

#include "smartnano/runner/population_run.h"

namespace smartnano::runner {

bool built_with_mpi() { return false; }

std::unique_ptr<Communicator> mpi_world_communicator(int*, char***) {
  throw std::runtime_error(
      "this smartnano was built without MPI (install libopenmpi-dev and rebuild to run under "
      "mpirun)");
}

}  // namespace smartnano::runner
