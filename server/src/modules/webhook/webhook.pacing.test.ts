import { describe, expect, it } from 'vitest';
import { RobotPacer, ROBOT_MESSAGES_PER_MINUTE } from './webhook.pacing.js';

describe('a group robot’s rate', () => {
  it('lets 18 DingTalk messages through in a minute and says when the 19th may go: a minute after the first', () => {
    const pacer = new RobotPacer();
    const start = Date.parse('2026-11-11T16:00:00Z');
    for (let i = 0; i < ROBOT_MESSAGES_PER_MINUTE.DINGTALK; i++) expect(pacer.take('robot', 'DINGTALK', start + i * 1_000)).toBeNull();
    expect(pacer.take('robot', 'DINGTALK', start + 20_000)).toBe(start + 60_000);
    // Another robot has its own budget; a minute on, the first has room again.
    expect(pacer.take('other', 'WECOM', start + 20_000)).toBeNull();
    expect(pacer.take('robot', 'DINGTALK', start + 60_001)).toBeNull();
  });

  it('gives Feishu its larger rate and never paces a JSON endpoint', () => {
    const pacer = new RobotPacer();
    for (let i = 0; i < ROBOT_MESSAGES_PER_MINUTE.FEISHU; i++) expect(pacer.take('feishu', 'FEISHU', i)).toBeNull();
    expect(pacer.take('feishu', 'FEISHU', 100)).toBe(60_000);
    for (let i = 0; i < 500; i++) expect(pacer.take('partner', 'JSON', i)).toBeNull();
  });
});
