import type { Definitions } from '../../fhir/definitions/index.js';
import { createFhirDeps } from '../../fhir/rest/deps-factory.js';
import type { SearchParamRegistry } from '../../fhir/storage/search-param-registry.js';
import type { Database } from '../../platform/db/pool.js';
import type { BookingServices, NoticeQueue, SchedulingCounters } from './booking/services.js';
import { SchedulingConfig } from './config/store.js';

export interface SchedulingServicesOptions {
  db: Database;
  defs: Definitions;
  registry: SearchParamRegistry;
  fhirBaseUrl: string;
  onCommitted: () => void;
  notices?: NoticeQueue;
  counters?: SchedulingCounters;
  now?: () => number;
}

/**
 * The booking code's dependencies: it writes Appointments through the FHIR layer itself (in its own
 * transactions), with the dependencies built as the REST plugin builds them.
 */
export async function schedulingServices(o: SchedulingServicesOptions): Promise<BookingServices> {
  const { deps: fhir } = await createFhirDeps({
    db: o.db,
    defs: o.defs,
    registry: o.registry,
    fhirBaseUrl: o.fhirBaseUrl,
  });
  return {
    db: o.db,
    fhir,
    config: new SchedulingConfig(),
    now: o.now ?? Date.now,
    onCommitted: o.onCommitted,
    ...(o.notices ? { notices: o.notices } : {}),
    ...(o.counters ? { counters: o.counters } : {}),
  };
}
