import type { Words } from '../errors.js';

/**
 * How many items one argument of a field may ask for (`topProducts(limit:)`, `series(last:)`). The
 * field declares it in its `extensions.pageSizes`, so the access gate refuses a size out of range
 * before it prices the request (a `limit: 100000` is told the rule, not that it costs too much), and
 * the service enforces the same bound with the same words.
 */
export interface PageSizeBound {
  argument: string;
  min: number;
  max: number;
}

/** The field extension the access gate reads (auth/page-arguments.ts). */
export const PAGE_SIZES_EXTENSION = 'pageSizes';

/** Why `value` is refused for `bound`, or null when it is within it. */
export function pageSizeProblem(bound: PageSizeBound, value: number): Words | null {
  if (Number.isInteger(value) && value >= bound.min && value <= bound.max) return null;
  return {
    en: `${bound.argument} must be between ${bound.min} and ${bound.max}`,
    zh: `${bound.argument} 必须在 ${bound.min} 到 ${bound.max} 之间`,
  };
}
