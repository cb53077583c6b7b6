import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The React app: built into dist/web, which the console server (src/server) serves.
export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: { outDir: '../../dist/web', emptyOutDir: true },
  logLevel: 'warn',
});
