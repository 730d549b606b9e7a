#!/usr/bin/env python3
"""Writes the per-patient parameters of a smartnano population (bench/peers/ peers use them).

smartnano does not write per-patient parameters (docs/population.md, "Not yet"), so this script
re-implements its documented sampler (src/population/population.cpp) bit for bit:
std::mt19937_64 seeded with mix(mix(mix(seed) ^ patient) ^ purpose) (SplitMix64 output function,
purpose 1 = etas), uniform ((x >> 11) + 0.5) * 2^-53, Marsaglia polar normals, eta = sqrt(omega^2) z
for uncorrelated etas (the Cholesky factor of a diagonal matrix), omega^2 = log1p(CV^2),
parameter = typical * exp(eta), in the order the variability is listed. Python's math.log/exp/sqrt
call the same glibc functions as the engine, so on one machine the values are identical; run_peers.sh
checks this by comparing peer and smartnano trajectories.

usage: sample_patients.py N SEED OUT.csv
"""
import math
import sys

MASK = (1 << 64) - 1

# (parameter, typical value, CV) in the order of the scenario's variability section.
VARIABILITY = [("PSt", 0.002, 1.00), ("Vmax_l", 0.6, 0.30), ("krt", 0.02, 0.50),
               ("CLf", 30.0, 0.25), ("lam0", 0.004, 0.40), ("kkill", 0.0004, 0.40)]


def splitmix64_mix(z):
    z = (z + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class MT19937_64:
    def __init__(self, seed):
        self.mt = [0] * 312
        self.mt[0] = seed & MASK
        for i in range(1, 312):
            prev = self.mt[i - 1]
            self.mt[i] = (6364136223846793005 * (prev ^ (prev >> 62)) + i) & MASK
        self.idx = 312

    def _twist(self):
        mt = self.mt
        for i in range(312):
            x = (mt[i] & 0xFFFFFFFF80000000) | (mt[(i + 1) % 312] & 0x7FFFFFFF)
            xa = x >> 1
            if x & 1:
                xa ^= 0xB5026F5AA96619E9
            mt[i] = mt[(i + 156) % 312] ^ xa
        self.idx = 0

    def next(self):
        if self.idx >= 312:
            self._twist()
        y = self.mt[self.idx]
        self.idx += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & MASK


class Stream:
    def __init__(self, seed, patient, purpose):
        key = splitmix64_mix(splitmix64_mix(splitmix64_mix(seed) ^ patient) ^ purpose)
        self.eng = MT19937_64(key)
        self.spare = None

    def uniform(self):
        return (float(self.eng.next() >> 11) + 0.5) * 2.0 ** -53

    def normal(self):
        if self.spare is not None:
            s, self.spare = self.spare, None
            return s
        while True:
            u = 2.0 * self.uniform() - 1.0
            v = 2.0 * self.uniform() - 1.0
            s = u * u + v * v
            if 0.0 < s < 1.0:
                break
        f = math.sqrt(-2.0 * math.log(s) / s)
        self.spare = v * f
        return u * f


def sample(n, seed):
    rows = []
    for k in range(n):
        st = Stream(seed, k, 1)
        z = [st.normal() for _ in VARIABILITY]
        row = [k + 1]
        for (name, typ, cv), zk in zip(VARIABILITY, z):
            eta = math.sqrt(math.log1p(cv * cv)) * zk
            row.append(typ * math.exp(eta))
        rows.append(row)
    return rows


if __name__ == "__main__":
    n, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    with open(out, "w") as f:
        f.write("ID," + ",".join(v[0] for v in VARIABILITY) + "\n")
        for row in sample(n, seed):
            f.write(str(row[0]) + "," + ",".join(repr(x) for x in row[1:]) + "\n")
