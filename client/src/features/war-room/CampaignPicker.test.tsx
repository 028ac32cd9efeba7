import { fireEvent, screen } from '@solidjs/testing-library';
import { describe, expect, it, vi } from 'vitest';
import { campaign } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render';
import { CampaignPicker, defaultCampaign } from './CampaignPicker';

const ended = campaign({ id: 'c-618', name: '618 年中大促', status: 'ENDED', endsAt: '2026-06-18T16:00:00Z' });
const active = campaign({ id: 'c-1111', name: '双11 主会场', status: 'ACTIVE', endsAt: '2026-11-11T16:00:00Z' });
const preheat = campaign({ id: 'c-warm', name: '双11 预热', status: 'ACTIVE', endsAt: '2026-11-03T16:00:00Z' });
const upcoming = campaign({ id: 'c-1212', name: '双12', status: 'UPCOMING', endsAt: '2026-12-12T16:00:00Z' });

describe('the campaign a screen opens on', () => {
  it('is the active one, whatever the order of the list', () => {
    expect(defaultCampaign([ended, upcoming, active])?.id).toBe('c-1111');
    expect(defaultCampaign([active, ended, upcoming])?.id).toBe('c-1111');
  });

  it('is the active one that ends first when several run at once', () => {
    expect(defaultCampaign([active, preheat, upcoming])?.id).toBe('c-warm');
  });

  it('is the most recent one when none is active, and nothing when there are none', () => {
    expect(defaultCampaign([ended, upcoming])?.id).toBe('c-1212');
    expect(defaultCampaign([])).toBeUndefined();
  });
});

describe('CampaignPicker', () => {
  it('lists campaigns with their status and reports the one chosen', () => {
    const onSelect = vi.fn();
    renderWithProviders(() => <CampaignPicker campaigns={[active, ended]} selected="c-1111" onSelect={onSelect} />, { locale: 'zh-CN' });
    const select = screen.getByTestId<HTMLSelectElement>('campaign-picker');
    expect(select.value).toBe('c-1111');
    expect(screen.getByRole('option', { name: '618 年中大促（已结束）' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: '双11 主会场（进行中）' })).toBeInTheDocument();
    fireEvent.change(select, { target: { value: 'c-618' } });
    expect(onSelect).toHaveBeenCalledWith('c-618');
  });
});
