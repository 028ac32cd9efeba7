import type { WebhookAlert } from './webhook.events.js';

/** An alert payload as the alert service writes it: a low-stock alert on a Tmall shop during Double 11. */
export function sampleWebhookAlert(overrides: Partial<WebhookAlert> = {}): WebhookAlert {
  return {
    id: 'QWxlcnQ6MQ==',
    rule: 'LOW_STOCK',
    severity: 'CRITICAL',
    status: 'OPEN',
    shop: { id: 'U2hvcDox', name: '天猫旗舰店' },
    campaign: { id: 'Q2FtcGFpZ246MQ==', name: '双11' },
    subject: 'SKU A-01 保温杯',
    message: '库存 7 件，约 40 分钟售罄',
    value: 7,
    threshold: 50,
    raisedAt: '2026-11-11T04:00:00.000Z',
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    ...overrides,
  };
}
