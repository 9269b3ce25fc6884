import type { visitsEn } from './visits.en.js';

export const visitsEs: Record<keyof typeof visitsEn, string> = {
  'visit.title': 'Consulta por video',
};
