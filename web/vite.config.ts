import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by OpenVisit itself under /app/ (server/src/web): one origin for the app, the API and sign-in.
export default defineConfig({
  base: '/app/',
  plugins: [react()],
  // One React: the workspace root holds an older one (a test tool's dependency), which libraries
  // hoisted there would otherwise pick up.
  resolve: { dedupe: ['react', 'react-dom', 'react/jsx-runtime'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // Hashed file names: the server caches them for a year; index.html is never cached.
    assetsDir: 'assets',
  },
});
