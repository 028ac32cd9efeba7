import { parseArgs } from 'node:util';
import { UsageError } from '../lib/usage-error.js';
import type { Endpoint } from './simulate.http.js';

export interface SimulateOptions {
  /** Average events per second of real time. */
  rate: number;
  /** How much faster than real time the simulated clock runs, until it catches up with now. */
  speed: number;
  /** Only this campaign's shops, with their traffic attributed to it inside its window. */
  campaign: string | null;
  /** The GraphQL URL and the credential every call carries. */
  endpoint: Endpoint;
  /** Seconds of real time to run; until Ctrl-C when absent. */
  duration: number | null;
  /** Where the simulated clock starts; now when absent. */
  from: Date | null;
  seed: number;
}

export const USAGE = `Sends simulated Double 11 traffic through the ingestEvents mutation.

usage: npm run simulate -- --rate <events/s> --key <credential> [options]
   or: PEAKOPS_API_KEY=<credential> npm run simulate -- --rate <events/s> [options]

  --rate <n>          average events per second of real time (required, > 0)
  --key <credential>  what every call sends as "Authorization: Bearer": an API key (pk_…) with
                      READ and INGEST (createApiKey), the admin key or a staff access token
                      (required; default: the PEAKOPS_API_KEY environment variable)
  --speed <x>         simulated time runs x times faster than real time (default 1); it never
                      runs ahead of now: once it catches up it continues at speed 1
  --from <ISO time>   where the simulated clock starts (default: now), e.g. 2026-11-11T00:00:00+08:00
  --campaign <id>     only that campaign's shops, traffic attributed to it inside its window
                      (default: every ACTIVE campaign)
  --url <url>         GraphQL endpoint (default http://localhost:4000/graphql)
  --duration <s>      stop after this many seconds of real time (default: until Ctrl-C)
  --seed <n>          seed of the traffic; the same seed and --from give the same events, which
                      ingestion then recognises as duplicates (default: from the clock)
  --help              this text`;

const number = (name: string, value: string | undefined, check: (n: number) => boolean, rule: string): number | null => {
  if (value === undefined) return null;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} ${JSON.stringify(value)}: ${rule}`);
  return n;
};

export interface ArgsContext {
  now: Date;
  /** PEAKOPS_API_KEY as simulate.ts read it; --key wins over it. */
  environmentKey?: string | undefined;
}

const MISSING_KEY =
  'a key is required: --key <credential> or PEAKOPS_API_KEY, an API key with READ and INGEST ' +
  '(createApiKey mutation), the admin key (PEAKOPS_ADMIN_KEY) or a staff access token (signIn)';

/** Parses the flags after `npm run simulate --`; throws UsageError, or returns null for --help. */
export function parseSimulateArgs(argv: readonly string[], context: ArgsContext): SimulateOptions | null {
  const { now } = context;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        rate: { type: 'string' },
        speed: { type: 'string' },
        campaign: { type: 'string' },
        url: { type: 'string' },
        key: { type: 'string' },
        duration: { type: 'string' },
        from: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return null;
  const text = (name: string) => values[name] as string | undefined;

  const rate = number('rate', text('rate'), (n) => n > 0 && n <= 100_000, 'must be a number of events per second above 0 (at most 100000)');
  if (rate === null) throw new UsageError('--rate is required: how many events per second to send');
  const speed = number('speed', text('speed'), (n) => n > 0 && n <= 100_000, 'must be a number above 0') ?? 1;
  const duration = number('duration', text('duration'), (n) => n > 0, 'must be a number of seconds above 0');
  const seed = number('seed', text('seed'), (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32, 'must be an integer from 0 to 4294967295');

  const url = text('url') ?? 'http://localhost:4000/graphql';
  if (!/^https?:\/\/\S+$/.test(url)) throw new UsageError(`--url ${JSON.stringify(url)}: must be an http:// or https:// URL`);
  const campaign = text('campaign');
  if (campaign !== undefined && campaign.trim() === '') throw new UsageError('--campaign: needs a campaign id');

  let from: Date | null = null;
  const fromText = text('from');
  if (fromText !== undefined) {
    from = new Date(fromText);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(fromText) || Number.isNaN(from.getTime())) {
      throw new UsageError(`--from ${JSON.stringify(fromText)}: must be an ISO time such as 2026-11-11T00:00:00+08:00`);
    }
    // The server refuses events from the future; the clock can only replay the past and then keep up.
    if (from.getTime() > now.getTime()) throw new UsageError(`--from ${fromText}: must not be in the future`);
  }

  // An empty PEAKOPS_API_KEY= is unset, as the server treats its own variables (env.ts).
  const key = text('key') ?? (context.environmentKey || undefined);
  if (key === undefined || key.trim() === '') throw new UsageError(MISSING_KEY);
  // The server reads "Bearer <one token>"; the key itself is never echoed, it is a secret.
  if (/\s/.test(key)) throw new UsageError('--key / PEAKOPS_API_KEY: a credential has no spaces (is it pasted with its label?)');
  return { rate, speed, campaign: campaign ?? null, endpoint: { url, key }, duration, from, seed: seed ?? now.getTime() % 2 ** 32 };
}
