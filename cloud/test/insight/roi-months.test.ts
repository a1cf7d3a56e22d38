import { roiMonthsBefore } from '../../src/modules/insight/insight.service';

const iso = (months: ReturnType<typeof roiMonthsBefore>) => months.map((m) => [m.month, m.from.toISOString(), m.to.toISOString()]);

describe('ROI board months (Shanghai calendar)', () => {
  it('steps back over a year boundary, oldest first, each month [Shanghai 1st, next 1st)', () => {
    expect(iso(roiMonthsBefore(new Date('2027-02-10T04:00:00Z'), 3))).toEqual([
      ['2026-11', '2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z'],
      ['2026-12', '2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
      ['2027-01', '2026-12-31T16:00:00.000Z', '2027-01-31T16:00:00.000Z'],
    ]);
  });

  it("reads 'now' in Shanghai: 20:00 UTC on 31 Dec is already January there", () => {
    expect(iso(roiMonthsBefore(new Date('2026-12-31T20:00:00Z'), 1))).toEqual([['2026-12', '2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z']]);
    expect(iso(roiMonthsBefore(new Date('2026-12-31T15:59:59Z'), 1))).toEqual([['2026-11', '2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z']]);
  });

  it('covers more than a year and leap February', () => {
    const months = roiMonthsBefore(new Date('2028-03-05T00:00:00Z'), 14);
    expect(months.map((m) => m.month)).toEqual([
      '2027-01',
      '2027-02',
      '2027-03',
      '2027-04',
      '2027-05',
      '2027-06',
      '2027-07',
      '2027-08',
      '2027-09',
      '2027-10',
      '2027-11',
      '2027-12',
      '2028-01',
      '2028-02',
    ]);
    const feb = months[months.length - 1];
    expect((feb.to.getTime() - feb.from.getTime()) / 86_400_000).toBe(29);
    for (let i = 1; i < months.length; i++) expect(months[i].from).toEqual(months[i - 1].to);
  });
});
