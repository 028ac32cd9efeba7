import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printSortedSchema } from './schema.js';

describe('the public GraphQL contract', () => {
  it('matches the committed schema/schema.graphql (run `npm run schema:print` after a change)', () => {
    const committed = readFileSync(path.resolve(import.meta.dirname, '../../schema/schema.graphql'), 'utf8');
    expect(printSortedSchema()).toBe(committed);
  });

  it('keeps the names partners and the war room depend on', () => {
    const sdl = printSortedSchema();
    for (const name of [
      'node(id: ID!): Node',
      'shops(after: String, before: String, first: Int, last: Int): ShopConnection!',
      'campaign(id: ID!): Campaign',
      'orders(after: String, before: String, filter: OrderFilter, first: Int, last: Int): OrderConnection!',
      'createCampaign(input: CreateCampaignInput!): CreateCampaignPayload!',
      'updateMilestone(input: UpdateMilestoneInput!): UpdateMilestonePayload!',
      'gmvTarget: Decimal!',
      'milestones: [Milestone!]!',
    ]) {
      expect(sdl).toContain(name);
    }
  });
});
