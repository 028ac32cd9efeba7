import { describe, expect, it } from 'vitest';
import { createConnectionStore } from './connection';

describe('the socket state the badge reads', () => {
  it('is connecting until the first socket is acknowledged, however many attempts fail first', () => {
    const connection = createConnectionStore();
    expect(connection.state()).toBe('connecting');
    connection.closed();
    connection.connecting();
    expect(connection.state()).toBe('connecting');
    connection.connected();
    expect(connection.state()).toBe('connected');
    expect(connection.connects()).toBe(1);
  });

  it('is reconnecting from the moment a live socket is lost until a new one is acknowledged', () => {
    const connection = createConnectionStore();
    connection.connected();
    connection.closed();
    expect(connection.state()).toBe('reconnecting');
    connection.connecting(); // each retry
    connection.closed();
    connection.connecting();
    expect(connection.state()).toBe('reconnecting');
    connection.connected();
    expect(connection.state()).toBe('connected');
    expect(connection.connects()).toBe(2);
  });

  it('is connecting again after a sign-out, so the next sign-in does not read as a lost socket', () => {
    const connection = createConnectionStore();
    connection.connected();
    connection.closed();
    connection.reset();
    expect(connection.state()).toBe('connecting');
    connection.closed(); // a last refused attempt after the sign-out
    expect(connection.state()).toBe('connecting');
  });
});
