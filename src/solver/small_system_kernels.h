// Compiled kernels for CVODES on small systems: serial vector operations, dense matrix
// operations and a dense LU linear solver.
//
// On the 2..50 states of a PK/PD model a CVODES step is dominated by SUNDIALS' generic kernels
// (vector sums and norms over a few doubles, LU of a small matrix), not by the model. Where
// SUNDIALS is built without optimisation (the Debian 12 package is built at -O0) these kernels
// cost several times the model's right-hand side. The replacements below compute exactly what
// SUNDIALS' serial vector, dense matrix and dense solver compute, operation for operation (same
// case analysis, same summation order, same pivots), so results are bit for bit those of the
// stock kernels; they are compiled with the project's optimisation, and the LU skips updates by
// exact zeros (a PK/PD Jacobian and its factors are mostly zeros), which change no finite value.
// SUNDIALS supports this: every N_Vector and SUNMatrix carries a table of operations, copied to
// its clones.
#pragma once

#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_matrix.h>
#include <sundials/sundials_nvector.h>

namespace smartnano::solver {

// Replaces the operations of a serial N_Vector (N_VNew_Serial) that CVODES uses in every step,
// and adds the fused operations (linear combination, scale-add-multi). Vectors cloned from it
// afterwards (all of CVODES' work vectors) share the table.
void use_compiled_vector_kernels(N_Vector serial_vector);

// Replaces zero, copy and scale-add-identity of a dense SUNMatrix (SUNDenseMatrix); its clones
// (CVODES' saved Jacobian) share the table.
void use_compiled_matrix_kernels(SUNMatrix dense_matrix);

// A direct linear solver (type SUNLINEARSOLVER_DIRECT) for n x n SUNDenseMatrix systems: LU with
// partial pivoting in place, the same algorithm and pivot choice as SUNDIALS' denseGETRF and
// denseGETRS; substitution visits only the factors' non-zero entries. nullptr if it cannot be
// allocated; free with SUNLinSolFree.
SUNLinearSolver make_small_dense_linear_solver(int n, SUNContext context);

}  // namespace smartnano::solver
