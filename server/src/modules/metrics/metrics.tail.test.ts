import { describe, expect, it } from 'vitest';
import { tailWindow } from './metrics.service.js';

const at = (iso: string) => new Date(iso);
const DAY = { from: at('2026-11-10T16:00:00Z'), to: at('2026-11-11T16:00:00Z') }; // 11.11 in Asia/Shanghai

describe('the tail of a series', () => {
  it('ends with the point that contains now and reaches back whole points', () => {
    expect(tailWindow(DAY, 'MINUTE', 3, at('2026-11-11T12:34:56Z'))).toEqual({ from: at('2026-11-11T12:32:00Z'), to: at('2026-11-11T12:35:00Z') });
    expect(tailWindow(DAY, 'HOUR', 2, at('2026-11-11T12:34:56Z'))).toEqual({ from: at('2026-11-11T11:00:00Z'), to: at('2026-11-11T13:00:00Z') });
  });

  it('stays inside the window: its last points once ended, its first before it starts', () => {
    expect(tailWindow(DAY, 'MINUTE', 2, at('2026-12-01T00:00:00Z'))).toEqual({ from: at('2026-11-11T15:58:00Z'), to: DAY.to });
    expect(tailWindow(DAY, 'MINUTE', 5, at('2026-11-01T00:00:00Z'))).toEqual({ from: DAY.from, to: at('2026-11-10T16:01:00Z') });
  });

  it('keeps a partial first point partial, as the full series does', () => {
    const ragged = { from: at('2026-11-11T01:30:00Z'), to: at('2026-11-11T04:00:00Z') };
    expect(tailWindow(ragged, 'HOUR', 10, at('2026-11-11T02:10:00Z'))).toEqual({ from: ragged.from, to: at('2026-11-11T03:00:00Z') });
  });

  it('takes Asia/Shanghai days for DAY points', () => {
    const week = { from: at('2026-11-07T16:00:00Z'), to: at('2026-11-14T16:00:00Z') };
    expect(tailWindow(week, 'DAY', 2, at('2026-11-11T01:00:00Z'))).toEqual({ from: at('2026-11-09T16:00:00Z'), to: at('2026-11-11T16:00:00Z') });
  });
});
