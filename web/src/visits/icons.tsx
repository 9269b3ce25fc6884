/**
 * The call controls' icons: simple strokes at 20 px, always beside a visible caption (the button's
 * name), so they are hidden from assistive technology.
 */
type IconName = 'mic' | 'mic-off' | 'camera' | 'camera-off' | 'screen' | 'audio' | 'end' | 'leave' | 'send';

const PATHS: Record<IconName, string[]> = {
  mic: ['M12 3a3 3 0 0 1 3 3v6a3 3 0 0 1-6 0V6a3 3 0 0 1 3-3z', 'M5 11a7 7 0 0 0 14 0', 'M12 18v3'],
  'mic-off': [
    'M9 9v3a3 3 0 0 0 5.1 2.1',
    'M15 10V6a3 3 0 0 0-5.7-1.3',
    'M5 11a7 7 0 0 0 11.6 5.3',
    'M12 18v3',
    'M3 3l18 18',
  ],
  camera: ['M3 7h12v10H3z', 'M15 10l6-3v10l-6-3'],
  'camera-off': ['M3 7h12v10H3z', 'M15 10l6-3v10l-6-3', 'M2 3l20 18'],
  screen: ['M3 4h18v12H3z', 'M8 20h8', 'M12 16v4', 'M12 13V7', 'M9 10l3-3 3 3'],
  audio: ['M4 14v-2a8 8 0 0 1 16 0v2', 'M4 14h3v6H4z', 'M17 14h3v6h-3z'],
  end: ['M3 15c5-5 13-5 18 0l-2 3-4-1v-3a9 9 0 0 0-6 0v3l-4 1z'],
  leave: ['M10 4H5v16h5', 'M14 8l4 4-4 4', 'M18 12H9'],
  send: ['M3 11l18-8-8 18-2-8z'],
};

export function Icon({ name }: { name: IconName }) {
  return (
    <svg
      width="20"
      height="20"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}
