import { describe, expect, it } from 'vitest';
import { dingTalkSign, feishuSign, peakOpsSignature, renderRequest, renderTestRequest, robotRefusal, robotTitle, subjectInChinese, type DeliveryToRender, type TestToRender } from './webhook.formats.js';
import { sampleWebhookAlert } from './webhook.test-fixtures.js';

// Expected signatures were computed with the vendors' documented Python snippets (hmac, hashlib,
// base64, urllib.parse.quote_plus), not with this code: 2024-11-11T04:00:00Z = 1731297600 s.
const SENT_AT = new Date(1_731_297_600_000);
const DINGTALK_SECRET = 'SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd';
const FEISHU_SECRET = 'qX2bE9kLm3NpR7sT';

const alert = sampleWebhookAlert();
const delivery: DeliveryToRender = { id: 'V2ViaG9va0RlbGl2ZXJ5OjE=', event: 'ALERT_RAISED', createdAt: new Date('2026-11-11T04:00:00Z'), data: { alert } };

describe('signatures', () => {
  it('signs JSON as API.md states: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>', () => {
    expect(peakOpsSignature('whsec_test', '{"id":"x","type":"ALERT_RAISED"}', SENT_AT)).toBe(
      't=1731297600,v1=a386c52ab975669e90bdc4e0048dab8026d7d9ab9b967653ff4ba5414b8efd8f',
    );
  });

  it('signs for DingTalk with the secret as key over "<timestamp ms>\\n<secret>"', () => {
    expect(dingTalkSign(DINGTALK_SECRET, SENT_AT.getTime())).toBe('993XJerO7wv4YixN44+GRgHNVwukr+N0UIGvO04tpzQ=');
  });

  it('signs for Feishu with "<timestamp s>\\n<secret>" as key over nothing', () => {
    expect(feishuSign(FEISHU_SECRET, 1_731_297_600)).toBe('OKy5/L8GnMof06femmDuKsYcGCSeCQCEMVqPTvCLkV8=');
  });
});

describe('rendering a delivery', () => {
  it('JSON: exactly { id, type, createdAt, data }, with the id header and a signature over the bytes sent', () => {
    const request = renderRequest(delivery, { url: 'https://partner.example.cn/hooks', format: 'JSON', secret: 'whsec_test' }, SENT_AT);
    expect(Object.keys(JSON.parse(request.body))).toEqual(['id', 'type', 'createdAt', 'data']);
    expect(JSON.parse(request.body)).toEqual({ id: delivery.id, type: 'ALERT_RAISED', createdAt: '2026-11-11T04:00:00.000Z', data: { alert } });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['PeakOps-Webhook-Id']).toBe(delivery.id);
    expect(request.headers['PeakOps-Signature']).toBe(peakOpsSignature('whsec_test', request.body, SENT_AT));
    expect(request.url).toBe('https://partner.example.cn/hooks');
  });

  it('DingTalk: a markdown message in Chinese, signed in the query string next to the access token', () => {
    const request = renderRequest(delivery, { url: 'https://oapi.dingtalk.com/robot/send?access_token=abc123', format: 'DINGTALK', secret: DINGTALK_SECRET }, SENT_AT);
    expect(request.url).toBe('https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1731297600000&sign=993XJerO7wv4YixN44%2BGRgHNVwukr%2BN0UIGvO04tpzQ%3D');
    const body = JSON.parse(request.body);
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.title).toBe('【严重】库存预警');
    for (const part of ['严重', '库存预警', 'SKU A-01 保温杯', '库存 7 件，约 40 分钟售罄', '7（阈值 50）', '天猫旗舰店', '双11', '2026-11-11 12:00:00（北京时间）', 'PeakOps 作战室自动推送']) {
      expect(body.markdown.text).toContain(part);
    }
    expect(body.markdown.text).not.toMatch(/https?:\/\//);
  });

  it('tells the group in Chinese that an incident went unclaimed past its 10 minutes, with its deadlines in Beijing time', () => {
    const stalled = sampleWebhookAlert({
      rule: 'ORDERS_STALLED',
      severity: 'CRITICAL',
      subject: '天猫旗舰店',
      message: '已 10 分钟没有支付订单',
      incident: { startedAt: '2026-11-11T12:10:00.000Z', respondBy: '2026-11-11T12:20:00.000Z', fixBy: '2026-11-11T12:40:00.000Z' },
    });
    const late = { ...delivery, event: 'ALERT_RESPONSE_OVERDUE' as const, data: { alert: stalled } };
    expect(robotTitle(late)).toBe('【响应超时】下单中断');
    const chat = JSON.parse(renderRequest(late, { url: 'https://oapi.dingtalk.com/robot/send?access_token=abc123', format: 'DINGTALK', secret: null }, SENT_AT).body);
    expect(chat.markdown.text).toContain('20:10 起，20:20 前认领，20:40 前修复；已过 10 分钟无人认领，请立即认领处理');
    const unfixed = JSON.parse(renderRequest({ ...late, event: 'ALERT_FIX_OVERDUE' }, { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', format: 'WECOM', secret: null }, SENT_AT).body);
    expect(JSON.stringify(unfixed)).toContain('30 分钟内未修复，请升级处理');
    const json = JSON.parse(renderRequest(late, { url: 'https://partner.example.cn/hooks', format: 'JSON', secret: 'whsec_test' }, SENT_AT).body);
    expect(json).toMatchObject({ type: 'ALERT_RESPONSE_OVERDUE', data: { alert: { rule: 'ORDERS_STALLED', incident: { respondBy: '2026-11-11T12:20:00.000Z' } } } });
  });

  it('DingTalk names an ROI alert\'s channel and source in Chinese, as the war room does; JSON keeps the codes', () => {
    const roi = sampleWebhookAlert({ rule: 'ROI_BELOW_ONE', subject: '京东自营店 · JD · PAID', message: '今日 ROI 0.62' });
    const roiDelivery = { ...delivery, data: { alert: roi } };
    const chat = JSON.parse(renderRequest(roiDelivery, { url: 'https://oapi.dingtalk.com/robot/send?access_token=abc123', format: 'DINGTALK', secret: null }, SENT_AT).body);
    expect(chat.markdown.text).toContain('京东自营店 · 京东 · 付费推广');
    expect(chat.markdown.text).not.toContain('PAID');
    const json = JSON.parse(renderRequest(roiDelivery, { url: 'https://partner.example.cn/hooks', format: 'JSON', secret: 'whsec_test' }, SENT_AT).body);
    expect(json.data.alert.subject).toBe('京东自营店 · JD · PAID');
    expect(subjectInChinese({ rule: 'RECTIFICATION_OVERDUE', subject: '甲店 2026-11-19 SOCIAL' })).toBe('甲店 2026-11-19 社交分享');
    // Only those two rules' shapes are read, and only codes the screens name.
    expect(subjectInChinese({ rule: 'LOW_STOCK', subject: 'A-1 · JD · PAID' })).toBe('A-1 · JD · PAID');
    expect(subjectInChinese({ rule: 'ROI_BELOW_ONE', subject: '店 · MARS · PAID' })).toBe('店 · MARS · PAID');
    expect(subjectInChinese({ rule: 'RECTIFICATION_OVERDUE', subject: '甲店 2026-11-19 toString' })).toBe('甲店 2026-11-19 toString');
  });

  it('DingTalk without a secret sends the URL unchanged', () => {
    const request = renderRequest(delivery, { url: 'https://oapi.dingtalk.com/robot/send?access_token=abc123', format: 'DINGTALK', secret: null }, SENT_AT);
    expect(request.url).toBe('https://oapi.dingtalk.com/robot/send?access_token=abc123');
  });

  it('WeCom: markdown content with the severity coloured, never over 4,096 bytes', () => {
    const request = renderRequest(delivery, { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', format: 'WECOM', secret: null }, SENT_AT);
    const body = JSON.parse(request.body);
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.content).toContain('<font color="warning">严重</font>');
    const long = { ...delivery, data: { alert: { ...alert, message: '库存告急'.repeat(2_000) } } };
    const content = JSON.parse(renderRequest(long, { url: 'https://qyapi.weixin.qq.com/x', format: 'WECOM', secret: null }, SENT_AT).body).markdown.content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096);
  });

  it('Feishu: an interactive card coloured by severity, signed in the body', () => {
    const request = renderRequest(delivery, { url: 'https://open.feishu.cn/open-apis/bot/v2/hook/x', format: 'FEISHU', secret: FEISHU_SECRET }, SENT_AT);
    const body = JSON.parse(request.body);
    expect(body.timestamp).toBe('1731297600');
    expect(body.sign).toBe('OKy5/L8GnMof06femmDuKsYcGCSeCQCEMVqPTvCLkV8=');
    expect(body.msg_type).toBe('interactive');
    expect(body.card.header).toEqual({ template: 'red', title: { tag: 'plain_text', content: '【严重】库存预警' } });
    expect(JSON.stringify(body.card.elements)).toContain('7（阈值 50）');
    const resolved = JSON.parse(renderRequest({ ...delivery, event: 'ALERT_RESOLVED' }, { url: 'https://open.feishu.cn/x', format: 'FEISHU', secret: null }, SENT_AT).body);
    expect(resolved.card.header.template).toBe('green');
    expect(resolved).not.toHaveProperty('sign');
  });

  it('titles stay short enough for the chat list', () => {
    const long = { ...delivery, data: { alert: { ...alert, rule: 'HIGH_RISK_WITHOUT_PLAN', severity: 'WARNING' } } };
    expect(robotTitle(long)).toBe('【警告】高风险未提交应对方案预警');
    expect([...robotTitle(long)].length).toBeLessThanOrEqual(20);
    expect(robotTitle({ ...delivery, event: 'ALERT_RESOLVED' })).toBe('【已恢复】库存预警');
  });

  it('says 库存预警 once: a low-stock title never reads 库存预警预警, raised, escalated or resolved', () => {
    expect(robotTitle(delivery)).toBe('【严重】库存预警');
    expect(robotTitle({ ...delivery, event: 'ALERT_ESCALATED' })).toBe('【严重】库存预警升级');
    expect(robotTitle({ ...delivery, event: 'ALERT_RESOLVED' })).toBe('【已恢复】库存预警');
  });

  it('names overdue shipments without claiming 24 hours: the shop’s own hours come in the message', () => {
    const late = sampleWebhookAlert({ rule: 'UNSHIPPED_OVERDUE', severity: 'WARNING', subject: '抖音店', message: '3 笔订单付款超过 6 小时仍未发货，最早一笔已 7 小时', value: 3, threshold: 1 });
    const request = renderRequest({ ...delivery, data: { alert: late } }, { url: 'https://oapi.dingtalk.com/robot/send?access_token=abc123', format: 'DINGTALK', secret: null }, SENT_AT);
    const body = JSON.parse(request.body);
    expect(body.markdown.title).toBe('【警告】超时未发货预警');
    expect(body.markdown.text).toContain('超过 6 小时仍未发货');
    expect(body.markdown.text).not.toContain('24 小时');
  });
});

describe('rendering a test message', () => {
  const test: TestToRender = {
    id: 'test_00000000-0000-4000-8000-000000000001',
    createdAt: new Date('2026-11-11T04:00:00Z'),
    webhook: { id: 'V2ViaG9vazox', name: '运营群', events: ['ALERT_RAISED', 'ALERT_ESCALATED'], shopNames: null },
    requestedBy: '王运营',
  };

  it('WeCom and Feishu: the same lines in each robot’s own message, in the informational colour', () => {
    const wecom = JSON.parse(renderTestRequest(test, { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', format: 'WECOM', secret: null }, SENT_AT).body);
    expect(wecom.markdown.content).toContain('### 【测试】PeakOps 预警推送');
    for (const part of ['> 订阅：新预警、升级', '> 店铺：全部店铺', '> 发起人：王运营', '> 时间：2026-11-11 12:00:00（北京时间）']) expect(wecom.markdown.content).toContain(part);
    const feishu = JSON.parse(renderTestRequest(test, { url: 'https://open.feishu.cn/open-apis/bot/v2/hook/x', format: 'FEISHU', secret: FEISHU_SECRET }, SENT_AT).body);
    expect(feishu).toMatchObject({ timestamp: '1731297600', sign: feishuSign(FEISHU_SECRET, 1_731_297_600), msg_type: 'interactive' });
    expect(feishu.card.header).toEqual({ template: 'blue', title: { tag: 'plain_text', content: '【测试】PeakOps 预警推送' } });
    expect(feishu.card.elements[0].text.content).toContain('**名称**：运营群');
  });

  it('JSON: a WEBHOOK_TEST body under the test’s own id, never an alert', () => {
    const request = renderTestRequest(test, { url: 'https://partner.example.cn/hooks', format: 'JSON', secret: 'whsec_test' }, SENT_AT);
    expect(JSON.parse(request.body)).toEqual({
      id: test.id,
      type: 'WEBHOOK_TEST',
      createdAt: '2026-11-11T04:00:00.000Z',
      data: { webhook: { id: 'V2ViaG9vazox', name: '运营群', events: ['ALERT_RAISED', 'ALERT_ESCALATED'] }, requestedBy: '王运营' },
    });
    expect(request.headers['PeakOps-Webhook-Id']).toBe(test.id);
    expect(request.headers['PeakOps-Signature']).toBe(peakOpsSignature('whsec_test', request.body, SENT_AT));
  });
});

describe('robot answers', () => {
  it('treats an error code in a 200 answer as a failure, with the robot’s message', () => {
    expect(robotRefusal('DINGTALK', '{"errcode":0,"errmsg":"ok"}')).toBeNull();
    expect(robotRefusal('DINGTALK', '{"errcode":310000,"errmsg":"sign not match"}')).toBe('errcode 310000: sign not match');
    expect(robotRefusal('WECOM', '{"errcode":93000,"errmsg":"invalid webhook url"}')).toBe('errcode 93000: invalid webhook url');
    expect(robotRefusal('FEISHU', '{"code":0,"msg":"success","data":{}}')).toBeNull();
    expect(robotRefusal('FEISHU', '{"StatusCode":0,"StatusMessage":"success"}')).toBeNull();
    expect(robotRefusal('FEISHU', '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}')).toMatch(/^code 19021: sign match fail/);
    expect(robotRefusal('DINGTALK', '<html>bad gateway</html>')).toMatch(/unexpected answer/);
    expect(robotRefusal('JSON', 'anything')).toBeNull();
  });
});
