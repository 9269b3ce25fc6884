import { loadSearchParams } from './search-parameters.js';
import { loadTypeDefs } from './structure-definitions.js';
import type { ElementDef, SearchParamDef, TypeDef } from './types.js';

export type * from './types.js';
export { R4_PACKAGE_DIR, listPackageFiles, readPackageJson } from './package-files.js';
export { splitUnion, expressionFor } from './search-parameters.js';

/** The R4 definitions OpenVisit serves: types, elements and search parameters, read from the official package. */
export class Definitions {
  readonly types: Map<string, TypeDef>;
  /** Concrete (non-abstract) resource types, sorted. */
  readonly resourceTypes: string[];
  private readonly resourceTypeSet: Set<string>;
  /** Search parameters by resource type, then by code. */
  readonly searchParams: Map<string, Map<string, SearchParamDef>>;
  private readonly byUrl = new Map<string, SearchParamDef>();

  constructor() {
    this.types = loadTypeDefs();
    this.resourceTypes = [...this.types.values()]
      .filter((t) => t.kind === 'resource' && !t.abstract)
      .map((t) => t.name)
      .sort();
    this.resourceTypeSet = new Set(this.resourceTypes);
    const domain = new Set(this.resourceTypes.filter((t) => this.isA(t, 'DomainResource')));
    this.searchParams = loadSearchParams(this.resourceTypes, domain);
    for (const params of this.searchParams.values())
      for (const p of params.values()) this.byUrl.set(p.url, p);
  }

  isResourceType(name: string): boolean {
    return this.resourceTypeSet.has(name);
  }

  type(name: string): TypeDef | undefined {
    return this.types.get(name);
  }

  /** True when `type` is `ancestor` or derives from it (Patient isA DomainResource isA Resource). */
  isA(type: string, ancestor: string): boolean {
    for (let t: string | undefined = type; t; t = this.types.get(t)?.base) if (t === ancestor) return true;
    return false;
  }

  /**
   * The direct child elements at `path` of `typeName` (`path` = `typeName` for the root), following
   * contentReference for recursive elements. Undefined when the path is unknown.
   */
  childrenOf(typeName: string, path: string): ElementDef[] | undefined {
    const type = this.types.get(typeName);
    if (!type) return undefined;
    const el = type.elements.get(path);
    const target = el?.contentReference ?? path;
    return type.children.get(target);
  }

  searchParam(resourceType: string, code: string): SearchParamDef | undefined {
    return this.searchParams.get(resourceType)?.get(code);
  }

  searchParamByUrl(url: string): SearchParamDef | undefined {
    return this.byUrl.get(url);
  }
}

let shared: Definitions | undefined;

/** The process-wide definitions, loaded once (about a second: several hundred files are read). */
export function definitions(): Definitions {
  shared ??= new Definitions();
  return shared;
}
