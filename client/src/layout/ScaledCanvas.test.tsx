import { render, screen } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseLayout, fitScale, ScaledCanvas } from './ScaledCanvas';

describe('fitting the 1920×1080 wall onto a screen', () => {
  it('doubles the canvas on a 4K wall', () => {
    expect(fitScale(3840, 2160)).toBe(2);
    expect(chooseLayout('', 3840, 2160)).toBe('screen');
  });

  it('letterboxes an ultrawide 2560×1080 at scale 1 rather than stretching or cropping', () => {
    expect(fitScale(2560, 1080)).toBe(1);
    expect(chooseLayout('', 2560, 1080)).toBe('screen');
  });

  it('gives a 1440×900 laptop the flowing layout instead of a shrunken wall', () => {
    expect(chooseLayout('', 1440, 900)).toBe('laptop');
    expect(chooseLayout('', 1920, 1440)).toBe('laptop'); // 4:3 projector: too tall to letterbox well
  });

  it('lets ?layout= override the guess either way', () => {
    expect(chooseLayout('?layout=screen', 1440, 900)).toBe('screen');
    expect(chooseLayout('?layout=laptop', 3840, 2160)).toBe('laptop');
    expect(chooseLayout('?layout=tv', 1440, 900)).toBe('laptop');
  });
});

describe('ScaledCanvas', () => {
  const original = { width: window.innerWidth, height: window.innerHeight };
  const resize = (width: number, height: number) => {
    Object.defineProperty(window, 'innerWidth', { configurable: true, value: width });
    Object.defineProperty(window, 'innerHeight', { configurable: true, value: height });
    window.dispatchEvent(new Event('resize'));
  };
  afterEach(() => resize(original.width, original.height));

  it('scales the canvas to the viewport and switches to the laptop layout when the window shrinks', () => {
    resize(3840, 2160);
    render(() => (
      <ScaledCanvas>
        <p>figures</p>
      </ScaledCanvas>
    ));
    expect(screen.getByTestId('canvas').style.transform).toBe('translate(-50%, -50%) scale(2)');
    expect(screen.getByTestId('canvas')).toHaveTextContent('figures');

    resize(1440, 900);
    expect(screen.queryByTestId('canvas')).not.toBeInTheDocument();
    expect(screen.getByText('figures').parentElement).toHaveClass('laptop');
  });
});
