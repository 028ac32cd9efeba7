import { shanghaiClock, shanghaiDateTime } from '../../lib/time.js';
import { RULE_ZH, SEVERITY_ZH } from '../alert/alert.names.js';
import { EVENT_ZH, renderOutgoing, renderRequest, subjectInChinese, type DeliveryToRender, type EndpointToRender, type Outgoing, type RenderedRequest } from './webhook.formats.js';
import type { WebhookEvent } from './webhook.table.js';

/**
 * The most deliveries one robot message carries. Eight alerts' lines stay well inside WeCom's 4,096 bytes
 * and read at a glance on a phone; a bigger burst goes out as several messages.
 */
export const ROBOT_DIGEST_MAX = 8;

/** Characters of one alert's line in a digest: eight of the longest stay inside WeCom's 4,096 bytes whole. */
const DIGEST_LINE_MAX = 120;
const clip = (text: string, max: number) => ([...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`);

const SEVERITY_RANK: Record<string, number> = { CRITICAL: 0, WARNING: 1, INFO: 2 };
const rankOf = (delivery: DeliveryToRender) =>
  delivery.event === 'ALERT_RESOLVED' ? 3 : (SEVERITY_RANK[delivery.data.alert.severity] ?? 2);

/**
 * Several deliveries to one group robot as one message: what one evaluation raised together (a campaign
 * behind its plan and each of its shops, a dozen SKUs running low at midnight) reads as one post in the
 * group, most severe first, instead of a burst that DingTalk throttles (more than 20 a minute silences a
 * robot for ten minutes: at the moment the room most needs it). Each line: the severity and rule (and the
 * event when it is not a new alert), then what it is about and what it says.
 */
function digestOutgoing(deliveries: readonly DeliveryToRender[]): Outgoing {
  const ordered = [...deliveries].sort((a, b) => rankOf(a) - rankOf(b) || a.createdAt.getTime() - b.createdAt.getTime());
  const worst = ordered[0]!;
  const allResolved = worst.event === 'ALERT_RESOLVED';
  const counts = new Map<WebhookEvent, number>();
  for (const delivery of ordered) counts.set(delivery.event, (counts.get(delivery.event) ?? 0) + 1);
  const headline = [...counts].map(([event, n]) => (n > 1 ? `${EVENT_ZH[event]} ×${n}` : EVENT_ZH[event])).join(' · ');
  const facts = ordered.map((delivery, i): [string, string] => {
    const { alert } = delivery.data;
    const rule = RULE_ZH[alert.rule] ?? alert.rule;
    const resolved = delivery.event === 'ALERT_RESOLVED';
    const what = delivery.event === 'ALERT_RAISED' || resolved ? rule : `${rule}（${EVENT_ZH[delivery.event]}）`;
    const level = resolved ? EVENT_ZH.ALERT_RESOLVED : (SEVERITY_ZH[alert.severity] ?? alert.severity);
    return [`${i + 1}. 【${level}】${what}`, clip(`${subjectInChinese(alert)}：${alert.message}`, DIGEST_LINE_MAX)];
  });
  const times = ordered.map((delivery) => delivery.createdAt.getTime());
  const [first, last] = [new Date(Math.min(...times)), new Date(Math.max(...times))];
  const when = shanghaiClock(first) === shanghaiClock(last) ? shanghaiDateTime(first) : `${shanghaiDateTime(first)}–${shanghaiClock(last)}`;
  facts.push(['时间', `${when}（北京时间）`]);
  const level = allResolved ? EVENT_ZH.ALERT_RESOLVED : (SEVERITY_ZH[worst.data.alert.severity] ?? worst.data.alert.severity);
  return {
    id: worst.id,
    type: 'DIGEST',
    createdAt: first,
    data: null,
    robot: {
      title: [...`【${level}】${ordered.length} 条${counts.size === 1 && counts.has('ALERT_RAISED') ? '新预警' : '预警动态'}`].slice(0, 20).join(''),
      headline,
      facts,
      tone: allResolved ? 'RESOLVED' : worst.data.alert.severity,
    },
  };
}

/**
 * One request to a group robot for several of its deliveries (2 to ROBOT_DIGEST_MAX), as one message.
 * Robots only: a JSON endpoint gets each delivery under its own id and signature (API.md).
 */
export function renderDigestRequest(deliveries: readonly DeliveryToRender[], endpoint: EndpointToRender, sentAt: Date): RenderedRequest {
  if (endpoint.format === 'JSON') throw new Error('JSON endpoints get one request per delivery');
  if (deliveries.length === 1) return renderRequest(deliveries[0]!, endpoint, sentAt);
  return renderOutgoing(digestOutgoing(deliveries), endpoint, sentAt);
}
