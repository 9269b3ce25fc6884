import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  TOTP_PERIOD_MS,
  newTotpSecret,
  totpCodeAt,
  totpStepAt,
  totpUri,
  verifyTotp,
} from '../../../src/auth/credentials/totp.js';

/** RFC 6238 appendix B's SHA1 key, the ASCII "12345678901234567890", in base32. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const NOW = 1_111_111_111_000; // inside step 37037037
const STEP = 37_037_037;

describe('TOTP', () => {
  it('generates the RFC 6238 test vectors (last six of the eight digits)', () => {
    const vectors: [number, string][] = [
      [59, '287082'],
      [1_111_111_109, '081804'],
      [1_111_111_111, '050471'],
      [1_234_567_890, '005924'],
      [2_000_000_000, '279037'],
      [20_000_000_000, '353130'],
    ];
    for (const [seconds, code] of vectors)
      assert.equal(totpCodeAt(RFC_SECRET, seconds * 1000), code, `T=${seconds}`);
    assert.equal(totpStepAt(NOW), STEP);
  });

  it('makes 20-byte base32 secrets, different every time', () => {
    const a = newTotpSecret();
    const b = newTotpSecret();
    assert.match(a, /^[A-Z2-7]{32}$/); // 160 bits = 32 base32 characters, no padding
    assert.notEqual(a, b);
    assert.match(totpCodeAt(a, NOW), /^[0-9]{6}$/);
  });

  it('builds an otpauth:// URI with the parameters authenticator apps support', () => {
    const uri = totpUri(RFC_SECRET, { issuer: 'OpenVisit Clinic', label: 'dr.smith@example.org' });
    const url = new URL(uri);
    assert.equal(url.protocol, 'otpauth:');
    assert.equal(url.host, 'totp');
    assert.equal(decodeURIComponent(url.pathname), '/OpenVisit Clinic:dr.smith@example.org');
    assert.equal(url.searchParams.get('secret'), RFC_SECRET);
    assert.equal(url.searchParams.get('issuer'), 'OpenVisit Clinic');
    assert.equal(url.searchParams.get('algorithm'), 'SHA1');
    assert.equal(url.searchParams.get('digits'), '6');
    assert.equal(url.searchParams.get('period'), '30');
  });

  it('accepts the current, previous and next step, and says which step matched', () => {
    assert.deepEqual(verifyTotp(RFC_SECRET, '050471', { now: NOW }), { ok: true, step: STEP });
    for (const offset of [-1, 0, 1]) {
      const code = totpCodeAt(RFC_SECRET, NOW + offset * TOTP_PERIOD_MS);
      assert.deepEqual(
        verifyTotp(RFC_SECRET, code, { now: NOW }),
        { ok: true, step: STEP + offset },
        `${offset}`,
      );
    }
    // Anywhere inside the step, including its last millisecond.
    const lastMs = (STEP + 1) * TOTP_PERIOD_MS - 1;
    assert.deepEqual(verifyTotp(RFC_SECRET, '050471', { now: lastMs }), { ok: true, step: STEP });
  });

  it('rejects codes two or more steps away, and wrong codes', () => {
    for (const offset of [-3, -2, 2, 3]) {
      const code = totpCodeAt(RFC_SECRET, NOW + offset * TOTP_PERIOD_MS);
      assert.deepEqual(verifyTotp(RFC_SECRET, code, { now: NOW }), { ok: false }, `${offset}`);
    }
    assert.deepEqual(verifyTotp(RFC_SECRET, '050472', { now: NOW }), { ok: false });
    assert.deepEqual(verifyTotp('JBSWY3DPEHPK3PXP', '050471', { now: NOW }), { ok: false }); // another key
  });

  it('rejects a step at or before the last used one (replay)', () => {
    const first = verifyTotp(RFC_SECRET, '050471', { now: NOW, lastUsedStep: null });
    assert.deepEqual(first, { ok: true, step: STEP });
    // The same code again, even a second later.
    assert.deepEqual(verifyTotp(RFC_SECRET, '050471', { now: NOW + 1000, lastUsedStep: STEP }), {
      ok: false,
    });
    // An older code still inside the window, after a newer one was used.
    const previous = totpCodeAt(RFC_SECRET, NOW - TOTP_PERIOD_MS);
    assert.deepEqual(verifyTotp(RFC_SECRET, previous, { now: NOW, lastUsedStep: STEP }), { ok: false });
    // The next step's code is still fine.
    const next = totpCodeAt(RFC_SECRET, NOW + TOTP_PERIOD_MS);
    assert.deepEqual(verifyTotp(RFC_SECRET, next, { now: NOW, lastUsedStep: STEP }), {
      ok: true,
      step: STEP + 1,
    });
    // A last used step further back does not get in the way.
    assert.deepEqual(verifyTotp(RFC_SECRET, '050471', { now: NOW, lastUsedStep: STEP - 1 }), {
      ok: true,
      step: STEP,
    });
  });

  it('rejects anything but exactly six ASCII digits', () => {
    const inputs = [
      '',
      '05047',
      '0504710',
      '05047a',
      ' 050471',
      '050471 ',
      '050 471',
      '050471\n',
      '٠٥٠٤٧١',
      '5.0471',
    ];
    for (const input of inputs) {
      assert.deepEqual(verifyTotp(RFC_SECRET, input, { now: NOW }), { ok: false }, JSON.stringify(input));
    }
  });

  it('defaults to the current time', () => {
    const secret = newTotpSecret();
    const result = verifyTotp(secret, totpCodeAt(secret, Date.now()));
    assert.equal(result.ok, true);
  });
});
