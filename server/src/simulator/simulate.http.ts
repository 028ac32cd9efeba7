import type { Channel } from '../db/enums.js';
import { yuanToFen } from '../lib/money.js';
import type { EventInput } from '../modules/ingest/ingest.parse.js';
import { ORDER_PREFIX, type SimCampaign, type SimShop, type TrafficCatalog } from './traffic.catalog.js';

/** Where the simulator sends its calls, and the credential it sends with each one. */
export interface Endpoint {
  url: string;
  /** An API key (`pk_…`) with READ and INGEST, the admin key or a staff access token; never printed. */
  key: string;
}

/** A call that failed before the server answered it (network, 5xx, GraphQL errors); retrying may help. */
export class TransientError extends Error {
  override name = 'TransientError';
}

/**
 * The credential's bucket is empty for now (HTTP 429 RATE_LIMITED): nothing of the call ran, and the
 * very same call passes once the bucket has refilled, after `retryAfterSeconds`.
 */
export class RateLimited extends TransientError {
  override name = 'RateLimited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The server understood the call and refused it (4xx without a GraphQL result); retrying will not help. */
export class RequestRefused extends Error {
  override name = 'RequestRefused';
}

/**
 * The server refused the credential itself: 401 (unknown, expired or revoked) or FORBIDDEN (it lacks a
 * permission). Every later call would be refused the same way, so a run stops instead of retrying.
 */
export class AccessRefused extends RequestRefused {
  override name = 'AccessRefused';
}

/** Error codes that mean the request itself is wrong; anything else (a masked server error) may pass on a retry. */
const REFUSALS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST']);
/** Codes that refuse the credential rather than the call (server/src/auth, builder.ts). */
const ACCESS_REFUSALS = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);
/** When a 429 carries no usable Retry-After. */
const DEFAULT_RETRY_AFTER_S = 1;
/**
 * Waits for a refill per call. A 429 is not a failure (the bucket refills at a known rate), so these do
 * not count as retries; they are bounded only so that a key shared with a busier producer cannot hold
 * a call forever.
 */
export const MAX_RATE_LIMIT_WAITS = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
  extensions?: { cost?: { requestedQueryCost: number; throttleStatus: { maximumAvailable: number } } };
}

/**
 * Retry-After in seconds. Our server sends delta-seconds (auth/access.plugin.ts); the HTTP-date form
 * would need a clock, so it falls back to the default like a missing header.
 */
function retryAfterSeconds(header: string | null): number {
  const seconds = header === null || header.trim() === '' ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_RETRY_AFTER_S;
}

/** What went wrong with an answer, as the error class that tells the caller whether to retry; null when nothing did. */
function failureOf<T>(url: string, response: Response, body: GraphQLBody<T> | null): Error | null {
  const errors = body?.errors ?? [];
  const codes = new Set(errors.map((e) => e.extensions?.code ?? ''));
  const message = errors.length ? errors.map((e) => e.message).join('; ') : `HTTP ${response.status} from ${url}`;
  if (response.status === 401 || response.status === 403 || [...codes].some((c) => ACCESS_REFUSALS.has(c))) return new AccessRefused(message);
  if (response.status === 429 || codes.has('RATE_LIMITED')) {
    const cost = body?.extensions?.cost;
    // A call that costs more than the whole bucket never passes: waiting for a refill would loop forever.
    if (cost && cost.requestedQueryCost > cost.throttleStatus.maximumAvailable) return new RequestRefused(message);
    return new RateLimited(message, retryAfterSeconds(response.headers.get('retry-after')));
  }
  const clientError = response.status >= 400 && response.status < 500;
  if (errors.length) return clientError || [...codes].some((c) => REFUSALS.has(c)) ? new RequestRefused(message) : new TransientError(message);
  if (!response.ok || !body?.data) return clientError ? new RequestRefused(message) : new TransientError(message);
  return null;
}

export async function graphql<T>(endpoint: Endpoint, query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${endpoint.key}` },
      body: JSON.stringify({ query, variables }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    throw new TransientError(`cannot reach ${endpoint.url}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  const body = (await response.json().catch(() => null)) as GraphQLBody<T> | null;
  const failure = failureOf(endpoint.url, response, body);
  if (failure) throw failure;
  // failureOf refuses every answer without data.
  return body!.data!;
}

/** What the simulator does with the key: read the catalog, then send traffic. */
const NEEDED_PERMISSIONS = ['READ', 'INGEST'] as const;

/**
 * Asks the server who the key is before anything else, so a key that cannot do the job fails at once
 * with one line saying what it lacks, instead of after the catalog has been read.
 */
export async function checkAccess(endpoint: Endpoint): Promise<void> {
  const { viewer } = await graphql<{ viewer: { name: string; permissions: string[] } }>(endpoint, '{ viewer { name permissions } }');
  const missing = NEEDED_PERMISSIONS.filter((p) => !viewer.permissions.includes(p));
  if (missing.length > 0) {
    throw new AccessRefused(`the key "${viewer.name}" lacks ${missing.join(' and ')}: the simulator needs a key with READ and INGEST`);
  }
}

/** A catalog read that waits out a 429 as the traffic does: the key's bucket may be busy with other producers. */
async function read<T>(endpoint: Endpoint, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  for (let waits = 0; ; waits++) {
    try {
      return await graphql<T>(endpoint, query, variables);
    } catch (error) {
      if (!(error instanceof RateLimited) || waits >= MAX_RATE_LIMIT_WAITS) throw error;
      await sleep(error.retryAfterSeconds * 1000);
    }
  }
}

interface Page<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: T }[];
}

/** Every node of a connection, 100 at a time (the API's page limit), up to `limit`. */
async function all<T>(endpoint: Endpoint, field: string, query: string, limit = Infinity): Promise<T[]> {
  const nodes: T[] = [];
  let after: string | null = null;
  do {
    const data: Record<string, Page<T>> = await read(endpoint, query, { after });
    const page = data[field]!;
    nodes.push(...page.edges.map((e) => e.node));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after && nodes.length < limit);
  return nodes;
}

const PAGE = 'pageInfo { hasNextPage endCursor }';
const CAMPAIGN_FIELDS = 'id startsAt endsAt theme status shops { id }';
type CampaignNode = { id: string; startsAt: string; endsAt: string; theme: string | null; status: string; shops: { id: string }[] };
/** Enough members for repeat buyers; the rest of a big customer base adds nothing to the traffic. */
const MAX_CUSTOMERS = 5_000;

/**
 * The catalog the API shows: shops, SKUs of products on sale, the ACTIVE campaigns (or the one
 * asked for, restricting the traffic to its shops), and members so orders land on known customers.
 */
export async function fetchCatalog(endpoint: Endpoint, campaignId: string | null): Promise<TrafficCatalog> {
  const shops = await all<{ id: string; platform: Channel; active: boolean }>(endpoint, 'shops', `query ($after: String) { shops(first: 100, after: $after) { ${PAGE} edges { node { id platform active } } } }`);
  const products = await all<{ createdAt: string; shop: { id: string }; skus: { id: string; price: string }[] }>(
    endpoint,
    'products',
    `query ($after: String) { products(first: 100, after: $after, filter: { status: ON_SALE }) { ${PAGE} edges { node { createdAt shop { id } skus { id price } } } } }`,
  );
  let campaigns: CampaignNode[];
  if (campaignId) {
    const data = await read<{ campaign: CampaignNode | null }>(endpoint, `query ($id: ID!) { campaign(id: $id) { ${CAMPAIGN_FIELDS} } }`, { id: campaignId }).catch((error: unknown) => {
      // A malformed id is as absent as an unknown one; a refused key is not.
      if (error instanceof RequestRefused && !(error instanceof AccessRefused)) return { campaign: null };
      throw error;
    });
    if (!data.campaign) throw new RequestRefused(`campaign ${campaignId} not found`);
    campaigns = [data.campaign];
  } else {
    campaigns = await all<CampaignNode>(endpoint, 'campaigns', `query ($after: String) { campaigns(first: 100, after: $after, status: ACTIVE) { ${PAGE} edges { node { ${CAMPAIGN_FIELDS} } } } }`);
  }
  const members = await all<{ externalId: string; paidOrders: number; shop: { id: string } }>(
    endpoint,
    'customers',
    `query ($after: String) { customers(first: 100, after: $after) { ${PAGE} edges { node { externalId paidOrders shop { id } } } } }`,
    MAX_CUSTOMERS,
  );

  const only = campaignId ? new Set(campaigns[0]!.shops.map((s) => s.id)) : null;
  const simShops: SimShop[] = shops
    .filter((s) => s.active && (!only || only.has(s.id)))
    .map((shop) => {
      const buyers = members.filter((m) => m.shop.id === shop.id).sort((a, b) => Number(b.paidOrders > 0) - Number(a.paidOrders > 0));
      return {
        id: shop.id,
        platform: shop.platform,
        orderPrefix: ORDER_PREFIX[shop.platform],
        skus: products
          .filter((p) => p.shop.id === shop.id)
          .flatMap((p) => p.skus.map((s) => ({ id: s.id, priceFen: yuanToFen(s.price), listedAt: new Date(p.createdAt) }))),
        customers: buyers.map((m) => m.externalId),
        repeatBuyers: buyers.filter((m) => m.paidOrders > 0).length,
      };
    });
  const simCampaigns: SimCampaign[] = campaigns
    .filter((c) => c.status !== 'CANCELLED')
    .map((c) => ({ id: c.id, shopIds: c.shops.map((s) => s.id), startsAt: new Date(c.startsAt), endsAt: new Date(c.endsAt), theme: c.theme }));
  return { shops: simShops, campaigns: simCampaigns };
}

export interface IngestReply {
  accepted: number;
  duplicates: number;
  userErrors: { index: number; eventId: string | null; code: string; message: string }[];
}

const INGEST = `mutation ($events: [EventInput!]!) {
  ingestEvents(input: { events: $events }) { accepted duplicates userErrors { index eventId code message } }
}`;

export async function sendEvents(endpoint: Endpoint, events: readonly EventInput[], signal?: AbortSignal): Promise<IngestReply> {
  return (await graphql<{ ingestEvents: IngestReply }>(endpoint, INGEST, { events }, signal)).ingestEvents;
}
