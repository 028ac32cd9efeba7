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
 * The campaigns an entry of this shop may count for at this time: the shop's, not cancelled, with the time inside
 * their window [startsAt, endsAt). The server refuses any other (campaign spend is spend during the campaign;
 * warm-up spend before one is recorded without it), and the war room's campaign ROI counts only these.
 */
export function campaignsAt(campaigns: readonly SpendCampaign[], shopId: string, at: string): SpendCampaign[] {
  const time = Date.parse(at);
  return campaigns.filter(
    (c) => c.status !== 'CANCELLED' && c.shops.some((s) => s.id === shopId) && Date.parse(c.startsAt) <= time && time < Date.parse(c.endsAt),
  );
}

/** The campaign an entry counts for by default: the first of this shop's live at the time. Null when none is. */
export const campaignAt = (campaigns: readonly SpendCampaign[], shopId: string, at: string): string | null => campaignsAt(campaigns, shopId, at)[0]?.id ?? null;

/**
 * A new idempotency key for an entry typed in the console. Made once per entry and kept until it is stored,
 * so sending it again after a lost answer records it once (the server counts the replay as a duplicate).
 */
export const newEntryKey = () => `console-${crypto.randomUUID()}`;
