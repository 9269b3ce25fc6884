import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STYLESHEET, contrastPairs, palette } from '../../../src/auth/pages/styles.js';

/** WCAG 2.1 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('stylesheet', () => {
  it('computes contrast like WCAG', () => {
    assert.equal(contrast('#000000', '#ffffff'), 21);
    assert.equal(contrast('#777777', '#777777'), 1);
    assert.ok(contrast('#767676', '#ffffff') >= 4.5 && contrast('#777777', '#ffffff') < 4.5);
  });

  it('meets WCAG 2.1 AA contrast for every pair it uses', () => {
    for (const pair of contrastPairs) {
      const ratio = contrast(palette[pair.foreground], palette[pair.background]);
      assert.ok(
        ratio >= pair.minimum,
        `${pair.use}: ${pair.foreground} on ${pair.background} is ${ratio.toFixed(2)}:1`,
      );
    }
  });

  it('uses only palette colours, each in a checked pair unless decorative', () => {
    const used = new Set([...STYLESHEET.matchAll(/#[0-9a-fA-F]{3,8}\b/g)].map((m) => m[0].toLowerCase()));
    const known = new Set(Object.values(palette));
    for (const colour of used) assert.ok(known.has(colour as never), `${colour} is not in the palette`);
    const checked = new Set(contrastPairs.flatMap((p) => [palette[p.foreground], palette[p.background]]));
    for (const colour of used) {
      if (colour !== palette.divider)
        assert.ok(checked.has(colour as never), `${colour} has no contrast check`);
    }
  });

  it('has a visible focus outline, readable text and no fixed widths wider than a 320 px screen', () => {
    const focus = /:focus-visible \{\s*outline: (\d+)px solid (#[0-9a-f]+);/.exec(STYLESHEET);
    assert.ok(focus, 'a :focus-visible outline');
    assert.ok(Number(focus[1]) >= 2);
    assert.equal(focus[2], palette.focus);
    assert.doesNotMatch(STYLESHEET, /outline:\s*(none|0)/);
    assert.match(STYLESHEET, /body \{[^}]*font-size: 1\.125rem;/);
    assert.match(STYLESHEET, /font-family: system-ui,/);
    assert.match(STYLESHEET, /overflow-wrap: anywhere/);
    for (const m of STYLESHEET.matchAll(/(?:^|[\s;{])(?:min-)?width:\s*([\d.]+)(px|rem|em)/gm)) {
      const px = Number(m[1]) * (m[2] === 'px' ? 1 : 16);
      assert.ok(px <= 320, `width ${m[0].trim()} is wider than 320 px`);
    }
    // Wider blocks (the main column) are capped with max-width only.
    assert.match(STYLESHEET, /main \{[^}]*max-width: 34rem;/);
  });

  it('has the classes the pages use', () => {
    for (const selector of [
      '.button-primary',
      '.button-secondary',
      '.lang ul',
      '.alert',
      '.hint',
      '.secret code',
      '.qr svg',
    ])
      assert.ok(STYLESHEET.includes(`${selector} {`) || STYLESHEET.includes(`${selector},`), selector);
  });
});
