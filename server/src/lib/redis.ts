import { Redis, type RedisOptions } from 'ioredis';

/** How a client reports Redis going away (`down`) and coming back: the app's logger, at error and info. */
export type RedisReport = (change: { message: string; down: boolean }) => void;

/**
 * An ioredis client that says once that Redis became unreachable and once that it is back. Without an
 * 'error' listener ioredis prints a stack for every reconnect attempt (every ≤ 2 s, per client) for as
 * long as Redis is down; with a silent one an outage would go unnoticed.
 */
export function redisClient(url: string, name: string, options: RedisOptions, report: RedisReport): Redis {
  const client = new Redis(url, options);
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    report({ message: `Redis (${name}) unreachable, retrying: ${error.message}`, down: true });
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    report({ message: `Redis (${name}) reachable again`, down: false });
  });
  return client;
}

/** QUIT when connected; while Redis is unreachable a QUIT would wait for the reconnect, so just disconnect. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}
