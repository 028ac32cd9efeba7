import { CombinedError } from '@urql/core';
import { describe, expect, it } from 'vitest';
import { translate, type Locale, type MessageKey } from '../i18n/messages';
import { errorMessage, socketClosedError } from './errors';

/** What a subscription's sink reports once graphql-ws gave up on a socket the server closed with `code`. */
const closedWith = (code: number, reason = '') => new CombinedError({ graphQLErrors: [socketClosedError({ code, reason })] });
const say = (locale: Locale) => (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);

describe('a socket the server closed, in the viewer\'s words', () => {
  it.each([
    [4403, '服务器拒绝了此屏幕的凭证（已吊销或已过期）', "the server refused this screen's credential (revoked or expired)"],
    [4429, '此凭证打开的实时连接过多，请关闭使用同一密钥的其他屏幕或标签页', 'too many live connections are open with this credential; close other screens or tabs using the same key'],
    [4400, '服务器无法处理此屏幕的实时请求，请刷新页面', "the server could not handle this screen's live request; reload the page"],
    [4500, '服务器出错，断开了实时连接', 'the server hit an error and closed the live connection'],
    [1011, '服务器出错，断开了实时连接', 'the server hit an error and closed the live connection'],
  ])('%i is a sentence, without the code or the server\'s English reason', (code, zh, en) => {
    expect(errorMessage(closedWith(code, 'at most 50 sockets per credential'), say('zh-CN'), 'zh-CN')).toBe(zh);
    expect(errorMessage(closedWith(code, 'at most 50 sockets per credential'), say('en'), 'en')).toBe(en);
  });

  it('names a code it has no sentence for, so it can still be looked up', () => {
    expect(errorMessage(closedWith(4409), say('zh-CN'), 'zh-CN')).toBe('服务器关闭了实时连接（代码 4409）');
    expect(errorMessage(closedWith(4409), say('en'), 'en')).toBe('the server closed the live connection (code 4409)');
  });

  it('leaves any other error as the server said it', () => {
    const refused = new CombinedError({ graphQLErrors: [{ message: 'Not authorised', extensions: { code: 'FORBIDDEN' } }] });
    expect(errorMessage(refused, say('zh-CN'), 'zh-CN')).toBe('[GraphQL] Not authorised');
  });

  it("gives an expected failure in the screen's language when the server worded it in both", () => {
    const notFound = new CombinedError({ graphQLErrors: [{ message: 'campaign not found', extensions: { code: 'BAD_USER_INPUT', reason: 'NOT_FOUND', messageZh: '活动不存在' } }] });
    expect(errorMessage(notFound, say('zh-CN'), 'zh-CN')).toBe('活动不存在');
    expect(errorMessage(notFound, say('en'), 'en')).toBe('[GraphQL] campaign not found');
  });
});
