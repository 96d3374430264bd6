/**
 * The supplier back office (管理后台): a Vite + React 18 single-page app served at /admin/ by the
 * local runtime (and from Cloudbase static hosting). `npm run build:admin` → admin/dist.
 * `@dinghuo/shared` resolves to shared/src, so the app uses the same schemas and rules as the
 * functions (no business rule is written twice).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/admin/',
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^@dinghuo\/shared$/, replacement: path.resolve(here, '../shared/src/index.ts') },
      { find: /^@dinghuo\/shared\/(.*)$/, replacement: path.resolve(here, '../shared/src/$1') },
    ],
  },
  // `npm run dev:admin`: the functions and files come from a running local runtime (npm start)
  server: {
    proxy: {
      '/api': process.env.DINGHUO_API ?? 'http://127.0.0.1:8787',
      '/files': process.env.DINGHUO_API ?? 'http://127.0.0.1:8787',
    },
  },
  define: {
    // Set at build time for a Cloudbase deployment (see README: 管理后台); empty locally.
    __CLOUD_ENV__: JSON.stringify(process.env.DINGHUO_ADMIN_CLOUD_ENV ?? ''),
  },
  build: {
    outDir: path.resolve(here, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    sourcemap: process.env.DINGHUO_ADMIN_SOURCEMAP === '1',
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts';
          if (id.includes('node_modules/react') || id.includes('node_modules/scheduler')) return 'react';
          return undefined;
        },
      },
    },
  },
});
