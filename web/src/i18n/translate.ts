import { en, type MessageKey, type Messages } from './en.js';
import { es } from './es.js';

export const LOCALES = { en: 'English', es: 'Español' } as const;
export type Locale = keyof typeof LOCALES;

export const CATALOGS: Record<Locale, Messages> = { en, es };

/** The message `key` in `locale` with `{name}` placeholders filled; English if a key were missing. */
export function translate(
  locale: Locale,
  key: MessageKey,
  vars: Record<string, string | number> = {},
): string {
  const text = CATALOGS[locale][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The first of the browser's languages that the app speaks, else English. */
export function preferredLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'en' || base === 'es') return base;
  }
  return 'en';
}
