import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { MessageKey } from './en.js';
import { LOCALES, preferredLocale, translate, type Locale } from './translate.js';

const LOCALE_KEY = 'openvisit.locale';
const ZONE_KEY = 'openvisit.time-zone';

interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  /** The IANA time zone dates and times are shown in: the one picked in the profile, else the browser's. */
  timeZone: string;
  setTimeZone(zone: string): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLocale(): Locale {
  const saved = localStorage.getItem(LOCALE_KEY);
  if (saved && saved in LOCALES) return saved as Locale;
  return preferredLocale(navigator.languages);
}

/** The user's language (picked, else the browser's) and time zone, for every string and date. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const [timeZone, setZoneState] = useState<string>(
    () => localStorage.getItem(ZONE_KEY) ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
  );
  const setTimeZone = useCallback((zone: string) => {
    localStorage.setItem(ZONE_KEY, zone);
    setZoneState(zone);
  }, []);
  const setLocale = useCallback((next: Locale) => {
    localStorage.setItem(LOCALE_KEY, next);
    document.documentElement.lang = next;
    setLocaleState(next);
  }, []);
  document.documentElement.lang = locale;
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale,
      timeZone,
      setTimeZone,
      t: (key, vars) => translate(locale, key, vars),
    }),
    [locale, setLocale, timeZone, setTimeZone],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
