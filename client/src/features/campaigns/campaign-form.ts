import { sameMembers } from '../../lib/same-members';
import { shanghaiInstant, shanghaiLocal } from '../../lib/shanghai-day';
import { fromPercent, toPercent } from '../../lib/percent';
import { amountOf } from '../../lib/yuan';
import type { CampaignCreate, CampaignRow, CampaignUpdate } from './campaigns.documents';

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

export interface CampaignForm {
  name: string;
  theme: string;
  shopIds: readonly string[];
  /** datetime-local values, Asia/Shanghai. */
  startsAt: string;
  endsAt: string;
  /** Yuan as typed. */
  gmvTarget: string;
  /** 目标转化率 in percent as typed ("3", "3.25"); empty: none. */
  conversionTarget: string;
  /** 目标拆解: each chosen shop's part of the target, yuan as typed; null: not split. */
  shopTargets: Readonly<Record<string, string>> | null;
  /** A new campaign whose end has passed is created only when the operator says it is a past campaign on purpose. */
  pastConfirmed?: boolean;
}

export type CampaignProblem = 'name' | 'shops' | 'window' | 'target' | 'conversion' | 'split' | 'past';

/** A new campaign starts at the manuals' order conversion target, ≥ 3 %. */
export const emptyCampaignForm = (): CampaignForm => ({ name: '', theme: '', shopIds: [], startsAt: '', endsAt: '', gmvTarget: '', conversionTarget: '3', shopTargets: null });

/** A shop's part as the API's Decimal: an amount above zero, as the target (a part of nothing is judged by nothing). */
const partOf = amountOf;

/** A Decimal with two decimals ("1250.50") as whole fen, exactly. */
const fenOf = (decimal: string): bigint => BigInt(decimal.replace('.', ''));

/**
 * The split as the page shows it while typing: each chosen shop's part read (null where it is not an
 * amount), and their sum in fen beside the target's, so the operator sees what is left to give.
 */
export function splitSums(form: CampaignForm): { givenFen: bigint; targetFen: bigint | null; unreadable: number } {
  const parts = form.shopIds.map((id) => partOf(form.shopTargets?.[id] ?? ''));
  const target = amountOf(form.gmvTarget);
  return {
    givenFen: parts.reduce<bigint>((sum, part) => sum + (part === null ? 0n : fenOf(part)), 0n),
    targetFen: target === null ? null : fenOf(target),
    unreadable: parts.filter((part) => part === null).length,
  };
}

/** The split as the API takes it (every chosen shop once, adding up to the target), null when not split, or undefined when it does not add up. */
function splitInput(form: CampaignForm, target: string): { shopId: string; gmvTarget: string }[] | null | undefined {
  if (form.shopTargets === null) return null;
  const parts = form.shopIds.map((shopId) => ({ shopId, gmvTarget: partOf(form.shopTargets?.[shopId] ?? '') }));
  if (parts.some((p) => p.gmvTarget === null)) return undefined;
  const given = parts as { shopId: string; gmvTarget: string }[];
  return given.reduce((sum, p) => sum + fenOf(p.gmvTarget), 0n) === fenOf(target) ? given : undefined;
}

const PERCENT = /^\d{1,3}(\.\d{1,2})?$/;

/**
 * The target typed in percent as the rate the API takes (3.25 → 0.0325): null for an empty field, undefined
 * when it is not a percent above 0 and at most 100 with two decimals.
 */
function targetRate(typed: string): number | null | undefined {
  const text = typed.trim().replace(/%$/, '').trim();
  if (text === '') return null;
  if (!PERCENT.test(text)) return undefined;
  const rate = fromPercent(text);
  return rate > 0 && rate <= 1 ? rate : undefined;
}

export const formOfCampaign = (c: CampaignRow): CampaignForm => ({
  name: c.name,
  theme: c.theme ?? '',
  shopIds: c.shops.map((s) => s.id),
  startsAt: shanghaiLocal(c.startsAt),
  endsAt: shanghaiLocal(c.endsAt),
  gmvTarget: c.gmvTarget,
  conversionTarget: c.conversionTarget === null ? '' : String(toPercent(c.conversionTarget)),
  shopTargets: c.shopTargets ? Object.fromEntries(c.shopTargets.map((part) => [part.shop.id, part.gmvTarget])) : null,
});

type Checked = { target: string; conversionTarget: number | null; split: { shopId: string; gmvTarget: string }[] | null };

function checked(form: CampaignForm): { problem: CampaignProblem } | Checked {
  if (form.name.trim() === '') return { problem: 'name' };
  if (form.shopIds.length === 0) return { problem: 'shops' };
  if (!LOCAL.test(form.startsAt) || !LOCAL.test(form.endsAt) || form.endsAt <= form.startsAt) return { problem: 'window' };
  const target = amountOf(form.gmvTarget);
  if (target === null) return { problem: 'target' };
  const conversionTarget = targetRate(form.conversionTarget);
  if (conversionTarget === undefined) return { problem: 'conversion' };
  const split = splitInput(form, target);
  return split === undefined ? { problem: 'split' } : { target, conversionTarget, split };
}

/**
 * True when the window typed has already ended at `nowMs`: such a campaign is ended the moment it is made,
 * and its window and target are then its record. Usually last year's dates typed for this year's.
 */
export const endsInPast = (form: CampaignForm, nowMs: number): boolean => LOCAL.test(form.endsAt) && Date.parse(shanghaiInstant(form.endsAt)) <= nowMs;

/** The createCampaign input (the default Double 11 hourly shape), or what the page finds missing; `nowMs` is the console's clock. */
export function createCampaignInput(form: CampaignForm, nowMs: number): { input: CampaignCreate } | { problem: CampaignProblem } {
  const ok = checked(form);
  if ('problem' in ok) return ok;
  if (endsInPast(form, nowMs) && !form.pastConfirmed) return { problem: 'past' };
  return {
    input: {
      name: form.name.trim(),
      shopIds: [...form.shopIds],
      startsAt: shanghaiInstant(form.startsAt),
      endsAt: shanghaiInstant(form.endsAt),
      gmvTarget: ok.target,
      conversionTarget: ok.conversionTarget,
      ...(form.theme.trim() ? { theme: form.theme.trim() } : {}),
      ...(ok.split ? { shopTargets: ok.split } : {}),
    },
  };
}

/** Two Decimals as the same amount of fen ("500000" and "500000.00"). */
const sameYuan = (a: string, b: string) => amountOf(a) === amountOf(b);

/** The updateCampaign input with only what changed, null when nothing did, or what the page finds missing. */
export function updateCampaignInput(c: CampaignRow, form: CampaignForm): { input: CampaignUpdate } | { problem: CampaignProblem } | null {
  const ok = checked(form);
  if ('problem' in ok) return ok;
  const input: CampaignUpdate = { id: c.id };
  if (form.name.trim() !== c.name) input.name = form.name.trim();
  if (form.theme.trim() !== (c.theme ?? '')) input.theme = form.theme.trim() || null;
  if (!sameMembers(form.shopIds, c.shops.map((s) => s.id))) input.shopIds = [...form.shopIds];
  if (form.startsAt !== shanghaiLocal(c.startsAt)) input.startsAt = shanghaiInstant(form.startsAt);
  if (form.endsAt !== shanghaiLocal(c.endsAt)) input.endsAt = shanghaiInstant(form.endsAt);
  if (!sameYuan(ok.target, c.gmvTarget)) input.gmvTarget = ok.target;
  // Both sides read from decimal text ("3.25e-2", the API's 0.0325), so the same target is the same number.
  if (ok.conversionTarget !== c.conversionTarget) input.conversionTarget = ok.conversionTarget;
  // The server keeps a split only while it fits the shops and target: it is sent whenever any of them moved.
  const storedSplit = c.shopTargets?.map((p) => `${p.shop.id}=${fenOf(p.gmvTarget)}`).sort().join() ?? null;
  const typedSplit = ok.split?.map((p) => `${p.shopId}=${fenOf(p.gmvTarget)}`).sort().join() ?? null;
  if (typedSplit !== storedSplit || (ok.split && (input.shopIds || input.gmvTarget))) input.shopTargets = ok.split;
  return Object.keys(input).length > 1 ? { input } : null;
}
