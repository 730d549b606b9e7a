#include "solver/small_system_kernels.h"

#include <cmath>
#include <cstring>
#include <new>
#include <utility>
#include <vector>

#include <nvector/nvector_serial.h>
#include <sunmatrix/sunmatrix_dense.h>

namespace smartnano::solver {
namespace {

// --- serial vectors ---------------------------------------------------------------------
// Each operation follows N_V*_Serial of SUNDIALS 6 (or, for the fused operations, the
// generic fallback that runs when a vector offers none), so every element gets the same
// floating-point operations in the same order.

double* data(N_Vector v) { return NV_DATA_S(v); }
sunindextype length(N_Vector v) { return NV_LENGTH_S(v); }

void linear_sum(realtype a, N_Vector x, realtype b, N_Vector y, N_Vector z) {
  const sunindextype n = length(x);
  double* zd = data(z);  // may be x or y
  const double* xd = data(x);
  const double* yd = data(y);
  // The cases of N_VLinearSum_Serial, in its order.
  if (b == 1.0 && z == y) {  // y += a x
    for (sunindextype i = 0; i < n; ++i) zd[i] += a * xd[i];
    return;
  }
  if (a == 1.0 && z == x) {  // x += b y
    for (sunindextype i = 0; i < n; ++i) zd[i] += b * yd[i];
    return;
  }
  if (a == 1.0 && b == 1.0) {
    for (sunindextype i = 0; i < n; ++i) zd[i] = xd[i] + yd[i];
    return;
  }
  if (a == 1.0 && b == -1.0) {
    for (sunindextype i = 0; i < n; ++i) zd[i] = xd[i] - yd[i];
    return;
  }
  if (a == -1.0 && b == 1.0) {
    for (sunindextype i = 0; i < n; ++i) zd[i] = yd[i] - xd[i];
    return;
  }
  if (a == 1.0) {
    for (sunindextype i = 0; i < n; ++i) zd[i] = b * yd[i] + xd[i];
    return;
  }
  if (b == 1.0) {
    for (sunindextype i = 0; i < n; ++i) zd[i] = a * xd[i] + yd[i];
    return;
  }
  if (a == -1.0) {
    for (sunindextype i = 0; i < n; ++i) zd[i] = b * yd[i] - xd[i];
    return;
  }
  if (b == -1.0) {
    for (sunindextype i = 0; i < n; ++i) zd[i] = a * xd[i] - yd[i];
    return;
  }
  if (a == b) {
    for (sunindextype i = 0; i < n; ++i) zd[i] = a * (xd[i] + yd[i]);
    return;
  }
  if (a == -b) {
    for (sunindextype i = 0; i < n; ++i) zd[i] = a * (xd[i] - yd[i]);
    return;
  }
  for (sunindextype i = 0; i < n; ++i) zd[i] = a * xd[i] + b * yd[i];
}

void constant(realtype c, N_Vector z) {
  double* zd = data(z);
  for (sunindextype i = 0, n = length(z); i < n; ++i) zd[i] = c;
}

void product(N_Vector x, N_Vector y, N_Vector z) {
  const double *xd = data(x), *yd = data(y);
  double* zd = data(z);
  for (sunindextype i = 0, n = length(x); i < n; ++i) zd[i] = xd[i] * yd[i];
}

void divide(N_Vector x, N_Vector y, N_Vector z) {
  const double *xd = data(x), *yd = data(y);
  double* zd = data(z);
  for (sunindextype i = 0, n = length(x); i < n; ++i) zd[i] = xd[i] / yd[i];
}

// Multiplying by 1 or -1 is exact, so c x covers N_VScale_Serial's copy and negation cases.
void scale(realtype c, N_Vector x, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  for (sunindextype i = 0, n = length(x); i < n; ++i) zd[i] = c * xd[i];
}

void absolute(N_Vector x, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  for (sunindextype i = 0, n = length(x); i < n; ++i) zd[i] = std::abs(xd[i]);
}

void inverse(N_Vector x, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  for (sunindextype i = 0, n = length(x); i < n; ++i) zd[i] = 1.0 / xd[i];
}

void add_constant(N_Vector x, realtype b, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  for (sunindextype i = 0, n = length(x); i < n; ++i) zd[i] = xd[i] + b;
}

realtype wrms_norm(N_Vector x, N_Vector w) {
  const double *xd = data(x), *wd = data(w);
  const sunindextype n = length(x);
  double sum = 0.0;
  for (sunindextype i = 0; i < n; ++i) {
    const double p = xd[i] * wd[i];
    sum += p * p;
  }
  return std::sqrt(sum / static_cast<double>(n));
}

realtype max_norm(N_Vector x) {
  const double* xd = data(x);
  double largest = 0.0;
  for (sunindextype i = 0, n = length(x); i < n; ++i) {
    if (std::abs(xd[i]) > largest) largest = std::abs(xd[i]);
  }
  return largest;
}

realtype minimum(N_Vector x) {
  const double* xd = data(x);
  double smallest = xd[0];
  for (sunindextype i = 1, n = length(x); i < n; ++i) {
    if (xd[i] < smallest) smallest = xd[i];
  }
  return smallest;
}

void compare(realtype c, N_Vector x, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  for (sunindextype i = 0, n = length(x); i < n; ++i) zd[i] = std::abs(xd[i]) >= c ? 1.0 : 0.0;
}

// z = sum_j c_j X_j as the generic fallback computes it: z = c_0 X_0, then z += c_j X_j.
int linear_combination(int nvec, realtype* c, N_Vector* x, N_Vector z) {
  const sunindextype n = length(z);
  double* zd = data(z);
  const double* x0 = data(x[0]);
  for (sunindextype i = 0; i < n; ++i) zd[i] = c[0] * x0[i];
  for (int j = 1; j < nvec; ++j) {
    const double cj = c[j];
    const double* xj = data(x[j]);
    for (sunindextype i = 0; i < n; ++i) zd[i] += cj * xj[i];
  }
  return 0;
}

// Z_j = a_j x + Y_j for every j (in place when Z_j is Y_j).
int scale_add_multi(int nvec, realtype* a, N_Vector x, N_Vector* y, N_Vector* z) {
  const sunindextype n = length(x);
  const double* xd = data(x);
  for (int j = 0; j < nvec; ++j) {
    const double aj = a[j];
    const double* yj = data(y[j]);
    double* zj = data(z[j]);
    for (sunindextype i = 0; i < n; ++i) zj[i] = aj * xd[i] + yj[i];
  }
  return 0;
}

// --- dense matrices ---------------------------------------------------------------------

double* data(SUNMatrix a) { return SUNDenseMatrix_Data(a); }
sunindextype entries(SUNMatrix a) { return SUNDenseMatrix_LData(a); }

int matrix_zero(SUNMatrix a) {
  std::memset(data(a), 0, sizeof(double) * entries(a));
  return SUNMAT_SUCCESS;
}

int matrix_copy(SUNMatrix from, SUNMatrix to) {
  std::memcpy(data(to), data(from), sizeof(double) * entries(from));
  return SUNMAT_SUCCESS;
}

// A = c A + I.
int matrix_scale_add_identity(realtype c, SUNMatrix a) {
  const sunindextype rows = SUNDenseMatrix_Rows(a), columns = SUNDenseMatrix_Columns(a);
  double* d = data(a);
  for (sunindextype j = 0; j < columns; ++j) {
    double* column = d + j * rows;
    for (sunindextype i = 0; i < rows; ++i) column[i] *= c;
    if (j < rows) column[j] += 1.0;
  }
  return SUNMAT_SUCCESS;
}

SUNMatrix matrix_clone(SUNMatrix a) {
  SUNMatrix b = SUNDenseMatrix(SUNDenseMatrix_Rows(a), SUNDenseMatrix_Columns(a), a->sunctx);
  if (b != nullptr) use_compiled_matrix_kernels(b);
  return b;
}

// --- dense LU linear solver -------------------------------------------------------------

struct SolverContent {
  int n = 0;
  std::vector<sunindextype> pivots;  // row swapped with row k at step k
  // Where the factors are not zero: rows i > k of L's column k, rows i < k of U's column k,
  // column k's rows from start[k] to start[k + 1]. PK/PD Jacobians are sparse and so, mostly,
  // are their factors; substitution visits only these entries. Sized n * n and n + 1.
  std::vector<int> lower_rows, lower_start, upper_rows, upper_start;
  sunindextype last_flag = 0;
};

SolverContent& content(SUNLinearSolver s) { return *static_cast<SolverContent*>(s->content); }

// LU factorisation with partial pivoting in place (column-major a, leading dimension n):
// L below the diagonal (unit diagonal implied), U on and above it. Returns 0, or k + 1 when
// the pivot of column k is zero. The steps of SUNDIALS' denseGETRF, except that updates by a
// zero multiplier (which change nothing) are skipped. rows: room for n indices.
sunindextype factor(double* a, int n, sunindextype* pivots, int* rows) {
  for (int k = 0; k < n; ++k) {
    double* col_k = a + k * n;
    int p = k;
    for (int i = k + 1; i < n; ++i) {
      if (std::abs(col_k[i]) > std::abs(col_k[p])) p = i;
    }
    pivots[k] = p;
    if (col_k[p] == 0.0) return k + 1;
    if (p != k) {
      for (int j = 0; j < n; ++j) std::swap(a[k + j * n], a[p + j * n]);
    }
    const double inverse_pivot = 1.0 / col_k[k];
    int count = 0;
    for (int i = k + 1; i < n; ++i) {
      col_k[i] *= inverse_pivot;
      rows[count] = i;
      count += col_k[i] != 0.0 ? 1 : 0;
    }
    if (count == 0) continue;
    for (int j = k + 1; j < n; ++j) {
      double* __restrict__ col_j = a + j * n;
      const double u = col_j[k];
      if (u == 0.0) continue;
      for (int e = 0; e < count; ++e) col_j[rows[e]] -= u * col_k[rows[e]];
    }
  }
  return 0;
}

// The non-zero pattern of the factors, for substitute().
void find_nonzeros(const double* a, SolverContent& c) {
  const int n = c.n;
  int* lower = c.lower_rows.data();
  int* upper = c.upper_rows.data();
  int lower_count = 0, upper_count = 0;
  for (int k = 0; k < n; ++k) {
    const double* col_k = a + k * n;
    for (int i = 0; i < k; ++i) {
      upper[upper_count] = i;
      upper_count += col_k[i] != 0.0 ? 1 : 0;
    }
    for (int i = k + 1; i < n; ++i) {
      lower[lower_count] = i;
      lower_count += col_k[i] != 0.0 ? 1 : 0;
    }
    c.lower_start[k + 1] = lower_count;
    c.upper_start[k + 1] = upper_count;
  }
}

// Solves (LU) x = P b in place, as SUNDIALS' denseGETRS but visiting only non-zero entries of
// the factors (for finite x the terms left out are exact zeros).
void substitute(const double* __restrict__ a, const SolverContent& c, double* __restrict__ x) {
  const int n = c.n;
  for (int k = 0; k < n; ++k) {
    if (c.pivots[k] != k) std::swap(x[k], x[c.pivots[k]]);
  }
  const int* lower = c.lower_rows.data();
  for (int k = 0; k < n - 1; ++k) {
    const double* col_k = a + k * n;
    const double xk = x[k];
    for (int e = c.lower_start[k]; e < c.lower_start[k + 1]; ++e) {
      x[lower[e]] -= col_k[lower[e]] * xk;
    }
  }
  const int* upper = c.upper_rows.data();
  for (int k = n - 1; k > 0; --k) {
    const double* col_k = a + k * n;
    x[k] /= col_k[k];
    const double xk = x[k];
    for (int e = c.upper_start[k]; e < c.upper_start[k + 1]; ++e) {
      x[upper[e]] -= col_k[upper[e]] * xk;
    }
  }
  x[0] /= a[0];
}

SUNLinearSolver_Type solver_type(SUNLinearSolver) { return SUNLINEARSOLVER_DIRECT; }
SUNLinearSolver_ID solver_id(SUNLinearSolver) { return SUNLINEARSOLVER_CUSTOM; }

int solver_initialize(SUNLinearSolver s) {
  content(s).last_flag = 0;
  return SUNLS_SUCCESS;
}

int solver_setup(SUNLinearSolver s, SUNMatrix a) {
  SolverContent& c = content(s);
  c.last_flag = factor(data(a), c.n, c.pivots.data(), c.lower_rows.data());
  if (c.last_flag > 0) return SUNLS_LUFACT_FAIL;
  find_nonzeros(data(a), c);
  return SUNLS_SUCCESS;
}

int solver_solve(SUNLinearSolver s, SUNMatrix a, N_Vector x, N_Vector b, realtype /*tol*/) {
  SolverContent& c = content(s);
  double* xd = data(x);
  if (xd != data(b)) std::memcpy(xd, data(b), sizeof(double) * c.n);
  substitute(data(a), c, xd);
  c.last_flag = SUNLS_SUCCESS;
  return SUNLS_SUCCESS;
}

sunindextype solver_last_flag(SUNLinearSolver s) { return content(s).last_flag; }

int solver_space(SUNLinearSolver s, long* real_words, long* integer_words) {
  *real_words = 0;
  const SolverContent& c = content(s);
  *integer_words = static_cast<long>(2 + c.n + c.lower_rows.size() + c.upper_rows.size() +
                                     c.lower_start.size() + c.upper_start.size());
  return SUNLS_SUCCESS;
}

int solver_free(SUNLinearSolver s) {
  if (s == nullptr) return SUNLS_SUCCESS;
  delete static_cast<SolverContent*>(s->content);
  s->content = nullptr;
  SUNLinSolFreeEmpty(s);
  return SUNLS_SUCCESS;
}

}  // namespace

void use_compiled_vector_kernels(N_Vector v) {
  N_Vector_Ops ops = v->ops;
  ops->nvlinearsum = linear_sum;
  ops->nvconst = constant;
  ops->nvprod = product;
  ops->nvdiv = divide;
  ops->nvscale = scale;
  ops->nvabs = absolute;
  ops->nvinv = inverse;
  ops->nvaddconst = add_constant;
  ops->nvwrmsnorm = wrms_norm;
  ops->nvmaxnorm = max_norm;
  ops->nvmin = minimum;
  ops->nvcompare = compare;
  ops->nvlinearcombination = linear_combination;
  ops->nvscaleaddmulti = scale_add_multi;
}

void use_compiled_matrix_kernels(SUNMatrix a) {
  a->ops->clone = matrix_clone;
  a->ops->zero = matrix_zero;
  a->ops->copy = matrix_copy;
  a->ops->scaleaddi = matrix_scale_add_identity;
}

SUNLinearSolver make_small_dense_linear_solver(int n, SUNContext context) {
  SUNLinearSolver s = SUNLinSolNewEmpty(context);
  if (s == nullptr) return nullptr;
  auto* c = new (std::nothrow) SolverContent;
  if (c == nullptr) {
    SUNLinSolFreeEmpty(s);
    return nullptr;
  }
  c->n = n;
  c->pivots.assign(n, 0);
  c->lower_rows.assign(static_cast<std::size_t>(n) * n, 0);
  c->upper_rows.assign(static_cast<std::size_t>(n) * n, 0);
  c->lower_start.assign(n + 1, 0);
  c->upper_start.assign(n + 1, 0);
  s->content = c;
  s->ops->gettype = solver_type;
  s->ops->getid = solver_id;
  s->ops->initialize = solver_initialize;
  s->ops->setup = solver_setup;
  s->ops->solve = solver_solve;
  s->ops->lastflag = solver_last_flag;
  s->ops->space = solver_space;
  s->ops->free = solver_free;
  return s;
}

}  // namespace smartnano::solver
