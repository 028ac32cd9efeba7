import { addDays } from '../../lib/shanghai-day';
import type { SpendCampaign, SpendEntryInput } from './spend.documents';

export type TrafficSource = SpendEntryInput['source'];

/** The sources money buys, the paid ones first: what 直通车 / 引力魔方 / 千川 reports are entered as. */
export const SPEND_SOURCES: readonly TrafficSource[] = ['PAID', 'SOCIAL', 'RECOMMENDATION', 'SEARCH', 'CAMPAIGN', 'DIRECT', 'OTHER'];

/** An Asia/Shanghai day as the API's half-open window [00:00, next 00:00). */
export const dayWindow = (date: string) => ({ from: `${date}T00:00:00+08:00`, to: `${addDays(date, 1)}T00:00:00+08:00` });

/** The start of an hour of a Shanghai day, as an ad platform's hourly report dates it. */
export const hourOf = (date: string, hour: number) => `${date}T${String(hour).padStart(2, '0')}:00:00+08:00`;

/**
 * The campaign an entry counts for by default: the one of this shop live at the hour (the war room's campaign
 * ROI counts only spend attributed to it). Null when none is.
 */
export function campaignAt(campaigns: readonly SpendCampaign[], shopId: string, at: string): string | null {
  const time = Date.parse(at);
  const live = campaigns.find((c) => c.shops.some((s) => s.id === shopId) && Date.parse(c.startsAt) <= time && time < Date.parse(c.endsAt));
  return live?.id ?? null;
}

/** Campaigns the shop takes part in: the only ones the server lets an entry of it count for. */
export const campaignsOf = (campaigns: readonly SpendCampaign[], shopId: string) => campaigns.filter((c) => c.shops.some((s) => s.id === shopId));

/**
 * A new idempotency key for an entry typed in the console. Made once per entry and kept until it is stored,
 * so sending it again after a lost answer records it once (the server counts the replay as a duplicate).
 */
export const newEntryKey = () => `console-${crypto.randomUUID()}`;
