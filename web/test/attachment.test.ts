import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../src/api/api-error.js';
import { binaryReference, loadAttachment, mediaTypeOf } from '../src/api/attachment.js';
import { FhirClient } from '../src/api/fhir-client.js';

const BASE = 'https://ov.example/fhir/R4';

/** A FHIR client whose server answers from `routes`, recording what was asked. */
function client(routes: Record<string, unknown>, asked: string[] = []): FhirClient {
  return new FhirClient(BASE, { token: async () => 'tok', renew: async () => null }, async (input) => {
    const url = String(input);
    asked.push(url);
    const body = routes[url];
    return body === undefined
      ? new Response('{}', { status: 404 })
      : new Response(JSON.stringify(body), { status: 200 });
  });
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('document attachments', () => {
  it('decodes inline text in its charset, keeping accents', async () => {
    const content = await loadAttachment(client({}), BASE, {
      contentType: 'text/plain; charset=utf-8',
      data: b64('Nota de la visita: señal estable'),
    });
    assert.equal(content.mediaType, 'text/plain');
    assert.equal(content.text, 'Nota de la visita: señal estable');
    const latin1 = await loadAttachment(client({}), BASE, {
      contentType: 'text/plain; charset=ISO-8859-1',
      data: Buffer.from([0x73, 0xf1]).toString('base64'),
    });
    assert.equal(latin1.text, 'sñ');
  });

  it('keeps other content as bytes, never decoded as text', async () => {
    const content = await loadAttachment(client({}), BASE, {
      contentType: 'application/pdf',
      data: Buffer.from([0x25, 0x50, 0x44, 0x46]).toString('base64'),
    });
    assert.equal(content.text, undefined);
    assert.deepEqual([...content.bytes], [0x25, 0x50, 0x44, 0x46]);
  });

  it('reads a Binary on this server with the token, relative or absolute', async () => {
    const asked: string[] = [];
    const fhir = client(
      { [`${BASE}/Binary/b1`]: { resourceType: 'Binary', contentType: 'text/plain', data: b64('hi') } },
      asked,
    );
    assert.equal((await loadAttachment(fhir, BASE, { url: 'Binary/b1' })).text, 'hi');
    assert.equal((await loadAttachment(fhir, BASE, { url: `${BASE}/Binary/b1` })).text, 'hi');
    assert.deepEqual(asked, [`${BASE}/Binary/b1`, `${BASE}/Binary/b1`]);
  });

  it('never fetches an address outside this server', async () => {
    const asked: string[] = [];
    await assert.rejects(
      loadAttachment(client({}, asked), BASE, { url: 'https://elsewhere.example/note.txt' }),
      (e: unknown) => e instanceof ApiError && e.kind === 'not-found',
    );
    assert.equal(binaryReference(`${BASE}/Binary/../../admin`, BASE), null);
    assert.equal(binaryReference('Patient/p1', BASE), null);
    assert.deepEqual(asked, []);
  });

  it('names the media type without parameters', () => {
    assert.equal(mediaTypeOf('Text/HTML; charset=utf-8'), 'text/html');
    assert.equal(mediaTypeOf(undefined), 'application/octet-stream');
  });
});
