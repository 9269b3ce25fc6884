import { badRequest, notSupported } from '../../platform/http/operation-outcome.js';
import { conditionalDelete, deleteResource } from '../interactions/delete.js';
import type { InteractionDeps, Scope } from '../interactions/deps.js';
import { readResource, vreadResource } from '../interactions/read.js';
import { conditionalPatch, createResource, patchResource, updateResource } from '../interactions/write.js';
import type { Searcher } from '../rest/context.js';
import type { StoredVersion } from '../storage/resource-store.js';
import type { EntryRequest } from './entry-request.js';

/** What one entry produced, before it is written into the response Bundle. */
export interface EntryResult {
  status: number;
  stored?: StoredVersion;
  /** JSON text of a resource that is not a stored version (a searchset Bundle). */
  body?: string;
  /** True when the entry changed data (so the outbox has something new). */
  wrote: boolean;
}

export interface EntryDeps {
  deps: InteractionDeps;
  searcher: Searcher;
}

function version(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(raw.trim());
  if (!m) throw badRequest('ifMatch must name a version, e.g. W/"3"');
  return Number(m[1]);
}

/** Decodes the JSON Patch a PATCH entry carries as a Binary resource. */
function patchDocument(entry: EntryRequest): unknown {
  const r = entry.resource;
  if (r?.resourceType === 'Binary' && typeof r.data === 'string') {
    try {
      return JSON.parse(Buffer.from(r.data, 'base64').toString('utf8'));
    } catch {
      throw badRequest('The PATCH entry Binary does not hold a JSON Patch', [
        `Bundle.entry[${entry.index}].resource`,
      ]);
    }
  }
  throw badRequest('A PATCH entry must carry a JSON Patch as a Binary resource', [
    `Bundle.entry[${entry.index}].resource`,
  ]);
}

/** Runs one entry's interaction (identities and references already resolved by the caller). */
export async function executeEntry(
  d: EntryDeps,
  scope: Scope,
  entry: EntryRequest,
  assignedId?: string,
): Promise<EntryResult> {
  const { deps } = d;
  const ifMatch = version(entry.ifMatch);
  switch (entry.method) {
    case 'POST': {
      if (entry.id !== undefined || entry.query !== undefined)
        throw badRequest('POST entries create on a type URL');
      const r = await createResource(deps, scope, entry.type, entry.resource, entry.ifNoneExist, assignedId);
      return { status: r.status, stored: r.stored, wrote: r.status === 201 };
    }
    case 'PUT': {
      const id = assignedId ?? entry.id;
      if (id === undefined) throw badRequest('PUT entries need Type/id or conditional criteria');
      if (entry.resource && entry.resource.id === undefined && assignedId !== undefined)
        entry.resource.id = id;
      const r = await updateResource(deps, scope, entry.type, id, entry.resource, ifMatch);
      return { status: r.status, stored: r.stored, wrote: true };
    }
    case 'PATCH': {
      const patch = patchDocument(entry);
      const r =
        entry.id !== undefined
          ? await patchResource(deps, scope, entry.type, entry.id, patch, ifMatch)
          : await conditionalPatch(deps, scope, entry.type, entry.query ?? '', patch, ifMatch);
      return { status: r.status, stored: r.stored, wrote: true };
    }
    case 'DELETE': {
      const r =
        entry.id !== undefined
          ? await deleteResource(deps, scope, entry.type, entry.id, ifMatch)
          : await conditionalDelete(deps, scope, entry.type, entry.query ?? '');
      return { status: 204, ...(r.stored ? { stored: r.stored } : {}), wrote: r.stored !== undefined };
    }
    case 'GET':
    case 'HEAD': {
      if (entry.history) throw notSupported('History inside a Bundle is not supported');
      if (entry.id !== undefined && entry.versionId !== undefined) {
        return {
          status: 200,
          stored: await vreadResource(deps, scope, entry.type, entry.id, entry.versionId),
          wrote: false,
        };
      }
      if (entry.id !== undefined) {
        return { status: 200, stored: await readResource(deps, scope, entry.type, entry.id), wrote: false };
      }
      const params = [...new URLSearchParams(entry.query ?? '').entries()];
      const body = await d.searcher.search(
        scope,
        { resourceType: entry.type, params, strict: false },
        `/${entry.type}`,
      );
      return { status: 200, body, wrote: false };
    }
  }
}
