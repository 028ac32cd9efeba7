import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Where webhooks may point. A webhook makes this server send requests on a caller's behalf, so a URL
 * that reaches the server's own network (loopback, the cloud metadata address 169.254.169.254, a
 * database on 10.x) would let any MANAGE key probe it. Such addresses are refused unless the
 * installation allows them (WEBHOOK_ALLOW_PRIVATE_URLS; the tests, whose receivers are on loopback).
 */

export type AddressClass =
  | 'PUBLIC'
  | 'UNSPECIFIED'
  | 'LOOPBACK'
  | 'PRIVATE'
  | 'LINK_LOCAL'
  | 'UNIQUE_LOCAL'
  | 'CGNAT'
  | 'MULTICAST'
  | 'RESERVED'
  | 'INVALID';

type V4Rule = [base: number, bits: number, cls: AddressClass];

const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

/** IANA special-purpose IPv4 ranges a webhook must not reach (RFC 6890 and its updates). */
const V4_RULES: V4Rule[] = [
  [v4(0, 0, 0, 0), 8, 'UNSPECIFIED'], // "this network"
  [v4(10, 0, 0, 0), 8, 'PRIVATE'],
  [v4(100, 64, 0, 0), 10, 'CGNAT'],
  [v4(127, 0, 0, 0), 8, 'LOOPBACK'],
  [v4(169, 254, 0, 0), 16, 'LINK_LOCAL'], // incl. cloud metadata 169.254.169.254
  [v4(172, 16, 0, 0), 12, 'PRIVATE'],
  [v4(192, 0, 0, 0), 24, 'RESERVED'],
  [v4(192, 0, 2, 0), 24, 'RESERVED'], // documentation
  [v4(192, 88, 99, 0), 24, 'RESERVED'], // 6to4 relay anycast
  [v4(192, 168, 0, 0), 16, 'PRIVATE'],
  [v4(198, 18, 0, 0), 15, 'RESERVED'], // benchmarking
  [v4(198, 51, 100, 0), 24, 'RESERVED'],
  [v4(203, 0, 113, 0), 24, 'RESERVED'],
  [v4(224, 0, 0, 0), 4, 'MULTICAST'],
  [v4(240, 0, 0, 0), 4, 'RESERVED'], // incl. broadcast 255.255.255.255
];

function parseV4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return v4(Number(parts[0]), Number(parts[1]), Number(parts[2]), Number(parts[3]));
}

function classifyV4(address: number): AddressClass {
  for (const [base, bits, cls] of V4_RULES) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if (((address & mask) >>> 0) === base) return cls;
  }
  return 'PUBLIC';
}

/** Eight 16-bit groups, or null; accepts `::` and a trailing dotted quad (`::ffff:127.0.0.1`). */
function parseV6(text: string): number[] | null {
  let input = text.replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // brackets, zone id
  const quad = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(input);
  if (quad) {
    const value = parseV4(quad[1]!);
    if (value === null) return null;
    input = `${input.slice(0, -quad[1]!.length)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const halves = input.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0] ?? '');
  const rest = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const known = head.length + rest.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  return [...head, ...new Array<string>(8 - known).fill('0'), ...rest].map((g) => parseInt(g, 16));
}

function classifyV6(groups: number[]): AddressClass {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const embeddedV4 = ((g6 << 16) | g7) >>> 0;
  const leadingZeros = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (leadingZeros && g5 === 0 && g6 === 0 && g7 === 0) return 'UNSPECIFIED';
  if (leadingZeros && g5 === 0 && g6 === 0 && g7 === 1) return 'LOOPBACK';
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d): the IPv4 rules decide.
  if (leadingZeros && g5 === 0xffff) return classifyV4(embeddedV4);
  if (leadingZeros && g5 === 0) return 'RESERVED';
  // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return classifyV4(embeddedV4);
  // 6to4 (2002::/16) carries an IPv4 address in its second and third groups.
  if (g0 === 0x2002) return classifyV4(((g1 << 16) | g2) >>> 0);
  if ((g0 & 0xff00) === 0xff00) return 'MULTICAST';
  if ((g0 & 0xffc0) === 0xfe80) return 'LINK_LOCAL';
  if ((g0 & 0xffc0) === 0xfec0) return 'UNIQUE_LOCAL'; // site-local, deprecated
  if ((g0 & 0xfe00) === 0xfc00) return 'UNIQUE_LOCAL';
  if (g0 === 0x2001 && g1 === 0x0db8) return 'RESERVED'; // documentation
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return 'RESERVED'; // discard-only
  return 'PUBLIC';
}

/** What kind of address an IP literal (IPv4 or IPv6, with or without brackets) is. */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return classifyV4(parseV4(bare)!);
  const groups = isIP(bare.replace(/%.*$/, '')) === 6 ? parseV6(bare) : null;
  return groups ? classifyV6(groups) : 'INVALID';
}

/** Why a URL may not be called, in English (`message`, what partners were given) and in Chinese. */
export type UrlProblem = { message: string; messageZh: string };

/** The Chinese name of each kind of address a webhook may not reach. */
const ADDRESS_CLASS_ZH: Record<AddressClass, string> = {
  PUBLIC: '公网地址',
  UNSPECIFIED: '未指定地址',
  LOOPBACK: '环回地址',
  PRIVATE: '私有地址',
  LINK_LOCAL: '链路本地地址',
  UNIQUE_LOCAL: '唯一本地地址',
  CGNAT: '运营商级 NAT 地址',
  MULTICAST: '组播地址',
  RESERVED: '保留地址',
  INVALID: '无效地址',
};

const doesNotResolve = (host: string): UrlProblem => ({ message: `the host ${host} does not resolve`, messageZh: `主机 ${host} 无法解析` });

const MAX_URL_LENGTH = 2048;

/** Scheme and shape, without DNS: the part of the check that never changes. */
export function parseWebhookUrl(text: string): URL | UrlProblem {
  if (text.length > MAX_URL_LENGTH) return { message: `must be at most ${MAX_URL_LENGTH} characters`, messageZh: `最多 ${MAX_URL_LENGTH} 个字符` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { message: 'must be an absolute URL', messageZh: '必须是完整的绝对网址' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { message: 'must be an https:// or http:// URL', messageZh: '必须是 https:// 或 http:// 网址' };
  if (!url.hostname) return { message: 'must name a host', messageZh: '必须包含主机名' };
  return url;
}

export type Resolve = (hostname: string) => Promise<string[]>;

/** Every address the host resolves to (A and AAAA), as the system resolver answers. */
export const resolveAll: Resolve = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The check that needs no DNS: the URL's shape and, when its host is an IP literal, that address. A send
 * makes only this check before connecting; a host name is checked by the connection's own lookup
 * (publicOnlyLookup), which resolves it once and connects to the addresses it checked.
 */
export function checkWebhookUrlWithoutLookup(text: string, options: { allowPrivate: boolean }): UrlProblem | URL | null {
  const url = parseWebhookUrl(text);
  if (!(url instanceof URL)) return url;
  if (options.allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!isIP(host)) return url;
  return addressProblem(host, [host]);
}

/**
 * Null when the URL may be called; else why not. Every address of the host must be public: one
 * private address among public ones is enough to reach the inside. Run when the webhook is saved, so
 * that a caller hears at once; every send checks again at its connection (publicOnlyLookup), because
 * DNS answers change (a name can be re-pointed at 127.0.0.1).
 */
export async function checkWebhookUrl(
  text: string,
  options: { allowPrivate: boolean; resolve?: Resolve },
): Promise<UrlProblem | null> {
  const checked = checkWebhookUrlWithoutLookup(text, options);
  if (!(checked instanceof URL)) return checked;
  const host = checked.hostname;
  let addresses: string[];
  try {
    addresses = await (options.resolve ?? resolveAll)(host);
  } catch {
    return doesNotResolve(host);
  }
  return addressProblem(host, addresses);
}

/** Why a host with these addresses may not be called, or null when every one is public. */
function addressProblem(host: string, addresses: readonly string[]): UrlProblem | null {
  if (addresses.length === 0) return doesNotResolve(host);
  for (const address of addresses) {
    const cls = classifyAddress(address);
    if (cls !== 'PUBLIC') {
      return {
        message: `the host ${host} resolves to ${address} (${cls.toLowerCase().replace('_', '-')}), which webhooks may not reach`,
        messageZh: `主机 ${host} 解析到 ${address}（${ADDRESS_CLASS_ZH[cls]}），Webhook 不能访问该地址`,
      };
    }
  }
  return null;
}

/** The code of a connection refused by publicOnlyLookup: the request was never sent. */
export const ADDRESS_REFUSED = 'EWEBHOOKADDRESS';

function refusal(message: string, cause?: unknown): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(message, cause === undefined ? undefined : { cause });
  error.code = ADDRESS_REFUSED;
  return error;
}

type LookupAddress = { address: string; family: number };
type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
/** The `lookup` a socket calls to turn a host name into addresses (net.connect's option). */
export type ConnectLookup = (hostname: string, options: { all?: boolean }, callback: LookupCallback) => void;

/**
 * A socket's name lookup that refuses what checkWebhookUrl refuses, at the moment of connecting. The check
 * before a send resolves the name once and the connection would resolve it again: a name that answers a
 * public address to the first lookup and 127.0.0.1 to the second (DNS rebinding, a TTL of 0) passed the
 * check and reached the inside. Here the addresses checked are the ones connected to.
 */
export function publicOnlyLookup(resolve: Resolve = resolveAll): ConnectLookup {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const problem = addressProblem(hostname, addresses);
        if (problem !== null) {
          callback(refusal(problem.message), []);
          return;
        }
        const found = addresses.map((address) => ({ address, family: isIP(address) }));
        if (options.all) callback(null, found);
        else callback(null, found[0]!.address, found[0]!.family);
      },
      // Said as the check at saving says it; the resolver's own code (ENOTFOUND…) stays as the cause.
      (failure: NodeJS.ErrnoException) => callback(refusal(doesNotResolve(hostname).message, failure), []),
    );
  };
}
