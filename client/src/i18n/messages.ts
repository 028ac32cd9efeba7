import { en } from './messages.en';
import { zhCN, type MessageKey } from './messages.zh-CN';

export type Locale = 'zh-CN' | 'en';
export type { MessageKey };

export const MESSAGES: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

/**
 * `{count, plural, one {unit} other {units}}` (ICU's form, options of plain text): the word for the
 * number in param `count`, as Intl.PluralRules has it for the locale. English needs it ("1 unit", "2
 * units"). Chinese has one plural form, so where its wording still depends on the number (本店 for one
 * shop, 各店合计 for several) it names the number itself, as ICU does: `=1 {…}`, chosen before the category.
 */
const PLURAL = /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{[^{}]*\})+)\s*\}/g;
const PLURAL_OPTION = /(=\d+|zero|one|two|few|many|other)\s*\{([^{}]*)\}/g;

const pluralRules = new Map<Locale, Intl.PluralRules>();

function pluralForm(locale: Locale, count: number, options: string): string {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  const forms = new Map([...options.matchAll(PLURAL_OPTION)].map(([, category, text]) => [category, text]));
  return forms.get(`=${count}`) ?? forms.get(rules.select(count)) ?? forms.get('other') ?? '';
}

/**
 * `{name}` placeholders filled from params, plural blocks by their numeric param; a missing param (or a
 * count that is not a number) stays visible rather than vanishing.
 */
export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const text = MESSAGES[locale][key];
  if (!params) return text;
  return text
    .replace(PLURAL, (whole, name: string, options: string) => {
      const count = params[name];
      return typeof count === 'number' ? pluralForm(locale, count, options) : whole;
    })
    .replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * A sentence the server wrote (an alert's, an anomaly's), in the viewer's language: documents ask for
 * `message` (Chinese) and `messageEn: message(locale: EN)` together, so the toggle needs no new request.
 */
export const serverWords = (worded: { message: string; messageEn: string }, locale: Locale): string => (locale === 'en' ? worded.messageEn : worded.message);
