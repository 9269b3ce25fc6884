import crypto from 'node:crypto';
import type { BridgeVisit, PhoneBridge, PinStore, TelephonyProvider } from './provider.js';

const E164 = /^\+[1-9][0-9]{6,14}$/;
const PIN = /^[0-9]{9}$/;
/** A bridge PIN lives as long as a visit reasonably can. */
const PIN_TTL_MS = 4 * 3_600_000;

export function pinHash(pin: string): Buffer {
  return crypto.createHash('sha256').update(pin).digest();
}

/**
 * A conference bridge reached at one configured number (`PHONE_BRIDGE_NUMBER`). Each visit gets a
 * random 9-digit PIN, kept only by its hash; the gateway in front of the bridge asks which visit a
 * typed PIN opens (`POST /api/visits/phone-bridge/resolve`, with `PHONE_BRIDGE_SECRET`). Nine
 * random digits: a gateway that hangs up after three wrong tries gives a guesser odds of 3 in 10⁹.
 */
export class DialInBridge implements TelephonyProvider {
  readonly name = 'dial-in';

  constructor(
    private readonly number: string,
    private readonly pins: PinStore,
  ) {
    if (!E164.test(number))
      throw new Error('PHONE_BRIDGE_NUMBER must be an E.164 number such as +15551234567');
  }

  async bridgeFor(visit: BridgeVisit, now: number): Promise<PhoneBridge> {
    const pin = String(crypto.randomInt(0, 1e9)).padStart(9, '0');
    const expiresAt = now + PIN_TTL_MS;
    await this.pins.save(visit, pinHash(pin), expiresAt);
    return { number: this.number, pin, expiresAt };
  }

  async resolvePin(pin: string, now: number): Promise<BridgeVisit | null> {
    if (!PIN.test(pin)) return null;
    return this.pins.find(pinHash(pin), now);
  }
}

/** No phone bridge: the app says so instead of offering one. */
export const NO_PHONE_BRIDGE: TelephonyProvider = {
  name: 'none',
  bridgeFor: () => Promise.resolve(null),
  resolvePin: () => Promise.resolve(null),
};

export function telephonyFromEnv(env: NodeJS.ProcessEnv, pins: PinStore): TelephonyProvider {
  const number = env.PHONE_BRIDGE_NUMBER?.trim();
  return number ? new DialInBridge(number, pins) : NO_PHONE_BRIDGE;
}
