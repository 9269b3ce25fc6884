const KEY = 'openvisit.recent-patients';
const MAX = 8;

/**
 * Charts this tab opened, newest first: ids only, in session storage (gone with the tab); names are
 * read again through the API, so nothing about the patient is kept in the browser.
 */
export function recentPatients(storage: Storage = sessionStorage): string[] {
  try {
    const list = JSON.parse(storage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string').slice(0, MAX) : [];
  } catch {
    return [];
  }
}

export function rememberPatient(id: string, storage: Storage = sessionStorage): void {
  const list = [id, ...recentPatients(storage).filter((x) => x !== id)].slice(0, MAX);
  storage.setItem(KEY, JSON.stringify(list));
}
