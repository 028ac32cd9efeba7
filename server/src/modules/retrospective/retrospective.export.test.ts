import { expect, it } from 'vitest';
import { reachedForSheet } from './retrospective.export.js';

it("writes an achievement the sheet's 0.00% cannot round up past what was reached", () => {
  // 99.996 % would show as 100.00 % in Excel; the page and the wall cut it.
  expect(reachedForSheet(0.99996)).toBe(0.9999);
  expect(reachedForSheet(0.7215)).toBe(0.7215);
  expect(reachedForSheet(0.63)).toBe(0.63);
  expect(reachedForSheet(1.2)).toBe(1.2);
  expect(reachedForSheet(0)).toBe(0);
});
