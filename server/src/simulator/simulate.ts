import { fenToYuan } from '../lib/money.js';
import { UsageError } from '../lib/usage-error.js';
import { parseSimulateArgs, USAGE } from './simulate.args.js';
import { AccessRefused, checkAccess, fetchCatalog, RequestRefused } from './simulate.http.js';
import { runSimulation } from './simulate.run.js';

/**
 * `npm run simulate -- --rate <events/s> --key <credential> [--speed <x>] [--campaign <id>] [--url …] [--duration <s>] [--from <ISO>]`:
 * realistic Double 11 traffic through the ingestEvents mutation over HTTP. Exit codes: 0 done,
 * 1 the server could not be used (it refused the key, or some events never got through), 2 bad flags
 * (no key at all included).
 */
async function main(argv: string[]): Promise<number> {
  let options;
  try {
    // This entry point is the simulator's only reader of the environment; the rest gets the key passed in.
    options = parseSimulateArgs(argv, { now: new Date(), environmentKey: process.env.PEAKOPS_API_KEY });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`simulate: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (!options) {
    console.log(USAGE);
    return 0;
  }

  let catalog;
  try {
    await checkAccess(options.endpoint);
    catalog = await fetchCatalog(options.endpoint, options.campaign);
  } catch (error) {
    if (error instanceof AccessRefused) {
      console.error(`simulate: the server refused the key: ${error.message}`);
      return 1;
    }
    console.error(`simulate: ${(error as Error).message}`);
    // A campaign id that does not exist is a bad flag; anything else is the server's side.
    return error instanceof RequestRefused && options.campaign ? 2 : 1;
  }
  const skus = catalog.shops.reduce((n, s) => n + s.skus.length, 0);
  if (skus === 0) {
    console.error('simulate: no shop has a SKU on sale; nothing to simulate (start the server with --demo for demo data)');
    return 1;
  }
  console.log(
    `simulate: ${catalog.shops.length} shops, ${skus} SKUs, ${catalog.campaigns.length} campaign(s); ${options.rate} events/s` +
      `${options.speed === 1 ? '' : `, simulated clock ×${options.speed}`}${options.from ? ` from ${options.from.toISOString()}` : ''}` +
      ` → ${options.endpoint.url}${options.duration === null ? ' (Ctrl-C to stop)' : ` for ${options.duration} s`}`,
  );

  const stop = new AbortController();
  process.once('SIGINT', () => {
    console.log('simulate: stopping — waiting for the requests in flight (Ctrl-C again to quit at once)');
    stop.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  const totals = await runSimulation({ ...options, signal: stop.signal }, catalog);
  console.log(
    `simulate: ${totals.sent} events sent in ${totals.seconds.toFixed(1)} s (${(totals.sent / Math.max(totals.seconds, 0.001)).toFixed(1)}/s): ` +
      `${totals.accepted} accepted, ${totals.duplicates} duplicates, ${totals.rejected} refused, ${totals.failed} failed` +
      `${totals.unsent > 0 ? `, ${totals.unsent} generated but not sent` : ''}; ${totals.ordersPaid} orders paid, GMV ¥${fenToYuan(totals.gmvFen)}`,
  );
  if (totals.refusal) console.error(`simulate: stopped, the server refused the key: ${totals.refusal}`);
  return totals.failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
