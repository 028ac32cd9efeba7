import { fireEvent, screen } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { AS_OF, NOW_WALL } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render';
import { StatusBar } from './StatusBar';

describe('StatusBar', () => {
  it('shows Beijing time, the data time and the badge in Chinese', () => {
    renderWithProviders(() => <StatusBar picker={<span />} nowWall={NOW_WALL} asOf={AS_OF} freshness="live" />);
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('PeakOps 作战室');
    expect(screen.getByTestId('clock')).toHaveTextContent('北京时间');
    expect(screen.getByTestId('clock')).toHaveTextContent('12:00:30');
    expect(screen.getByTestId('clock')).toHaveTextContent('2026年11月11日');
    expect(screen.getByTestId('as-of')).toHaveTextContent('12:00:29');
    expect(screen.getByTestId('connection-badge')).toHaveTextContent('实时');
  });

  it('shows "—" for the data time before any data', () => {
    renderWithProviders(() => <StatusBar picker={<span />} nowWall={NOW_WALL} asOf={null} freshness="connecting" />);
    expect(screen.getByTestId('as-of')).toHaveTextContent(/^—$/);
    expect(screen.getByTestId('connection-badge')).toHaveTextContent('连接中');
  });

  it('switches the screen to English and back with the language toggle, remembering the choice', () => {
    renderWithProviders(() => <StatusBar picker={<span />} nowWall={NOW_WALL} asOf={AS_OF} freshness="stale" />);
    const toggle = screen.getByTestId('lang-toggle');
    expect(toggle).toHaveTextContent('English');
    expect(toggle).toHaveAccessibleName('切换语言');

    fireEvent.click(toggle);
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('PeakOps War Room');
    expect(screen.getByTestId('clock')).toHaveTextContent('Beijing time');
    expect(screen.getByTestId('connection-badge')).toHaveTextContent('Data delayed');
    expect(toggle).toHaveTextContent('中文');
    expect(localStorage.getItem('peakops.locale')).toBe('en');

    fireEvent.click(toggle);
    expect(screen.getByTestId('connection-badge')).toHaveTextContent('数据延迟');
    expect(localStorage.getItem('peakops.locale')).toBe('zh-CN');
  });
});
