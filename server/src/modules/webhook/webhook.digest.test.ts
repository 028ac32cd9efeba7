/**
 * Several deliveries to one group robot in one message (webhook.formats.ts renderDigestRequest,
 * webhook.dispatcher.ts robotUnits): what the group reads when one evaluation raises a campaign behind its
 * plan and four of its shops, and which deliveries share a request.
 */
import { describe, expect, it } from 'vitest';
import type { ClaimedDelivery } from './webhook.delivery.js';
import { robotUnits } from './webhook.dispatcher.js';
import { renderDigestRequest, ROBOT_DIGEST_MAX } from './webhook.digest.js';
import type { DeliveryToRender } from './webhook.formats.js';
import { sampleWebhookAlert } from './webhook.test-fixtures.js';

const SENT_AT = new Date('2026-11-11T16:00:30Z');
const AT = new Date('2026-11-11T16:00:05Z'); // 00:00 on 11-12 in Shanghai

function behind(subject: string, severity: string, seconds = 0, event: DeliveryToRender['event'] = 'ALERT_RAISED'): DeliveryToRender {
  return {
    id: `d-${subject}`,
    event,
    createdAt: new Date(AT.getTime() + seconds * 1000),
    data: { alert: sampleWebhookAlert({ rule: 'GMV_BEHIND_PACE', severity, subject, message: `${subject} 成交额落后计划 23.4%`, value: null, threshold: null }) },
  };
}

const burst = [behind('甲店', 'WARNING'), behind('双11 主会场', 'CRITICAL'), behind('乙店', 'WARNING', 40), behind('丙店', 'WARNING', 40), behind('丁店', 'WARNING', 70)];

describe('a group robot’s digest of several alerts', () => {
  it('DingTalk: one markdown message, titled by the worst severity and the count, the most severe first, each alert one line', () => {
    const request = renderDigestRequest(burst, { url: 'https://oapi.dingtalk.com/robot/send?access_token=t', format: 'DINGTALK', secret: null }, SENT_AT);
    const body = JSON.parse(request.body) as { msgtype: string; markdown: { title: string; text: string } };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.title).toBe('【严重】5 条新预警');
    const lines = body.markdown.text.split('\n').filter((line) => line.startsWith('- '));
    expect(lines).toEqual([
      '- **1. 【严重】GMV 落后计划**：双11 主会场：双11 主会场 成交额落后计划 23.4%',
      '- **2. 【警告】GMV 落后计划**：甲店：甲店 成交额落后计划 23.4%',
      '- **3. 【警告】GMV 落后计划**：乙店：乙店 成交额落后计划 23.4%',
      '- **4. 【警告】GMV 落后计划**：丙店：丙店 成交额落后计划 23.4%',
      '- **5. 【警告】GMV 落后计划**：丁店：丁店 成交额落后计划 23.4%',
      '- **时间**：2026-11-12 00:00:05–00:01（北京时间）',
    ]);
    expect(body.markdown.text).toContain('**新预警 ×5**');
    expect(request.headers['PeakOps-Webhook-Id']).toBe('d-双11 主会场');
  });

  it('says which are resolved or overdue, and a digest of recoveries only is titled and coloured as one', () => {
    const mixed = [behind('甲店', 'WARNING', 0, 'ALERT_RESOLVED'), behind('乙店', 'CRITICAL', 0, 'ALERT_RESPONSE_OVERDUE')];
    const wecom = JSON.parse(renderDigestRequest(mixed, { url: 'https://qyapi.weixin.qq.com/x?key=k', format: 'WECOM', secret: null }, SENT_AT).body) as { markdown: { content: string } };
    expect(wecom.markdown.content).toContain('### 【严重】2 条预警动态');
    expect(wecom.markdown.content).toContain('**响应超时 · 已恢复**');
    expect(wecom.markdown.content).toContain('> 1. 【严重】GMV 落后计划（响应超时）：乙店：');
    expect(wecom.markdown.content).toContain('> 2. 【已恢复】GMV 落后计划：甲店：');

    const recovered = [behind('甲店', 'WARNING', 0, 'ALERT_RESOLVED'), behind('乙店', 'CRITICAL', 0, 'ALERT_RESOLVED')];
    const feishu = JSON.parse(renderDigestRequest(recovered, { url: 'https://open.feishu.cn/open-apis/bot/v2/hook/h', format: 'FEISHU', secret: null }, SENT_AT).body) as {
      card: { header: { template: string; title: { content: string } } };
    };
    expect(feishu.card.header).toMatchObject({ template: 'green', title: { content: '【已恢复】2 条预警动态' } });
  });

  it('keeps the largest digest, of the longest alerts, inside WeCom’s 4,096 bytes whole', () => {
    const long = '库存告急'.repeat(40);
    const many = Array.from({ length: ROBOT_DIGEST_MAX }, (_, i) => ({ ...behind(`${long}${i}`, 'CRITICAL') }));
    const content = (JSON.parse(renderDigestRequest(many, { url: 'https://qyapi.weixin.qq.com/x?key=k', format: 'WECOM', secret: null }, SENT_AT).body) as { markdown: { content: string } }).markdown.content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096);
    // Every alert is there, each cut to its line (…), none lost to the cut of the whole message.
    expect(content).toContain(`> ${ROBOT_DIGEST_MAX}. 【严重】GMV 落后计划：库存告急`);
    expect(content).toContain('…\n');
  });

  it('is never made for a JSON endpoint: partners get each delivery under its own id and signature', () => {
    expect(() => renderDigestRequest(burst, { url: 'https://partner.example.cn/h', format: 'JSON', secret: 's' }, SENT_AT)).toThrow(/one request per delivery/);
  });
});

describe('which claimed deliveries share a request', () => {
  const claimed = (id: string, webhookId: string, format: ClaimedDelivery['format']): ClaimedDelivery => ({
    id,
    webhookId,
    format,
    event: 'ALERT_RAISED',
    data: { alert: sampleWebhookAlert() },
    createdAt: AT,
    attempts: 0,
    url: `https://example.cn/${webhookId}`,
    secret: null,
  });

  it('a robot’s deliveries of one claim go together, up to the digest’s size; JSON ones and other robots’ each their own way', () => {
    const robot = Array.from({ length: ROBOT_DIGEST_MAX + 2 }, (_, i) => claimed(`r${i}`, 'robot', 'DINGTALK'));
    const units = robotUnits([claimed('j1', 'json', 'JSON'), robot[0]!, claimed('w1', 'wecom', 'WECOM'), ...robot.slice(1), claimed('j2', 'json', 'JSON'), claimed('w2', 'wecom', 'WECOM')]);
    expect(units.map((unit) => unit.map((d) => d.id))).toEqual([
      ['j1'],
      robot.slice(0, ROBOT_DIGEST_MAX).map((d) => d.id),
      ['w1', 'w2'],
      robot.slice(ROBOT_DIGEST_MAX).map((d) => d.id),
      ['j2'],
    ]);
  });
});
