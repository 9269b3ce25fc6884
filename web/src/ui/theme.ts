import { createTheme, type CSSVariablesResolver } from '@mantine/core';

// Mantine's blue 6 on white is below 4.5:1 for small text; 8 passes WCAG AA.
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  // People who ask their system for less motion get no transitions.
  respectReducedMotion: true,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
});

// Mantine's "dimmed" text (gray 6, 3.3:1 on white) and error text (red 6, 3.3:1) fail WCAG AA
// contrast; gray 7 is 7.5:1 and red 9 is 5.1:1. (Control borders: app.css.)
export const cssVariables: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': t.colors.gray[7] ?? '#495057',
    '--mantine-color-error': t.colors.red[9] ?? '#c92a2a',
  },
  dark: {},
});
