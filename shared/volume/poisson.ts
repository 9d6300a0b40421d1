// Poisson tail probabilities for the small counts the bank alarm reads (pure; no I/O).

const logFactorialCache: number[] = [0];
function logFactorial(k: number): number {
  for (let i = logFactorialCache.length; i <= k; i++) logFactorialCache[i] = logFactorialCache[i - 1] + Math.log(i);
  return logFactorialCache[k];
}

/** P(X ≥ k) for X ~ Poisson(λ); exact for the small counts met here (summed from k upwards). */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (!(lambda > 0)) return 0;
  const kk = Math.ceil(k);
  let term = Math.exp(-lambda + kk * Math.log(lambda) - logFactorial(kk));
  let sum = term;
  for (let j = kk + 1; j < kk + 1000; j++) {
    term *= lambda / j;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return Math.min(1, sum);
}
