import type { MessageKey } from '../../i18n/en.js';
import { en } from '../../i18n/en.js';
import type { Modality, VisitType } from '../../api/scheduling.js';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** A service line's name: the app's own words for the ones it knows, else its code made readable. */
export function serviceLineName(t: T, code: string): string {
  const key = `serviceLine.${code}`;
  if (key in en) return t(key as MessageKey);
  const words = code.replace(/[-_]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function modalityName(t: T, m: Modality | string | undefined): string {
  const key = `modality.${m ?? ''}`;
  return key in en ? t(key as MessageKey) : t('modality.other');
}

export function statusName(t: T, status: string | undefined): string {
  const key = `apptStatus.${status ?? ''}`;
  return key in en ? t(key as MessageKey) : t('apptStatus.other');
}

/** What a visit type is, in a line: length, ways to meet, group size, who it is for. */
export function visitTypeDetails(t: T, vt: VisitType): string {
  const parts = [
    t('book.minutes', { minutes: vt.durationMin }),
    vt.modalities.map((m) => modalityName(t, m)).join(', '),
  ];
  if (vt.groupCapacity > 1) parts.push(t('book.groupOf', { seats: vt.groupCapacity }));
  if (vt.patientKind === 'new') parts.push(t('book.forNew'));
  if (vt.patientKind === 'established') parts.push(t('book.forEstablished'));
  return parts.join(' · ');
}

/** A language's name in the user's language ("Spanish", "español"); the code if unknown. */
export function languageName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
