import { ApiError } from './api-error.js';
import type { FhirClient, FhirResource } from './fhir-client.js';

/** FHIR Attachment: inline `data` (base64) or a `url`. */
export interface Attachment {
  contentType?: string;
  data?: string;
  url?: string;
  title?: string;
}

export interface AttachmentContent {
  /** The media type without parameters, lower case ("text/plain"). */
  mediaType: string;
  bytes: Uint8Array<ArrayBuffer>;
  /** Decoded when the content is text, for showing in the page. */
  text?: string;
}

interface Binary extends FhirResource {
  contentType?: string;
  data?: string;
}

export function decodeBase64(data: string): Uint8Array<ArrayBuffer> {
  const raw = atob(data.replace(/\s+/g, ''));
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? 'application/octet-stream').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * The `Binary/{id}` an attachment's url names when it is on this FHIR server (relative, or absolute
 * under `fhirBase`); null for anything else, which the app never fetches (no outside requests).
 */
export function binaryReference(url: string, fhirBase: string): string | null {
  const rest = url.startsWith(`${fhirBase}/`) ? url.slice(fhirBase.length + 1) : url;
  return /^Binary\/[A-Za-z0-9\-.]{1,64}$/.test(rest) ? rest : null;
}

/** An attachment's content: inline, or read as a Binary from this server with the user's token. */
export async function loadAttachment(
  fhir: FhirClient,
  fhirBase: string,
  attachment: Attachment,
): Promise<AttachmentContent> {
  let contentType = attachment.contentType;
  let data = attachment.data;
  if (data === undefined && attachment.url) {
    const reference = binaryReference(attachment.url, fhirBase);
    if (!reference) throw new ApiError('not-found', 404);
    const binary = await fhir.read<Binary>(reference);
    contentType ??= binary.contentType;
    data = binary.data;
  }
  if (data === undefined) throw new ApiError('not-found', 404);
  const bytes = decodeBase64(data);
  const mediaType = mediaTypeOf(contentType);
  if (!mediaType.startsWith('text/')) return { mediaType, bytes };
  return { mediaType, bytes, text: decodeText(bytes, contentType) };
}

/** Text in the charset the content type names; UTF-8 when it names none or one the browser lacks. */
function decodeText(bytes: Uint8Array, contentType: string | undefined): string {
  const charset = /;\s*charset="?([\w.:-]+)"?/i.exec(contentType ?? '')?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}
