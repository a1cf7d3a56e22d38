/**
 * Self-steering A/B tests: Thompson sampling over Beta(1 + conversions, 1 + failures) posteriors,
 * with an exploration floor so no variant ever drops below `floor` of the traffic (a variant that
 * looked bad early still gets enough sends to recover). Pure: the random source is passed in, so
 * tests replay exactly. Beta draws come from @stdlib/random-base-beta (seeded PRNG).
 */
import betaFactory from '@stdlib/random-base-beta';

export interface ArmStats {
  sends: number;
  conversions: number;
}

export interface Sampler {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** One draw from Beta(a, b). */
  beta(a: number, b: number): number;
}

/** A seeded sampler (tests, simulations); the server seeds from the clock. */
export function seededSampler(seed: number): Sampler {
  const beta = betaFactory.factory({ seed: seed >>> 0 || 1 });
  // the MT19937 behind the beta generator; `normalized` draws from [0, 1) on the same stream
  const prng = beta.PRNG as unknown as { normalized: () => number };
  return { uniform: () => prng.normalized(), beta: (a, b) => beta(a, b) };
}

/** The largest floor that still leaves room for steering: floor · K ≤ 1. */
export function effectiveFloor(arms: number, floor: number): number {
  if (arms <= 0) return 0;
  return Math.max(0, Math.min(floor, 1 / arms));
}

/**
 * Which variant the next customer gets: with probability K·floor one uniformly at random (the
 * exploration floor), otherwise the variant with the highest posterior draw (Thompson sampling).
 */
export function chooseVariant(arms: ArmStats[], floor: number, rng: Sampler): number {
  const k = arms.length;
  if (k === 0) throw new Error('no variants');
  if (k === 1) return 0;
  const f = effectiveFloor(k, floor);
  if (rng.uniform() < f * k) return Math.min(k - 1, Math.floor(rng.uniform() * k));
  let best = 0;
  let bestDraw = -1;
  for (let i = 0; i < k; i++) {
    const a = arms[i];
    const draw = rng.beta(1 + a.conversions, 1 + Math.max(0, a.sends - a.conversions));
    if (draw > bestDraw) {
      bestDraw = draw;
      best = i;
    }
  }
  return best;
}

/**
 * The current share each variant gets: floor + (1 − K·floor) · P(variant is best), the
 * probability estimated from `draws` posterior samples. Sums to 1.
 */
export function allocationShares(arms: ArmStats[], floor: number, rng: Sampler, draws = 4000): number[] {
  const k = arms.length;
  if (k === 0) return [];
  const f = effectiveFloor(k, floor);
  const wins = new Array<number>(k).fill(0);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    let bestDraw = -1;
    for (let i = 0; i < k; i++) {
      const draw = rng.beta(1 + arms[i].conversions, 1 + Math.max(0, arms[i].sends - arms[i].conversions));
      if (draw > bestDraw) {
        bestDraw = draw;
        best = i;
      }
    }
    wins[best]++;
  }
  return wins.map((w) => f + (1 - f * k) * (w / draws));
}

/** Posterior mean and 95 % credible interval (normal approximation of the Beta) per variant. */
export function posterior(a: ArmStats): { mean: number; low: number; high: number } {
  const alpha = 1 + a.conversions;
  const beta = 1 + Math.max(0, a.sends - a.conversions);
  const mean = alpha / (alpha + beta);
  const sd = Math.sqrt((alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1)));
  return { mean, low: Math.max(0, mean - 1.96 * sd), high: Math.min(1, mean + 1.96 * sd) };
}

export interface SimulationResult {
  allocations: number[];
  arms: ArmStats[];
  /** Σ (best true rate − chosen variant's true rate) over all customers. */
  cumulativeRegret: number;
}

/** Simulate customers one by one against true conversion rates (the bandit simulation test). */
export function simulate(trueRates: number[], customers: number, floor: number, rng: Sampler): SimulationResult {
  const arms: ArmStats[] = trueRates.map(() => ({ sends: 0, conversions: 0 }));
  const bestRate = Math.max(...trueRates);
  const allocations: number[] = [];
  let regret = 0;
  for (let n = 0; n < customers; n++) {
    const v = chooseVariant(arms, floor, rng);
    allocations.push(v);
    arms[v].sends++;
    if (rng.uniform() < trueRates[v]) arms[v].conversions++;
    regret += bestRate - trueRates[v];
  }
  return { allocations, arms, cumulativeRegret: regret };
}
