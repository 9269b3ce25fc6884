const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local date (`YYYY-MM-DD`) of an instant in a zone, and the Monday of its ISO week. */
export function localDayAndWeek(ms: number, timeZone: string): { day: string; week: string } {
  const day = formatter(timeZone).format(ms);
  const d = new Date(`${day}T00:00:00Z`);
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  const week = new Date(d.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
  return { day, week };
}
