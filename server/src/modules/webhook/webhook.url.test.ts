import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../lib/redact-url.js';
import { checkWebhookUrl, classifyAddress, publicOnlyLookup } from './webhook.url.js';

describe('which addresses a webhook may reach', () => {
  it.each([
    ['8.8.8.8', 'PUBLIC'],
    ['203.119.129.1', 'PUBLIC'],
    ['0.0.0.0', 'UNSPECIFIED'],
    ['10.1.2.3', 'PRIVATE'],
    ['172.16.0.1', 'PRIVATE'],
    ['172.31.255.255', 'PRIVATE'],
    ['172.32.0.1', 'PUBLIC'],
    ['192.168.1.10', 'PRIVATE'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.254', 'CGNAT'],
    ['100.128.0.1', 'PUBLIC'],
    ['127.0.0.1', 'LOOPBACK'],
    ['127.255.0.9', 'LOOPBACK'],
    ['169.254.169.254', 'LINK_LOCAL'],
    ['224.0.0.251', 'MULTICAST'],
    ['255.255.255.255', 'RESERVED'],
    ['198.18.0.1', 'RESERVED'],
  ])('IPv4 %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each([
    ['2400:3200::1', 'PUBLIC'],
    ['[2001:4860:4860::8888]', 'PUBLIC'],
    ['::', 'UNSPECIFIED'],
    ['::1', 'LOOPBACK'],
    ['[::1]', 'LOOPBACK'],
    ['fe80::1', 'LINK_LOCAL'],
    ['fe80::1%eth0', 'LINK_LOCAL'],
    ['fd12:3456:789a::1', 'UNIQUE_LOCAL'],
    ['fc00::1', 'UNIQUE_LOCAL'],
    ['ff02::1', 'MULTICAST'],
    ['2001:db8::1', 'RESERVED'],
    // IPv4-mapped and -embedded forms are judged by their IPv4 address.
    ['::ffff:127.0.0.1', 'LOOPBACK'],
    ['::ffff:7f00:1', 'LOOPBACK'],
    ['::ffff:10.0.0.1', 'PRIVATE'],
    ['::ffff:a9fe:a9fe', 'LINK_LOCAL'],
    ['::ffff:8.8.8.8', 'PUBLIC'],
    ['64:ff9b::192.168.0.1', 'PRIVATE'],
    ['2002:7f00:1::', 'LOOPBACK'],
    ['::127.0.0.1', 'RESERVED'],
  ])('IPv6 %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('calls nonsense invalid', () => {
    expect(classifyAddress('not-an-ip')).toBe('INVALID');
    expect(classifyAddress('1.2.3.256')).toBe('INVALID');
  });
});

describe('checking a webhook URL', () => {
  const resolvesTo = (...addresses: string[]) => async () => addresses;

  it('accepts public https and http URLs', async () => {
    expect(await checkWebhookUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', { allowPrivate: false, resolve: resolvesTo('203.119.129.1') })).toBeNull();
    expect(await checkWebhookUrl('http://hooks.example.cn/peakops', { allowPrivate: false, resolve: resolvesTo('2400:3200::1') })).toBeNull();
  });

  it('refuses other schemes and malformed URLs whatever the configuration', async () => {
    for (const url of ['ftp://example.cn/x', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url']) {
      expect(await checkWebhookUrl(url, { allowPrivate: true })).not.toBeNull();
    }
  });

  it('refuses a host with any private address among its addresses, and literal private addresses', async () => {
    const refused = await checkWebhookUrl('https://mixed.example.cn/', { allowPrivate: false, resolve: resolvesTo('203.119.129.1', '10.0.0.5') });
    expect(refused?.message).toMatch(/10\.0\.0\.5 \(private\)/);
    expect(refused?.messageZh).toBe('主机 mixed.example.cn 解析到 10.0.0.5（私有地址），Webhook 不能访问该地址');
    for (const url of ['http://127.0.0.1:8080/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://169.254.169.254/latest/meta-data', 'http://0.0.0.0/']) {
      expect(await checkWebhookUrl(url, { allowPrivate: false }), url).not.toBeNull();
    }
    expect(await checkWebhookUrl('http://localhost:9/', { allowPrivate: false })).not.toBeNull();
  });

  it('allows private addresses when the installation does', async () => {
    expect(await checkWebhookUrl('http://127.0.0.1:8080/hook', { allowPrivate: true })).toBeNull();
  });

  it('refuses a host that does not resolve', async () => {
    const failing = async () => {
      throw new Error('ENOTFOUND');
    };
    expect((await checkWebhookUrl('https://nowhere.invalid/', { allowPrivate: false, resolve: failing }))?.message).toMatch(/does not resolve/);
    expect(await checkWebhookUrl('https://nowhere.invalid/', { allowPrivate: false, resolve: failing })).toEqual({
      message: 'the host nowhere.invalid does not resolve',
      messageZh: '主机 nowhere.invalid 无法解析',
    });
  });
});

describe('showing a webhook URL', () => {
  it('masks robot tokens in the query and the path, and credentials in the authority', () => {
    expect(redactUrl('https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef')).toBe('https://oapi.dingtalk.com/robot/send?access_token=***');
    expect(redactUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa')).toBe(
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***',
    );
    expect(redactUrl('https://open.feishu.cn/open-apis/bot/v2/hook/1f0e3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b')).toBe('https://open.feishu.cn/open-apis/bot/v2/hook/***');
    expect(redactUrl('https://user:pa55@hooks.example.cn/peakops?shop=tmall')).toBe('https://***:***@hooks.example.cn/peakops?shop=tmall');
  });
});

describe('the connection’s own lookup', () => {
  const lookUp = (answer: string[], all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((done) =>
      publicOnlyLookup(async () => answer)('hooks.example.cn', { all }, (error, address, family) => done({ error, address, family })),
    );

  it('hands the socket the addresses it checked, one or all as asked', async () => {
    expect(await lookUp(['203.119.129.1', '2400:3200::1'], true)).toEqual({
      error: null,
      address: [
        { address: '203.119.129.1', family: 4 },
        { address: '2400:3200::1', family: 6 },
      ],
      family: undefined,
    });
    expect(await lookUp(['2400:3200::1'], false)).toEqual({ error: null, address: '2400:3200::1', family: 6 });
  });

  it('fails the connection when any address is private, or there is none', async () => {
    const mixed = await lookUp(['203.119.129.1', '169.254.169.254'], true);
    expect(mixed.error?.message).toBe('the host hooks.example.cn resolves to 169.254.169.254 (link-local), which webhooks may not reach');
    expect((await lookUp([], false)).error?.message).toMatch(/does not resolve/);
  });
});
