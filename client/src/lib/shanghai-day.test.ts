import { describe, expect, it } from 'vitest';
import { shanghaiDate, shanghaiHour, shanghaiInstant, shanghaiLocal } from './shanghai-day';

describe('Asia/Shanghai wall time', () => {
  it('reads the day and hour of an instant there, across UTC midnight', () => {
    const at = Date.parse('2026-12-05T16:30:00Z');
    expect(shanghaiDate(at)).toBe('2026-12-06');
    expect(shanghaiHour(at)).toBe(0);
    expect(shanghaiHour(Date.parse('2026-12-05T15:59:59Z'))).toBe(23);
  });

  it('turns a datetime-local value into the instant and back', () => {
    expect(shanghaiInstant('2026-12-12T00:00')).toBe('2026-12-12T00:00:00+08:00');
    expect(shanghaiLocal(shanghaiInstant('2026-12-12T00:00'))).toBe('2026-12-12T00:00');
  });
});
