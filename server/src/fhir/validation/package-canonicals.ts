import { listPackageFiles, readPackageJson } from '../definitions/index.js';

export type CanonicalKind = 'ValueSet' | 'CodeSystem';

interface CanonicalResource {
  url?: string;
}

/** `http://hl7.org/fhir/ValueSet/x|4.0.1` → `http://hl7.org/fhir/ValueSet/x`. */
export function stripVersion(canonical: string): string {
  const bar = canonical.indexOf('|');
  return bar < 0 ? canonical : canonical.slice(0, bar);
}

const fileNames = new Map<CanonicalKind, Set<string>>();
const fullIndex = new Map<CanonicalKind, Map<string, string>>();

function filesOf(kind: CanonicalKind): Set<string> {
  let names = fileNames.get(kind);
  if (!names) {
    names = new Set(listPackageFiles(`${kind}-`));
    fileNames.set(kind, names);
  }
  return names;
}

/** Reads every file of the kind once; only needed when a canonical's last segment is not its file id. */
function indexOf(kind: CanonicalKind): Map<string, string> {
  let index = fullIndex.get(kind);
  if (!index) {
    index = new Map();
    for (const file of filesOf(kind)) {
      const url = readPackageJson<CanonicalResource>(file).url;
      if (url) index.set(url, file);
    }
    fullIndex.set(kind, index);
  }
  return index;
}

/**
 * The package's ValueSet or CodeSystem with this canonical URL (version ignored), read lazily. Files are
 * named `<Kind>-<id>.json` and the id is usually the URL's last segment or one of `idHints`, so those are
 * tried before falling back to indexing every file of the kind.
 */
export function findCanonical<T extends CanonicalResource>(
  kind: CanonicalKind,
  canonical: string,
  idHints: readonly string[] = [],
): T | undefined {
  const url = stripVersion(canonical);
  const names = filesOf(kind);
  for (const id of [url.slice(url.lastIndexOf('/') + 1), ...idHints]) {
    const file = `${kind}-${id}.json`;
    if (!names.has(file)) continue;
    const resource = readPackageJson<T>(file);
    if (resource.url === url) return resource;
  }
  const file = indexOf(kind).get(url);
  return file === undefined ? undefined : readPackageJson<T>(file);
}
