import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { qrSvg } from '../../../src/auth/pages/qr.js';

describe('TOTP enrolment QR code', () => {
  it('is inline SVG with a quiet zone, no script or style, and differs with its text', () => {
    const a = qrSvg('otpauth://totp/OpenVisit:dr%40demo?secret=JBSWY3DPEHPK3PXP&issuer=OpenVisit').toString();
    const b = qrSvg(
      'otpauth://totp/OpenVisit:nurse%40demo?secret=KRSXG5CTMVRXEZLU&issuer=OpenVisit',
    ).toString();
    assert.match(a, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
    const size = Number(/viewBox="0 0 (\d+)/.exec(a)?.[1]);
    // version 4+ symbol (33+ modules) plus 8 modules of quiet zone for a URI this long
    assert.ok(size >= 41 && (size - 8 - 21) % 4 === 0, `size ${size}`);
    assert.doesNotMatch(a, /<script|style=/);
    assert.notEqual(a, b);
    // the three finder patterns: dark modules at the corners inside the quiet zone
    assert.match(a, /M4 4h1v1h-1z/);
  });
});
