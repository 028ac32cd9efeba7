import { describe, expect, it } from 'vitest';
import { alertLogFilter, severityOf, statusViewOf } from './alert-log-filter';

describe('the alerts page’s filter', () => {
  it('opens on the alerts nobody has claimed, of every severity', () => {
    expect(statusViewOf(undefined)).toBe('open');
    expect(statusViewOf('bogus')).toBe('open');
    expect(severityOf('LOUD')).toBeNull();
    expect(alertLogFilter('open', null)).toEqual({ statuses: ['OPEN'] });
  });

  it('sends only what narrows the list', () => {
    expect(alertLogFilter('all', null)).toEqual({});
    expect(alertLogFilter('resolved', 'CRITICAL')).toEqual({ statuses: ['RESOLVED'], severities: ['CRITICAL'] });
    expect(alertLogFilter('all', severityOf('INFO'))).toEqual({ severities: ['INFO'] });
  });
});
