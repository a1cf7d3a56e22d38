import { allocationShares, chooseVariant, effectiveFloor, posterior, seededSampler, simulate } from '../../src/modules/insight/bandit';

describe('Thompson sampling with an exploration floor', () => {
  test('5 % vs 8 %, 4,000 customers: the last 1,000 put ≥ 80 % on the better variant; regret reported', () => {
    const shares: number[] = [];
    const regrets: number[] = [];
    // several seeds: the property must hold for the policy, not for one lucky stream
    for (const seed of [1, 7, 42, 2026, 99]) {
      const r = simulate([0.05, 0.08], 4000, 0.05, seededSampler(seed));
      const last = r.allocations.slice(-1000);
      shares.push(last.filter((v) => v === 1).length / 1000);
      regrets.push(r.cumulativeRegret);
      expect(r.arms[0].sends + r.arms[1].sends).toBe(4000);
    }

    console.log(
      `bandit 5% vs 8%: share of the better variant in the last 1,000 = ${shares.map((s) => s.toFixed(3)).join(', ')}; cumulative regret = ${regrets.map((r) => r.toFixed(1)).join(', ')} conversions (even split would lose 60)`,
    );
    for (const s of shares) expect(s).toBeGreaterThanOrEqual(0.8);
    // better than an even split (4000 × 0.5 × 0.03 = 60 lost conversions)
    for (const r of regrets) expect(r).toBeLessThan(60);
  });

  test('the floor keeps a clearly worse variant explored', () => {
    const rng = seededSampler(3);
    const arms = [
      { sends: 2000, conversions: 20 },
      { sends: 2000, conversions: 400 },
    ];
    let worse = 0;
    for (let i = 0; i < 20000; i++) if (chooseVariant(arms, 0.05, rng) === 0) worse++;
    // only the floor sends traffic to variant 0: ≈ 5 %
    expect(worse / 20000).toBeGreaterThan(0.04);
    expect(worse / 20000).toBeLessThan(0.06);
    const shares = allocationShares(arms, 0.05, seededSampler(4));
    expect(shares[0]).toBeCloseTo(0.05, 3);
    expect(shares[0] + shares[1]).toBeCloseTo(1, 9);
  });

  test('allocation starts even and the floor is capped at 1/K', () => {
    const shares = allocationShares(
      [
        { sends: 0, conversions: 0 },
        { sends: 0, conversions: 0 },
        { sends: 0, conversions: 0 },
      ],
      0.1,
      seededSampler(5),
      6000,
    );
    for (const s of shares) expect(s).toBeGreaterThan(0.3);
    expect(effectiveFloor(4, 0.5)).toBe(0.25);
    const p = posterior({ sends: 100, conversions: 10 });
    expect(p.mean).toBeCloseTo(11 / 102, 9);
    expect(p.low).toBeLessThan(p.mean);
    expect(p.high).toBeGreaterThan(p.mean);
  });
});
