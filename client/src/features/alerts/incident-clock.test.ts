import { describe, expect, it } from 'vitest';
import { countdown, incidentState } from './incident-clock';

const incident = { startedAt: '2026-11-11T04:00:00Z', respondBy: '2026-11-11T04:10:00Z', fixBy: '2026-11-11T04:30:00Z' };
const at = (iso: string) => Date.parse(iso);

describe('an incident’s clock on the screen', () => {
  it('counts down to the response while nobody has claimed it, then says how late it is', () => {
    expect(incidentState({ status: 'OPEN', incident }, at('2026-11-11T04:02:55Z'))).toEqual({ step: 'respond', remainingMs: 425_000 });
    expect(incidentState({ status: 'OPEN', incident }, at('2026-11-11T04:10:00Z'))).toEqual({ step: 'respondLate', lateMs: 0 });
    expect(incidentState({ status: 'OPEN', incident }, at('2026-11-11T04:13:00Z'))).toEqual({ step: 'respondLate', lateMs: 180_000 });
  });

  it('never shows more time than the rule gives, on a screen whose clock runs behind the server’s', () => {
    expect(incidentState({ status: 'OPEN', incident }, at('2026-11-11T03:59:59.200Z'))).toEqual({ step: 'respond', remainingMs: 600_000 });
    expect(incidentState({ status: 'ACKNOWLEDGED', incident }, at('2026-11-11T03:59:58Z'))).toEqual({ step: 'fix', remainingMs: 1_800_000 });
  });

  it('counts down to the fix once claimed, whether the claim was in time or not', () => {
    expect(incidentState({ status: 'ACKNOWLEDGED', incident }, at('2026-11-11T04:12:00Z'))).toEqual({ step: 'fix', remainingMs: 1_080_000 });
    expect(incidentState({ status: 'ACKNOWLEDGED', incident }, at('2026-11-11T04:31:00Z'))).toEqual({ step: 'fixLate', lateMs: 60_000 });
  });

  it('has nothing to count for an alert that is not an incident, or one resolved', () => {
    expect(incidentState({ status: 'OPEN', incident: null }, at('2026-11-11T04:00:00Z'))).toBeNull();
    expect(incidentState({ status: 'RESOLVED', incident }, at('2026-11-11T04:05:00Z'))).toBeNull();
  });

  it('reads whole minutes and seconds left', () => {
    expect(countdown(425_000)).toBe('7:05');
    expect(countdown(425_900)).toBe('7:05');
    expect(countdown(600_000)).toBe('10:00');
    expect(countdown(400)).toBe('0:00');
  });
});
