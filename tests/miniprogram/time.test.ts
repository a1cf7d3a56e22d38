import { formatShanghai, resetTimeFormatterForTests } from '../../src/utils/time';

describe('formatShanghai', () => {
  afterEach(() => resetTimeFormatterForTests());

  it('shows UTC instants in Asia/Shanghai (UTC+8), crossing midnight', () => {
    expect(formatShanghai('2026-11-01T16:30:00.000Z')).toBe('2026-11-02 00:30');
    expect(formatShanghai('2026-01-31T23:05:00Z')).toBe('2026-02-01 07:05');
  });

  it('falls back to a fixed +08:00 offset when Intl cannot do time zones', () => {
    const original = Intl.DateTimeFormat;
    (Intl as { DateTimeFormat: unknown }).DateTimeFormat = function () {
      throw new RangeError('no tz data');
    };
    try {
      resetTimeFormatterForTests();
      expect(formatShanghai('2026-11-01T16:30:00.000Z')).toBe('2026-11-02 00:30');
    } finally {
      (Intl as { DateTimeFormat: unknown }).DateTimeFormat = original;
    }
  });

  it('handles empty and invalid input', () => {
    expect(formatShanghai(null)).toBe('—');
    expect(formatShanghai('not a date')).toBe('not a date');
  });
});
