import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AppFile {
  contentType: string;
  body: string | Buffer;
}

export interface AppServer {
  /** `http://127.0.0.1:PORT`: another origin than the OpenVisit server's. */
  origin: string;
  /** What it serves, by path; may be filled in after the start (once the origin is known). */
  files: Record<string, AppFile>;
  /** Every request the browser made, in order. */
  requests: URL[];
  close(): Promise<void>;
}

/**
 * A stand-in for a third-party web app: a loopback HTTP server that serves fixed files by path
 * (query strings ignored) and answers anything else with 404.
 */
export async function startAppServer(files: Record<string, AppFile> = {}): Promise<AppServer> {
  const requests: URL[] = [];
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    requests.push(url);
    const file = req.method === 'GET' ? files[url.pathname] : undefined;
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    files,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
