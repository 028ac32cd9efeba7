import { describe, expect, it } from 'vitest';
import { en } from '../../../client/src/i18n/messages.en.js';
import { zhCN } from '../../../client/src/i18n/messages.zh-CN.js';
import { CHANNEL_NAMES, CHANNELS, TRAFFIC_SOURCE_NAMES, TRAFFIC_SOURCES } from './enums.js';

describe('the names the server words a traffic source and a channel with', () => {
  it('are the ones the war room and the console show for it, in both languages', () => {
    for (const source of TRAFFIC_SOURCES) {
      expect(TRAFFIC_SOURCE_NAMES[source], source).toEqual({ zh: zhCN[`source.${source}`], en: en[`source.${source}`] });
    }
    for (const channel of CHANNELS) {
      expect(CHANNEL_NAMES[channel], channel).toEqual({ zh: zhCN[`channel.${channel}`], en: en[`channel.${channel}`] });
    }
  });
});
