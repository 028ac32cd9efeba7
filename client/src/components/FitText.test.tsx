import { render } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FitText } from './FitText';

/**
 * jsdom lays nothing out, so the widths are given: the box is 300 px wide, and a text's natural width
 * at full size is 30 px per character (the hidden copy's width shrinks with the scale, as it would).
 */
function layOut(boxWidth: number) {
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('fit') ? boxWidth : 0;
  });
  vi.spyOn(HTMLElement.prototype, 'offsetWidth', 'get').mockImplementation(function (this: HTMLElement) {
    if (!this.classList.contains('fit-sizer')) return 0;
    return (this.dataset.text ?? '').length * 30 * parseFloat(this.style.fontSize || '1');
  });
}

const scaleOf = (container: HTMLElement) => parseFloat((container.querySelector('.fit-text') as HTMLElement).style.fontSize);

afterEach(() => vi.restoreAllMocks());

describe('FitText', () => {
  it('keeps its full size while the text fits', () => {
    layOut(301);
    const { container } = render(() => <FitText text="¥12.22万">¥12.22万</FitText>);
    expect(scaleOf(container)).toBe(1);
  });

  it('shrinks a figure that would run past its box (the hero beside the ring) and grows back when it fits again', () => {
    layOut(301);
    const [text, setText] = createSignal('¥122,230.50');
    const { container } = render(() => <FitText text={text()}>{text()}</FitText>);
    expect(scaleOf(container)).toBeCloseTo(300 / (11 * 30), 2);
    setText('¥99,999,999,999.99');
    expect(scaleOf(container)).toBeCloseTo(300 / (18 * 30), 2);
    setText('¥8.52万');
    expect(scaleOf(container)).toBe(1);
  });

  it('keeps the text out of the page text twice: the measured copy is drawn by CSS', () => {
    layOut(301);
    const { container } = render(() => <FitText text="¥8,520.00">¥8,520.00</FitText>);
    expect(container.textContent).toBe('¥8,520.00');
  });
});
