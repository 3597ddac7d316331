import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const api = process.env.TESTWEB_API ?? 'http://localhost:3001';

/**
 * The dashboard: `npm run build:web` writes web/dist, which the API serves at `/`; `npm run dev` serves
 * it from Vite with hot reload and sends API, WebSocket, docs and health requests to the API at
 * TESTWEB_API (http://localhost:3001).
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': api,
      '/docs': api,
      '/health': api,
      '/ws': { target: api.replace(/^http/, 'ws'), ws: true },
    },
  },
});
