#!/usr/bin/env Rscript
# Peer benchmark: NP-PBPK-16 (bench/reference-model.md) in R deSolve.
#
# usage: Rscript desolve_np_pbpk_16.R PARAMS.csv M RTOL ATOL METHOD OUT.csv
#   PARAMS.csv: per-patient parameters from sample_patients.py (the smartnano patients);
#   M: simulate patients 1..M; METHOD: lsoda (deSolve's default) | bdf (vode BDF) | lsodes.
# The RHS is an R function (what a deSolve user writes without compiled code). Integration is
# segmented at every infusion start and end (0, 1, 672, 673, ...), the infusion being a constant
# 90 mg/h input into Ep inside its segment; all 16 states are recorded every 6 h (449 rows).
# The Jacobian is the integrator's internal finite-difference one.
# Prints "wall_seconds <s>" (simulation only) and writes ID,Fc,W_total,AUCc at 2688 h.
suppressPackageStartupMessages(library(deSolve))

args <- commandArgs(trailingOnly = TRUE)
pfile <- args[1]; m <- as.integer(args[2]); rtol <- as.numeric(args[3])
atol <- as.numeric(args[4]); method <- args[5]; outfile <- args[6]

typ <- c(Vmax_l = 0.6, Km_l = 20, CLs = 0.01, PSo = 0.01, kob = 0.005, PSt = 0.002, ktb = 0.01,
         krp = 0.001, krl = 0.05, krs = 0.05, kro = 0.01, krt = 0.02, CLf = 30, Qr = 60, Kpr = 1,
         Qh = 15, Kph = 20, Ql = 90, Kpl = 30, Qt = 0.1, Kpt = 10, kin = 0.5, kout = 0.05,
         kkill = 0.0004, lam0 = 0.004, lam1 = 0.02, ktr = 0.02, psi = 20, V_p = 3.0, V_fp = 15,
         V_r = 1000, V_h = 0.3, V_l = 1.8, V_t = 0.05, rate = 0)
DOSE <- 90; TINF <- 1; II <- 672; NDOSE <- 4; TEND <- 2688
# NP_OUTPUT=final: record only t = 0 and the final time (the integration is the same).
tobs <- if (Sys.getenv("NP_OUTPUT") == "final") c(0, TEND) else seq(0, TEND, by = 6)
cuts <- sort(unique(c(0, TEND, II * (0:(NDOSE - 1)), II * (0:(NDOSE - 1)) + TINF)))

rhs <- function(t, y, p) {
  with(as.list(c(y, p)), {
    Cp <- Ep / V_p
    Cfp <- Fp / V_fp
    up <- Vmax_l * Cp / (Km_l + Cp)
    Jr <- Qr * (Cfp - Fr / (V_r * Kpr))
    Jh <- Qh * (Cfp - Fh / (V_h * Kph))
    Jl <- Ql * (Cfp - Fl / (V_l * Kpl))
    Jt <- Qt * (Cfp - Ft / (V_t * Kpt))
    E <- kkill * Fc / V_t
    Wt <- W0 + W1 + W2 + W3
    list(c(-up - CLs * Cp - PSo * Cp + kob * Eo - PSt * Cp + ktb * Et - krp * Ep + rate,
           up - krl * El,
           CLs * Cp - krs * Es,
           PSo * Cp - kob * Eo - kro * Eo,
           PSt * Cp - ktb * Et - krt * Et,
           krp * Ep + kro * Eo + krs * Es - CLf * Cfp - Jr - Jh - Jl - Jt,
           Jr, Jh, Jl + krl * El,
           Jt + krt * Et - kin * Ft + kout * Fc,
           kin * Ft - kout * Fc,
           lam0 * W0 / (1 + (lam0 / lam1 * Wt)^psi)^(1 / psi) - E * W0,
           E * W0 - ktr * W1,
           ktr * (W1 - W2),
           ktr * (W2 - W3),
           Fc / V_t))
  })
}

simulate <- function(p) {
  y <- c(Ep = 0, El = 0, Es = 0, Eo = 0, Et = 0, Fp = 0, Fr = 0, Fh = 0, Fl = 0, Ft = 0, Fc = 0,
         W0 = 50, W1 = 0, W2 = 0, W3 = 0, AUCc = 0)
  rows <- list(matrix(y, nrow = 1))
  for (i in seq_len(length(cuts) - 1)) {
    a <- cuts[i]; b <- cuts[i + 1]
    p["rate"] <- if (any(a >= II * (0:(NDOSE - 1)) & a < II * (0:(NDOSE - 1)) + TINF)) DOSE / TINF else 0
    inner <- tobs[tobs > a & tobs <= b]
    ts <- unique(c(a, inner, b))
    out <- ode(y, ts, rhs, p, method = method, rtol = rtol, atol = atol, maxsteps = 100000)
    if (length(inner) > 0) rows[[length(rows) + 1]] <- out[2:(1 + length(inner)), -1, drop = FALSE]
    y <- out[nrow(out), -1]
  }
  res <- do.call(rbind, rows)
  stopifnot(nrow(res) == length(tobs))
  res
}

pars <- read.csv(pfile)
pars <- pars[seq_len(min(m, nrow(pars))), ]
finals <- matrix(0, nrow(pars), 4)
t0 <- proc.time()[["elapsed"]]
for (k in seq_len(nrow(pars))) {
  p <- typ
  for (nm in setdiff(names(pars), "ID")) p[nm] <- pars[k, nm]
  res <- simulate(p)
  last <- res[nrow(res), ]
  finals[k, ] <- c(pars$ID[k], last[11], sum(last[12:15]), last[16])
}
wall <- proc.time()[["elapsed"]] - t0
colnames(finals) <- c("ID", "Fc", "W_total", "AUCc")
write.csv(format(as.data.frame(finals), digits = 17), outfile, row.names = FALSE, quote = FALSE)
cat(sprintf("wall_seconds %.6f patients %d method %s rtol %g atol %g\n", wall, nrow(pars), method,
            rtol, atol))
