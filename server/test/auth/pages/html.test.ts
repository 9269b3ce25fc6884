import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SafeHtml, escapeHtml, html, join, raw, safeUrl } from '../../../src/auth/pages/html.js';

describe('html helper', () => {
  it('escapes the six dangerous characters of every interpolated string', () => {
    assert.equal(escapeHtml(`&<>"'\``), '&amp;&lt;&gt;&quot;&#39;&#96;');
    const hostile = `"><img src=x onerror=alert(1)>`;
    assert.equal(
      html`<input value="${hostile}">`.toString(),
      '<input value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">',
    );
    assert.equal(
      html`<p>${'<script>alert("x")</script>'}</p>`.toString(),
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
    );
    assert.equal(html`<a title='${"' onmouseover='x"}'>`.toString(), `<a title='&#39; onmouseover=&#39;x'>`);
    // An already-escaped string is escaped again: text is text.
    assert.equal(html`${'&amp;'}`.toString(), '&amp;amp;');
  });

  it('inserts markup made by html as is, and renders lists, numbers and nothing', () => {
    const inner = html`<strong>${'a<b'}</strong>`;
    assert.equal(html`<p>${inner}</p>`.toString(), '<p><strong>a&lt;b</strong></p>');
    assert.equal(
      html`<ul>${['<1>', html`<li>2</li>`, ['3&']]}</ul>`.toString(),
      '<ul>&lt;1&gt;<li>2</li>3&amp;</ul>',
    );
    assert.equal(html`${undefined}${null}${false}|${0}|${42}|${true}`.toString(), '|0|42|true');
    assert.equal(join(['<a>', html`<b>`, 'c'], html`, `).toString(), '&lt;a&gt;, <b>, c');
    assert.equal(raw('<!-- constant -->').toString(), '<!-- constant -->');
  });

  it('does not trust objects that only look like SafeHtml', () => {
    const lookalike = { toString: () => '<img src=x onerror=alert(1)>' };
    assert.equal(SafeHtml.is(lookalike), false);
    assert.equal(html`${lookalike as unknown as string}`.toString(), '&lt;img src=x onerror=alert(1)&gt;');
    const forged = Object.create(SafeHtml.prototype) as SafeHtml;
    assert.equal(SafeHtml.is(forged), false);
    assert.equal(SafeHtml.is('<b>'), false);
    assert.equal(SafeHtml.is(html`<b>`), true);
  });

  it('only admits constants to raw (checked by the compiler)', () => {
    const fromRequest: string = String('<b>');
    // @ts-expect-error a string that is not a literal is refused
    assert.equal(raw(fromRequest).toString(), '<b>');
  });

  it('keeps URLs to relative and http(s) ones, or the schemes allowed', () => {
    for (const ok of ['/interaction/abc', 'login?x=1', 'https://example.org/a?b=c&d=e', 'HTTP://example.org'])
      assert.equal(safeUrl(ok), ok);
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<script>',
      'vbscript:x',
      '//evil.example/steal',
      '/\\evil.example',
      'java\tscript:alert(1)',
      ' javascript:alert(1)',
      'otpauth://totp/x',
    ])
      assert.equal(safeUrl(bad), 'about:invalid', bad);
    assert.equal(safeUrl('otpauth://totp/x?secret=A', ['otpauth']), 'otpauth://totp/x?secret=A');
    assert.equal(safeUrl('https://example.org', ['otpauth']), 'about:invalid');
  });
});
