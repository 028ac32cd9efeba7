import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the campaign module’s imports', () => {
  // Metrics reads campaigns (requireScopeCampaign, CampaignRef), so campaign code that imports metrics closes a
  // cycle: campaign.split took its allocation from metrics/campaign-progress, which imports metrics.service,
  // which imports campaign.service, which imports campaign.split. Shared pure helpers live in lib/.
  it('take nothing from the metrics module, which imports campaigns', () => {
    const dir = import.meta.dirname;
    const code = readdirSync(dir).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
    const importingMetrics = code.filter((file) => /from '\.\.\/metrics\//.test(readFileSync(path.join(dir, file), 'utf8')));
    expect(importingMetrics).toEqual([]);
  });
});
