/** English for the video visit: waiting room, call, queue, end of visit. */
export const visitsEn = {
  'visit.title': 'Video visit',
} as const;
