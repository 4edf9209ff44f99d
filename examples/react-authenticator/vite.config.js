// Vite config for the example. The app reads its config at run time (src/config.js): the built
// files work for any pool as long as amplify_outputs.json (and optionally cognate.json) sit next
// to index.html. For `npm run dev` / `npm run preview` the small plugin below serves both from
// the repository's sandbox, so nothing has to be copied:
//   /amplify_outputs.json  <- $AMPLIFY_OUTPUTS, default ../../amplify_outputs.json (where
//                             `make sandbox` writes it, re-read on every request)
//   /cognate.json          <- {"endpoint": $COGNATE_ENDPOINT}, default http://127.0.0.1:9339
// A file of the same name in public/ wins over the plugin.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function cognateRuntimeConfig() {
  const outputsFile = path.resolve(here, process.env.AMPLIFY_OUTPUTS ?? '../../amplify_outputs.json');
  const endpoint = process.env.COGNATE_ENDPOINT ?? 'http://127.0.0.1:9339';
  const middleware = (req, res, next) => {
    const url = (req.url ?? '').split('?')[0];
    if (url === '/amplify_outputs.json' && !fs.existsSync(path.join(here, 'public/amplify_outputs.json'))) {
      let body;
      try {
        body = fs.readFileSync(outputsFile);
      } catch {
        res.statusCode = 404;
        res.end(`${outputsFile} not found: start the sandbox (make sandbox) or set AMPLIFY_OUTPUTS`);
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'no-store');
      res.end(body);
      return;
    }
    if (url === '/cognate.json' && !fs.existsSync(path.join(here, 'public/cognate.json'))) {
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'no-store');
      res.end(JSON.stringify({ endpoint }));
      return;
    }
    next();
  };
  return {
    name: 'cognate-runtime-config',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}

export default defineConfig({
  // Relative asset URLs: dist/ can be served from any path.
  base: './',
  plugins: [react(), cognateRuntimeConfig()],
  build: {
    // aws-amplify + the Authenticator make one ~1 MB chunk; that is expected for this example.
    chunkSizeWarningLimit: 2000,
  },
});
