import qrcode from 'qrcode-generator';
import { html, type SafeHtml } from './html.js';

/**
 * A QR code of `text` as inline SVG: one path of the dark modules on a white square with the
 * standard four-module quiet zone. No script and no style attribute, so the pages' CSP allows it;
 * the page gives it its text alternative.
 */
export function qrSvg(text: string): SafeHtml {
  const code = qrcode(0, 'M');
  code.addData(text);
  code.make();
  const n = code.getModuleCount();
  const margin = 4;
  const size = n + 2 * margin;
  let d = '';
  for (let row = 0; row < n; row++)
    for (let col = 0; col < n; col++)
      if (code.isDark(row, col)) d += `M${col + margin} ${row + margin}h1v1h-1z`;
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="220" height="220" aria-hidden="true" focusable="false" shape-rendering="crispEdges"><rect width="${size}" height="${size}" fill="#ffffff"/><path d="${d}" fill="#000000"/></svg>`;
}
