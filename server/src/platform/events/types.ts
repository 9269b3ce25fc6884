/** An event as it leaves the outbox. Payloads name what changed, never PHI. */
export interface BusEvent {
  eventId: string;
  tenantId: number;
  /** Stream of concern: `clinical`, `visits`, `scheduling`, `billing`, `devices`, `audit`. */
  topic: string;
  /** e.g. `fhir.resource.changed` */
  type: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

export type EventHandler = (event: BusEvent) => void | Promise<void>;

/** Delivers published events to subscribers of a topic (in-process by default, NATS later). */
export interface EventBus {
  subscribe(topic: string, handler: EventHandler): () => void;
  publish(event: BusEvent): Promise<void>;
  close(): Promise<void>;
}

/** Payload of `fhir.resource.changed` on topic `clinical`. */
export interface ResourceChangedPayload {
  resourceType: string;
  id: string;
  versionId: string;
  action: 'create' | 'update' | 'delete';
}
