import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The caller's address. Behind `trustedHops` proxies that each append the address they saw to
 * X-Forwarded-For (nginx's `$proxy_add_x_forwarded_for`), it is the entry that many from the right: the
 * one the outermost trusted proxy saw. Entries further left are the client's own claims and never used.
 * Without trusted proxies, or without the header (a request that came round them), the connection's.
 */
export function clientAddress(req: IncomingMessage, trustedHops: number): string | null {
  const connection = req.socket.remoteAddress ?? null;
  if (trustedHops === 0) return connection;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((entry) => entry.trim()).filter(Boolean);
  if (hops.length === 0) return connection;
  const seen = hops[Math.max(hops.length - trustedHops, 0)]!;
  return isIP(seen) ? seen : connection;
}
