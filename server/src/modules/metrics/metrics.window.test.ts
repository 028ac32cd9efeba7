import { describe, expect, it } from 'vitest';
import { countBoundaries, countedWindow, decomposeWindow, nextBoundary, resolveWindow, splitAtBoundaries, type RollupPiece } from './metrics.window.js';
import { minuteRollupsKeptFrom } from '../history/history.retention.js';

/** Instants written in Asia/Shanghai time, as the operations team reads them. */
const sh = (local: string) => new Date(`${local}+08:00`);
const piece = (granularity: RollupPiece['granularity'], from: string, to: string): RollupPiece => ({
  granularity,
  from: sh(from),
  to: sh(to),
});
const minutesIn = (pieces: RollupPiece[]) =>
  pieces.reduce((sum, p) => sum + (p.to.getTime() - p.from.getTime()) / 60_000, 0);

describe('a metrics window resolves to whole minutes', () => {
  it('counts a minute when it starts inside [from, to)', () => {
    expect(resolveWindow(sh('2026-11-11T10:00:30'), sh('2026-11-11T10:05:30'))).toEqual({
      from: sh('2026-11-11T10:01:00'),
      to: sh('2026-11-11T10:06:00'),
    });
  });

  it('keeps minute-aligned ends as they are', () => {
    expect(resolveWindow(sh('2026-11-11T10:00:00'), sh('2026-11-11T10:05:00'))).toEqual({
      from: sh('2026-11-11T10:00:00'),
      to: sh('2026-11-11T10:05:00'),
    });
  });

  it('is empty when no minute starts inside it', () => {
    expect(decomposeWindow(sh('2026-11-11T10:00:10'), sh('2026-11-11T10:00:50'))).toEqual([]);
  });
});

describe('decomposing a window into rollup pieces', () => {
  it('reads one DAY row per whole Asia/Shanghai day', () => {
    expect(decomposeWindow(sh('2026-11-01T00:00:00'), sh('2026-11-12T00:00:00'))).toEqual([
      piece('DAY', '2026-11-01T00:00:00', '2026-11-12T00:00:00'),
    ]);
  });

  it('bounds Shanghai days at 16:00 UTC of the previous UTC day', () => {
    const [day] = decomposeWindow(new Date('2026-11-10T16:00:00Z'), new Date('2026-11-11T16:00:00Z'));
    expect(day).toEqual({ granularity: 'DAY', from: new Date('2026-11-10T16:00:00Z'), to: new Date('2026-11-11T16:00:00Z') });
  });

  it('fills ragged edges with hours, then minutes, around the whole days', () => {
    expect(decomposeWindow(sh('2026-11-10T21:35:00'), sh('2026-11-12T02:10:00'))).toEqual([
      piece('MINUTE', '2026-11-10T21:35:00', '2026-11-10T22:00:00'),
      piece('HOUR', '2026-11-10T22:00:00', '2026-11-11T00:00:00'),
      piece('DAY', '2026-11-11T00:00:00', '2026-11-12T00:00:00'),
      piece('HOUR', '2026-11-12T00:00:00', '2026-11-12T02:00:00'),
      piece('MINUTE', '2026-11-12T02:00:00', '2026-11-12T02:10:00'),
    ]);
  });

  it('uses only minutes for a window shorter than an hour', () => {
    expect(decomposeWindow(sh('2026-11-11T20:05:00'), sh('2026-11-11T20:50:00'))).toEqual([
      piece('MINUTE', '2026-11-11T20:05:00', '2026-11-11T20:50:00'),
    ]);
  });

  it('uses minutes on both sides of an hour boundary inside a short window', () => {
    expect(decomposeWindow(sh('2026-11-11T20:45:00'), sh('2026-11-11T21:15:00'))).toEqual([
      piece('MINUTE', '2026-11-11T20:45:00', '2026-11-11T21:15:00'),
    ]);
  });

  it('crosses midnight in Shanghai with hours on each side when no whole day fits', () => {
    expect(decomposeWindow(sh('2026-11-10T22:30:00'), sh('2026-11-11T01:20:00'))).toEqual([
      piece('MINUTE', '2026-11-10T22:30:00', '2026-11-10T23:00:00'),
      piece('HOUR', '2026-11-10T23:00:00', '2026-11-11T01:00:00'),
      piece('MINUTE', '2026-11-11T01:00:00', '2026-11-11T01:20:00'),
    ]);
  });

  it('rounds second-precision ends to the minutes that start inside the window', () => {
    expect(decomposeWindow(sh('2026-11-11T09:59:30'), sh('2026-11-11T11:00:01'))).toEqual([
      piece('HOUR', '2026-11-11T10:00:00', '2026-11-11T11:00:00'),
      piece('MINUTE', '2026-11-11T11:00:00', '2026-11-11T11:01:00'),
    ]);
  });

  it('returns nothing for an empty window', () => {
    expect(decomposeWindow(sh('2026-11-11T10:00:00'), sh('2026-11-11T10:00:00'))).toEqual([]);
  });

  it('covers every minute of the window exactly once, with pieces that never overlap', () => {
    const from = sh('2026-11-09T13:17:00');
    const to = sh('2026-11-13T08:42:00');
    const pieces = decomposeWindow(from, to);
    expect(minutesIn(pieces)).toBe((to.getTime() - from.getTime()) / 60_000);
    for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.from).toEqual(pieces[i - 1]!.to);
    expect(pieces.map((p) => p.granularity)).toEqual(['MINUTE', 'HOUR', 'DAY', 'HOUR', 'MINUTE']);
  });

  it('never reads a granularity coarser than the one asked for', () => {
    const pieces = decomposeWindow(sh('2026-11-10T21:35:00'), sh('2026-11-12T02:10:00'), 'HOUR');
    expect(pieces).toEqual([
      piece('MINUTE', '2026-11-10T21:35:00', '2026-11-10T22:00:00'),
      piece('HOUR', '2026-11-10T22:00:00', '2026-11-12T02:00:00'),
      piece('MINUTE', '2026-11-12T02:00:00', '2026-11-12T02:10:00'),
    ]);
    expect(decomposeWindow(sh('2026-11-11T00:00:00'), sh('2026-11-12T00:00:00'), 'MINUTE')).toEqual([
      piece('MINUTE', '2026-11-11T00:00:00', '2026-11-12T00:00:00'),
    ]);
  });
});

describe('interval boundaries', () => {
  it('steps to the next Shanghai midnight, hour and minute', () => {
    expect(nextBoundary('DAY', sh('2026-11-11T23:59:00'))).toEqual(sh('2026-11-12T00:00:00'));
    expect(nextBoundary('DAY', sh('2026-11-11T00:00:00'))).toEqual(sh('2026-11-12T00:00:00'));
    expect(nextBoundary('HOUR', sh('2026-11-11T10:30:00'))).toEqual(sh('2026-11-11T11:00:00'));
    expect(nextBoundary('MINUTE', sh('2026-11-11T10:30:15'))).toEqual(sh('2026-11-11T10:31:00'));
  });
});

describe('cutting a window into series points', () => {
  it('cuts at Shanghai midnights, keeping partial days at the edges', () => {
    const window = { from: sh('2026-11-10T21:00:00'), to: sh('2026-11-12T03:00:00') };
    expect(splitAtBoundaries(window, 'DAY')).toEqual([
      { from: sh('2026-11-10T21:00:00'), to: sh('2026-11-11T00:00:00') },
      { from: sh('2026-11-11T00:00:00'), to: sh('2026-11-12T00:00:00') },
      { from: sh('2026-11-12T00:00:00'), to: sh('2026-11-12T03:00:00') },
    ]);
    expect(countBoundaries(window, 'DAY')).toBe(3);
  });

  it('counts points without building them, for every interval', () => {
    const window = { from: sh('2026-11-11T10:30:00'), to: sh('2026-11-11T14:00:00') };
    for (const interval of ['MINUTE', 'HOUR', 'DAY'] as const) {
      expect(countBoundaries(window, interval)).toBe(splitAtBoundaries(window, interval).length);
    }
    expect(countBoundaries(window, 'HOUR')).toBe(4);
    expect(countBoundaries(window, 'MINUTE')).toBe(210);
    expect(countBoundaries({ from: window.from, to: window.from }, 'HOUR')).toBe(0);
  });
});

describe('a window past the minute rollups kept', () => {
  const at = (iso: string) => new Date(iso);
  const kept = at('2034-10-01T00:00:00Z');
  it('is cut to its whole hours on the side whose minutes are gone, and kept whole where they remain', () => {
    expect(countedWindow({ from: at('2034-09-15T10:15:00Z'), to: at('2034-09-15T12:45:00Z') }, kept)).toEqual({ from: at('2034-09-15T11:00:00Z'), to: at('2034-09-15T12:00:00Z') });
    expect(countedWindow({ from: at('2034-09-30T23:15:00Z'), to: at('2034-10-01T00:45:00Z') }, kept)).toEqual({ from: at('2034-10-01T00:00:00Z'), to: at('2034-10-01T00:45:00Z') });
    expect(countedWindow({ from: at('2034-10-01T00:15:00Z'), to: at('2034-10-01T02:45:00Z') }, kept)).toEqual({ from: at('2034-10-01T00:15:00Z'), to: at('2034-10-01T02:45:00Z') });
  });
  it('keeps windows on whole hours as they are, and gives an empty window where nothing is left', () => {
    expect(countedWindow({ from: at('2034-09-15T10:00:00Z'), to: at('2034-09-16T10:00:00Z') }, kept)).toEqual({ from: at('2034-09-15T10:00:00Z'), to: at('2034-09-16T10:00:00Z') });
    expect(countedWindow({ from: at('2034-09-15T10:15:00Z'), to: at('2034-09-15T10:45:00Z') }, kept)).toEqual({ from: at('2034-09-15T11:00:00Z'), to: at('2034-09-15T11:00:00Z') });
    expect(countedWindow({ from: at('2034-09-15T10:15:00Z'), to: at('2034-09-15T10:45:00Z') }, null)).toEqual({ from: at('2034-09-15T10:15:00Z'), to: at('2034-09-15T10:45:00Z') });
  });
});

describe('the minute rollups kept', () => {
  it('start at the UTC month holding the retention horizon', () => {
    expect(minuteRollupsKeptFrom(new Date('2035-01-10T00:00:00Z'), { minuteRollupsDays: 90 })).toEqual(new Date('2034-10-01T00:00:00Z'));
    expect(minuteRollupsKeptFrom(new Date('2035-01-01T00:00:00Z'), { minuteRollupsDays: 31 })).toEqual(new Date('2034-12-01T00:00:00Z'));
  });
});
