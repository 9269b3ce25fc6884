import type { DeviceCheckResult } from '../../../server/src/modules/visits/checkin/device-check.js';
import type { Questionnaire } from '../../../server/src/modules/visits/checkin/fhir-types.js';
import type { IntakeAnswers } from '../../../server/src/modules/visits/checkin/intake.js';
import type { SatisfactionAnswers } from '../../../server/src/modules/visits/checkin/survey.js';
import type { GuestKind } from '../../../server/src/modules/visits/live/protocol.js';
import { ApiError, kindOfStatus, type Outcome } from './api-error.js';
import type { FhirClient } from './fhir-client.js';

/**
 * The visits module's JSON API (`/api/visits`, server/src/modules/visits/http/routes.ts) on the
 * signed-in user's FHIR client: the same token, renewal and error kinds as every other request.
 */

/**
 * A visit as its participants see it: the server's `visitSummary`
 * (server/src/modules/visits/http/summary.ts, which the app cannot import: it reaches the database
 * layer). Instants are ISO 8601.
 */
export interface VisitSummary {
  id: string;
  encounter: string;
  as: 'patient' | 'clinician';
  status: VisitStatus;
  appointmentId: string | null;
  serviceLine: string;
  visitTypeId: string | null;
  startsAt: string | null;
  checkInOpensAt: string | null;
  arrivedAt: string | null;
  admittedAt: string | null;
  endedAt: string | null;
  modality: string | null;
  lengthMinutes: number | null;
  checkedIn: boolean;
  hasNextSteps: boolean;
}

export type VisitStatus =
  'planned' | 'arrived' | 'in-progress' | 'finished' | 'cancelled' | 'entered-in-error';

/** One waiting patient of a clinician's waiting room (`GET /api/visits/queue`). */
export interface QueueEntry {
  visitId: string;
  queue: 'booked' | 'on-demand';
  serviceLine: string | null;
  patient: { id: string; name: string; birthDate: string | null };
  visitTypeId: string | null;
  startsAt: string | null;
  waitingSince: string;
  intakeDone: boolean;
  consented: boolean;
  /** The device test's verdict at check-in, null when none was run. */
  deviceCheck: 'ready' | 'audio-only' | 'not-ready' | null;
}

/** What `POST /join` and `POST /queue/watch` give: a short-lived ticket for the visit socket. */
export interface SocketTicket {
  ticket: string;
  socketPath: string;
}

export interface PhoneBridge {
  number: string;
  pin: string;
  expiresAt: string;
}

export interface CheckInRequest {
  birthDate: string;
  answers: IntakeAnswers;
  consent: boolean;
  deviceCheck: DeviceCheckResult;
}

/** A one-time link for someone to join the visit (`POST /api/visits/{id}/invites`). */
export interface Invitation {
  url: string;
  expiresAt: string;
  role: GuestKind;
}

/** What redeeming an invitation gives the guest: a ticket for the visit socket. */
export interface RedeemedInvitation extends SocketTicket {
  visitId: string;
  participantId: string;
  role: GuestKind;
  status: string;
}

const BASE = '/api/visits';
const id = (v: string) => encodeURIComponent(v);

export class Visits {
  constructor(private readonly fhir: FhirClient) {}

  /** Opens (or finds) the visit of a booked video appointment. */
  openForAppointment(appointmentId: string): Promise<VisitSummary> {
    return this.fhir.api(`${BASE}/appointments/${id(appointmentId)}`, { method: 'POST', body: {} });
  }

  get(visitId: string): Promise<VisitSummary> {
    return this.fhir.api(`${BASE}/${id(visitId)}`);
  }

  intake(visitId: string): Promise<Questionnaire> {
    return this.fhir.api(`${BASE}/${id(visitId)}/intake`);
  }

  checkIn(visitId: string, body: CheckInRequest): Promise<VisitSummary> {
    return this.fhir.api(`${BASE}/${id(visitId)}/check-in`, { method: 'POST', body });
  }

  join(visitId: string): Promise<SocketTicket & { participantId: string; role: string; status: string }> {
    return this.fhir.api(`${BASE}/${id(visitId)}/join`, { method: 'POST', body: {} });
  }

  queue(): Promise<QueueEntry[]> {
    return this.fhir.api(`${BASE}/queue`);
  }

  watchQueue(): Promise<SocketTicket> {
    return this.fhir.api(`${BASE}/queue/watch`, { method: 'POST', body: {} });
  }

  admit(visitId: string): Promise<VisitSummary> {
    return this.fhir.api(`${BASE}/${id(visitId)}/admit`, { method: 'POST', body: {} });
  }

  end(visitId: string, nextSteps: string): Promise<VisitSummary> {
    const text = nextSteps.trim();
    return this.fhir.api(`${BASE}/${id(visitId)}/end`, {
      method: 'POST',
      body: text ? { nextSteps: text } : {},
    });
  }

  async nextSteps(visitId: string): Promise<string | null> {
    const res = await this.fhir.api<{ text: string | null }>(`${BASE}/${id(visitId)}/next-steps`);
    return res.text;
  }

  survey(visitId: string, answers: SatisfactionAnswers): Promise<{ id: string }> {
    return this.fhir.api(`${BASE}/${id(visitId)}/survey`, { method: 'POST', body: answers });
  }

  /**
   * A one-time link for a caregiver, an interpreter or a second clinician. A 501 (no media server:
   * visits of more than two are not available) is an ApiError of status 501 (`noMediaServer`).
   */
  invite(visitId: string, role: GuestKind): Promise<Invitation> {
    return this.fhir.api(`${BASE}/${id(visitId)}/invites`, { method: 'POST', body: { role } });
  }

  /** The dial-in number and this visit's PIN; null when the service has no phone bridge (501). */
  async phoneBridge(visitId: string): Promise<PhoneBridge | null> {
    try {
      return await this.fhir.api<PhoneBridge>(`${BASE}/${id(visitId)}/phone-bridge`, {
        method: 'POST',
        body: {},
      });
    } catch (err) {
      if (err instanceof ApiError && err.status === 501) return null;
      throw err;
    }
  }
}

/** The visit socket's URL on this origin (`ws:` beside `http:`, `wss:` beside `https:`). */
export function socketUrl(path: string, loc: Pick<Location, 'protocol' | 'host'> = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${path}`;
}

/** Whether a survey answer was refused because this side already answered (409 `duplicate`). */
export function alreadyAnswered(err: unknown): boolean {
  return (
    err instanceof ApiError &&
    err.status === 409 &&
    (err.outcome?.issue ?? []).some((i) => i.code === 'duplicate')
  );
}

/** Whether a refusal says the service has no media server for visits of more than two (501). */
export function noMediaServer(err: unknown): boolean {
  return err instanceof ApiError && err.status === 501;
}

/**
 * Uses an invitation's token (`POST /api/visits/invites/redeem`, public: the guest has no account and
 * the token is the credential). Once only: a used, expired or unknown link is a 404 (`not-found`).
 */
export async function redeemInvitation(
  token: string,
  fetchImpl: typeof fetch = (...a) => fetch(...a),
): Promise<RedeemedInvitation> {
  let res: Response;
  try {
    res = await fetchImpl(`${BASE}/invites/redeem`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('network');
  }
  if (!res.ok) {
    const outcome = (await res.json().catch(() => undefined)) as Outcome | undefined;
    throw new ApiError(kindOfStatus(res.status), res.status, outcome);
  }
  return (await res.json()) as RedeemedInvitation;
}
