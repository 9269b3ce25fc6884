/** A phone number and PIN that put a caller into a visit's audio, when the network cannot carry it. */
export interface PhoneBridge {
  /** E.164, to dial. */
  number: string;
  /** Digits the caller types; only for this visit. */
  pin: string;
  /** After this the PIN opens nothing (epoch ms). */
  expiresAt: number;
}

export interface BridgeVisit {
  tenantId: number;
  visitId: string;
}

/** Where PINs are kept, by hash, so that any node can say which visit a PIN opens. */
export interface PinStore {
  save(visit: BridgeVisit, pinHash: Buffer, expiresAt: number): Promise<void>;
  find(pinHash: Buffer, now: number): Promise<BridgeVisit | null>;
}

/**
 * The telephony side of the phone bridge. A provider gives a visit a dial-in number and PIN, and
 * says which visit a PIN typed on the line opens. Carriers (SIP trunks, a PSTN gateway, a
 * commercial voice API) implement it; `dial-in.ts` is the one built in.
 */
export interface TelephonyProvider {
  readonly name: string;
  /** Null when no bridge is configured. A new PIN replaces the visit's previous one. */
  bridgeFor(visit: BridgeVisit, now: number): Promise<PhoneBridge | null>;
  /** The visit a PIN opens now, or null (wrong, expired, or no bridge configured). */
  resolvePin(pin: string, now: number): Promise<BridgeVisit | null>;
}
