import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `sagaflow serve` serves dist/ and /trpc on one port; in dev, Vite proxies /trpc to a local server.
export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    proxy: { "/trpc": { target: "http://127.0.0.1:3000", changeOrigin: false } },
  },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 4000 },
});
