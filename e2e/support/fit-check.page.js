// Runs inside the page (page.evaluate of this file's text; see fit-check.ts): plain browser JavaScript,
// so the project's TypeScript (no DOM lib for e2e) never has to type it. Evaluates to a FitReport.
(() => {
  /** CSS pixels of the viewport a box may be off by (sub-pixel layout, anti-aliasing). */
  const TOLERANCE = 1;
  const styles = new Map();
  const style = (el) => {
    let s = styles.get(el);
    if (!s) styles.set(el, (s = getComputedStyle(el)));
    return s;
  };
  const box = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
  const intersect = (a, b) => ({ left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) });
  const empty = (r) => r.right - r.left <= 0.5 || r.bottom - r.top <= 0.5;
  const name = (el) => {
    const id = el.getAttribute('data-testid');
    const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    return el.tagName.toLowerCase() + (id ? `[data-testid=${id}]` : '') + cls;
  };
  // The root's and body's overflow belongs to the viewport (it scrolls the page), so they clip nothing.
  const clips = (el) => el !== document.body && el !== document.documentElement && (style(el).overflowX !== 'visible' || style(el).overflowY !== 'visible');
  const reported = new Set();
  /** Hidden by itself or an ancestor: opacity 0, visibility hidden, or clipped to nothing (visually-hidden). */
  const invisible = (el) => {
    if (style(el).visibility !== 'visible') return true;
    for (let e = el; e; e = e.parentElement) {
      const s = style(e);
      if (s.opacity === '0' || s.display === 'none' || s.clip !== 'auto' || s.clipPath !== 'none') return true;
    }
    return false;
  };
  /** The viewport is the panel of text outside every [data-panel]: nothing may leave it sideways. */
  const viewport = { left: 0, top: -Infinity, right: document.documentElement.clientWidth, bottom: Infinity };

  const texts = [];
  const cut = [];
  const spills = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.textContent.trim() || el.closest('script, style, select, option, textarea, [data-fit-outline]')) continue;
    if (invisible(el)) continue;
    const panel = el.closest('[data-panel]');
    const panelBox = panel ? box(panel.getBoundingClientRect()) : viewport;
    // The layout scale (the wall's canvas is transformed): font sizes are CSS pixels before it.
    const scale = el.offsetWidth > 0 ? el.getBoundingClientRect().width / el.offsetWidth : 1;
    const fontPx = parseFloat(style(el).fontSize) * (scale || 1);
    // SVG text has no line boxes; its element's box is the text's.
    range.selectNodeContents(node);
    const rects = el.closest('svg') ? [el.getBoundingClientRect()] : [...range.getClientRects()];
    // The ancestors between the text and its panel that cut what overflows them.
    const clippers = [];
    let ellipsis = null;
    for (let e = el; e && e !== panel && e !== document.body; e = e.parentElement) {
      if (!clips(e)) continue;
      if (!ellipsis && style(e).textOverflow === 'ellipsis') ellipsis = e;
      else clippers.push(e);
    }
    const titled = ellipsis ? !!ellipsis.closest('[title]:not([title=""])') : false;
    const overflowing = ellipsis ? ellipsis.scrollWidth > ellipsis.clientWidth + TOLERANCE : false;
    if (ellipsis && overflowing && !titled && !reported.has(ellipsis) && reported.add(ellipsis)) cut.push({ text: ellipsis.textContent.trim(), element: name(ellipsis), box: box(ellipsis.getBoundingClientRect()), why: 'cut with an ellipsis but no title to read it in full' });
    for (const raw of rects) {
      // The glyphs' em box: a line's content area is taller than the text (ascent + descent of the font),
      // and tight line-heights make neighbouring content areas touch where no glyph does.
      const inset = Math.max(0, (raw.height - fontPx) / 2);
      let r = { left: raw.left, top: raw.top + inset, right: raw.right, bottom: raw.bottom - inset };
      if (empty(r)) continue;
      // Only what an ellipsis shows is drawn (a cut without a title is reported above, once).
      if (ellipsis) r = { ...r, left: Math.max(r.left, ellipsis.getBoundingClientRect().left), right: Math.min(r.right, ellipsis.getBoundingClientRect().right) };
      // Rows cut at the foot of a list inside its panel are deliberate (the count says how many);
      // text cut sideways without an ellipsis is not.
      let shown = r;
      for (const c of clippers) {
        const cb = c.getBoundingClientRect();
        const key = `${name(c)}|${node.textContent}`;
        if ((r.left < cb.left - TOLERANCE || r.right > cb.right + TOLERANCE) && !reported.has(key) && reported.add(key)) cut.push({ text: node.textContent.trim(), element: name(el), box: box(r), why: `cut sideways by ${name(c)} without an ellipsis` });
        shown = intersect(shown, { left: -Infinity, right: Infinity, top: cb.top, bottom: cb.bottom });
      }
      if (empty(shown)) continue; // a row below the foot of its list: not drawn
      const out = shown.left < panelBox.left - TOLERANCE || shown.right > panelBox.right + TOLERANCE || shown.top < panelBox.top - TOLERANCE || shown.bottom > panelBox.bottom + TOLERANCE;
      if (out) spills.push({ text: node.textContent.trim(), element: name(el), box: box(shown), panel: panel ? name(panel) : 'the viewport', panelBox: panel ? panelBox : null });
      // What is drawn: clipped by every clipping ancestor, the panel and beyond included.
      let drawn = shown;
      for (let e = panel ?? el.parentElement; e && e !== document.documentElement; e = e.parentElement) {
        if (clips(e)) drawn = intersect(drawn, e.getBoundingClientRect());
      }
      if (!empty(drawn)) texts.push({ el, text: node.textContent.trim(), box: drawn });
    }
  }

  const overlaps = [];
  texts.sort((a, b) => a.box.left - b.box.left);
  for (let i = 0; i < texts.length; i++) {
    const a = texts[i];
    for (let j = i + 1; j < texts.length && texts[j].box.left < a.box.right - TOLERANCE; j++) {
      const b = texts[j];
      if (a.el === b.el) continue;
      const o = intersect(a.box, b.box);
      if (o.right - o.left > TOLERANCE && o.bottom - o.top > TOLERANCE) {
        overlaps.push({ a: { text: a.text, element: name(a.el), box: a.box }, b: { text: b.text, element: name(b.el), box: b.box } });
      }
    }
  }
  const scroller = document.scrollingElement;
  const horizontalScroll = scroller.scrollWidth > window.innerWidth ? { scrollWidth: scroller.scrollWidth, innerWidth: window.innerWidth } : null;
  return { texts: texts.length, overlaps, spills, cut, horizontalScroll };
})();
