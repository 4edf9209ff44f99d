// A tiny static file server on 127.0.0.1:0 for the built example: serves `root` plus extra
// in-memory or on-disk files (e.g. /amplify_outputs.json from the sandbox). GET/HEAD only.
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * `extra` maps a URL path to a file path (read on every request) or to a function returning
 * the body. Resolves to { url, requests: [paths served], close() }.
 */
export async function startStaticServer(root, extra = {}) {
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    try {
      let body;
      let file = pathname;
      if (Object.hasOwn(extra, pathname)) {
        const source = extra[pathname];
        body = typeof source === 'function' ? await source() : await fs.readFile(source);
      } else {
        if (pathname.endsWith('/')) {
          file = `${pathname}index.html`;
        }
        const full = path.join(root, path.normalize(file));
        if (!full.startsWith(path.resolve(root) + path.sep)) {
          res.writeHead(403).end();
          return;
        }
        body = await fs.readFile(full);
      }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      res.writeHead(e.code === 'ENOENT' || e.code === 'EISDIR' ? 404 : 500).end(String(e.message));
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
