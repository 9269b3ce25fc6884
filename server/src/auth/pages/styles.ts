/**
 * The one stylesheet of the sign-in pages, served by the caller at `assets.stylesheetUrl` (the
 * Content-Security-Policy forbids inline styles). Every colour comes from `palette`, and
 * `contrastPairs` lists each foreground/background combination the sheet uses, so the tests can
 * hold each one to WCAG 2.1 AA (4.5:1 for text, 3:1 for borders and focus indicators).
 */

export const palette = {
  text: '#1b1b1f',
  muted: '#4a4f57',
  page: '#f3f4f6',
  surface: '#ffffff',
  divider: '#d1d5db',
  border: '#5f6672',
  primary: '#1d4ed8',
  primaryHover: '#1e3a8a',
  onPrimary: '#ffffff',
  error: '#b42318',
  errorSurface: '#fef3f2',
  focus: '#0b0c0c',
} as const;

export type PaletteColour = keyof typeof palette;

export interface ContrastPair {
  foreground: PaletteColour;
  background: PaletteColour;
  /** 4.5 for text, 3 for user-interface components (borders, focus outline). */
  minimum: 4.5 | 3;
  use: string;
}

export const contrastPairs: readonly ContrastPair[] = [
  { foreground: 'text', background: 'page', minimum: 4.5, use: 'header text' },
  { foreground: 'primary', background: 'page', minimum: 4.5, use: 'language links' },
  { foreground: 'text', background: 'surface', minimum: 4.5, use: 'body text' },
  { foreground: 'muted', background: 'surface', minimum: 4.5, use: 'hints, birth dates' },
  { foreground: 'primary', background: 'surface', minimum: 4.5, use: 'links, secondary button' },
  { foreground: 'primary', background: 'page', minimum: 4.5, use: 'secondary button, hovered' },
  { foreground: 'onPrimary', background: 'primary', minimum: 4.5, use: 'primary button' },
  { foreground: 'onPrimary', background: 'primaryHover', minimum: 4.5, use: 'primary button, hovered' },
  { foreground: 'text', background: 'errorSurface', minimum: 4.5, use: 'error message' },
  { foreground: 'error', background: 'errorSurface', minimum: 3, use: 'error message border' },
  { foreground: 'error', background: 'surface', minimum: 3, use: 'invalid field border' },
  { foreground: 'text', background: 'page', minimum: 4.5, use: 'setup key' },
  { foreground: 'border', background: 'surface', minimum: 3, use: 'field and radio borders' },
  { foreground: 'focus', background: 'surface', minimum: 3, use: 'focus outline' },
  { foreground: 'focus', background: 'page', minimum: 3, use: 'focus outline on the page background' },
  { foreground: 'primary', background: 'surface', minimum: 3, use: 'secondary button border, radios' },
];

const c = palette;

export const STYLESHEET = `*,
*::before,
*::after {
  box-sizing: border-box;
}
html {
  color-scheme: light;
  -webkit-text-size-adjust: 100%;
  text-size-adjust: 100%;
}
body {
  margin: 0;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif;
  font-size: 1.125rem;
  line-height: 1.5;
  color: ${c.text};
  background: ${c.page};
  overflow-wrap: anywhere;
}
.site-header {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  justify-content: space-between;
  gap: 0.5rem 1rem;
  max-width: 34rem;
  margin: 0 auto;
  padding: 1rem;
}
.brand {
  margin: 0;
  font-weight: 700;
}
.lang ul {
  display: flex;
  flex-wrap: wrap;
  gap: 0.25rem 1rem;
  margin: 0;
  padding: 0;
  list-style: none;
}
.lang a {
  display: inline-block;
  padding: 0.25rem 0;
}
.lang a[aria-current] {
  font-weight: 700;
  text-decoration: none;
}
main {
  max-width: 34rem;
  margin: 0 auto 2rem;
  padding: 1.5rem 1rem;
  background: ${c.surface};
}
@media (min-width: 36rem) {
  main {
    border: 1px solid ${c.divider};
    border-radius: 0.5rem;
    padding: 2rem;
  }
}
h1 {
  margin: 0 0 1rem;
  font-size: 1.75rem;
  line-height: 1.25;
}
h2 {
  margin: 2rem 0 0.75rem;
  font-size: 1.25rem;
  line-height: 1.3;
}
p {
  margin: 0 0 1rem;
}
a {
  color: ${c.primary};
  text-underline-offset: 0.15em;
}
a:hover {
  text-decoration-thickness: 0.15em;
}
:focus-visible {
  outline: 3px solid ${c.focus};
  outline-offset: 3px;
}
.field {
  margin: 0 0 1.25rem;
}
label,
legend {
  display: block;
  margin: 0 0 0.25rem;
  font-weight: 600;
}
.hint {
  margin: 0 0 0.5rem;
  color: ${c.muted};
}
input[type='text'],
input[type='password'],
input[type='search'] {
  display: block;
  width: 100%;
  min-height: 2.75rem;
  padding: 0.5rem 0.75rem;
  font: inherit;
  color: ${c.text};
  background: ${c.surface};
  border: 2px solid ${c.border};
  border-radius: 0.25rem;
}
input.code {
  max-width: 11rem;
  letter-spacing: 0.2em;
  font-variant-numeric: tabular-nums;
}
input[aria-invalid='true'] {
  border: 3px solid ${c.error};
}
input:focus-visible {
  outline-offset: 2px;
}
.alert {
  margin: 0 0 1.5rem;
  padding: 0.75rem 1rem;
  color: ${c.text};
  background: ${c.errorSurface};
  border-left: 5px solid ${c.error};
  font-weight: 600;
}
.alert p {
  margin: 0;
}
.alert p + p {
  margin-top: 0.5rem;
}
.actions {
  display: flex;
  flex-wrap: wrap;
  gap: 0.75rem;
  margin: 1.5rem 0 0;
}
.actions form {
  margin: 0;
}
.button {
  display: inline-block;
  min-height: 2.75rem;
  padding: 0.5rem 1.25rem;
  font: inherit;
  font-weight: 600;
  line-height: 1.5;
  text-align: center;
  text-decoration: none;
  border: 2px solid transparent;
  border-radius: 0.25rem;
  cursor: pointer;
}
.button-primary {
  color: ${c.onPrimary};
  background: ${c.primary};
}
.button-primary:hover {
  background: ${c.primaryHover};
}
.button-secondary {
  color: ${c.primary};
  background: ${c.surface};
  border-color: ${c.primary};
}
.button-secondary:hover {
  background: ${c.page};
}
@media (max-width: 24rem) {
  .actions form,
  .button {
    width: 100%;
  }
}
.secret {
  margin: 0 0 1.25rem;
}
.secret figcaption {
  font-weight: 600;
}
.secret code {
  display: inline-block;
  padding: 0.5rem 0.75rem;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace;
  font-size: 1.25rem;
  word-spacing: 0.4em;
  color: ${c.text};
  background: ${c.page};
  border: 1px solid ${c.divider};
  border-radius: 0.25rem;
}
.qr {
  margin: 0 0 1.25rem;
}
.qr svg {
  display: block;
  width: 12rem;
  max-width: 100%;
  height: auto;
  background: ${c.surface};
}
.scopes {
  margin: 0 0 1.25rem;
  padding-left: 1.25rem;
}
.scopes li {
  margin: 0 0 0.5rem;
}
fieldset {
  min-width: 0;
  margin: 0 0 1.25rem;
  padding: 0;
  border: 0;
}
legend {
  padding: 0;
  margin-bottom: 0.5rem;
}
.choices {
  margin: 0;
  padding: 0;
  list-style: none;
}
.choice {
  display: flex;
  align-items: flex-start;
  gap: 0.75rem;
  padding: 0.5rem 0;
  border-top: 1px solid ${c.divider};
}
.choice input {
  flex: none;
  width: 1.5rem;
  height: 1.5rem;
  margin: 0.125rem 0 0;
  accent-color: ${c.primary};
}
.choice label {
  margin: 0;
  font-weight: 400;
}
.choice .name {
  display: block;
  font-weight: 600;
}
.meta {
  display: block;
  color: ${c.muted};
}
.reference code {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace;
}
`;
