import type { Channel } from '../db/enums.js';
import { yuanToFen } from '../lib/money.js';
import type { EventInput } from '../modules/event/event.input.js';
import { ORDER_PREFIX, type SimCampaign, type SimShop, type TrafficCatalog } from './traffic.catalog.js';

/** A call that failed before the server answered it (network, 5xx, GraphQL errors); retrying may help. */
export class TransientError extends Error {
  override name = 'TransientError';
}

/** The server understood the call and refused it (4xx without a GraphQL result); retrying will not help. */
export class RequestRefused extends Error {
  override name = 'RequestRefused';
}

/** Error codes that mean the request itself is wrong; anything else (a masked server error) may pass on a retry. */
const REFUSALS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST']);

export async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    throw new TransientError(`cannot reach ${url}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  const body = (await response.json().catch(() => null)) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } | null;
  if (body?.errors?.length) {
    const message = body.errors.map((e) => e.message).join('; ');
    const refused = (response.status >= 400 && response.status < 500) || body.errors.some((e) => REFUSALS.has(e.extensions?.code ?? ''));
    throw refused ? new RequestRefused(message) : new TransientError(message);
  }
  if (!response.ok || !body?.data) {
    const error = `HTTP ${response.status} from ${url}`;
    throw response.status >= 400 && response.status < 500 ? new RequestRefused(error) : new TransientError(error);
  }
  return body.data;
}

interface Page<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: T }[];
}

/** Every node of a connection, 100 at a time (the API's page limit), up to `limit`. */
async function all<T>(url: string, field: string, query: string, limit = Infinity): Promise<T[]> {
  const nodes: T[] = [];
  let after: string | null = null;
  do {
    const data: Record<string, Page<T>> = await graphql(url, query, { after });
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
export async function fetchCatalog(url: string, campaignId: string | null): Promise<TrafficCatalog> {
  const shops = await all<{ id: string; platform: Channel; active: boolean }>(url, 'shops', `query ($after: String) { shops(first: 100, after: $after) { ${PAGE} edges { node { id platform active } } } }`);
  const products = await all<{ createdAt: string; shop: { id: string }; skus: { id: string; price: string }[] }>(
    url,
    'products',
    `query ($after: String) { products(first: 100, after: $after, filter: { status: ON_SALE }) { ${PAGE} edges { node { createdAt shop { id } skus { id price } } } } }`,
  );
  let campaigns: CampaignNode[];
  if (campaignId) {
    const data = await graphql<{ campaign: CampaignNode | null }>(url, `query ($id: ID!) { campaign(id: $id) { ${CAMPAIGN_FIELDS} } }`, { id: campaignId }).catch((error: unknown) => {
      if (error instanceof RequestRefused) return { campaign: null };
      throw error;
    });
    if (!data.campaign) throw new RequestRefused(`campaign ${campaignId} not found`);
    campaigns = [data.campaign];
  } else {
    campaigns = await all<CampaignNode>(url, 'campaigns', `query ($after: String) { campaigns(first: 100, after: $after, status: ACTIVE) { ${PAGE} edges { node { ${CAMPAIGN_FIELDS} } } } }`);
  }
  const members = await all<{ externalId: string; paidOrders: number; shop: { id: string } }>(
    url,
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

export async function sendEvents(url: string, events: readonly EventInput[], signal?: AbortSignal): Promise<IngestReply> {
  return (await graphql<{ ingestEvents: IngestReply }>(url, INGEST, { events }, signal)).ingestEvents;
}
