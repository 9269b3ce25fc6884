/** What a notice is about. */
export type NoticeKind = 'confirmation' | 'reminder' | 'changed' | 'cancelled' | 'waitlist-offer';

/** How it reaches the patient. */
export type Channel = 'email' | 'sms';

/** What became of one send attempt: the only label values of the notice metrics. */
export type NoticeOutcome = 'sent' | 'skipped' | 'failed' | 'retry';

export interface NoticeEvent {
  kind: NoticeKind;
  channel: Channel;
  outcome: NoticeOutcome;
}

export const CHANNELS: readonly Channel[] = ['email', 'sms'];
export const OUTCOMES: readonly NoticeOutcome[] = ['sent', 'skipped', 'failed', 'retry'];
export const KINDS: readonly NoticeKind[] = [
  'confirmation',
  'reminder',
  'changed',
  'cancelled',
  'waitlist-offer',
];
