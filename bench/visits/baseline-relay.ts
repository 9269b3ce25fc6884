/**
 * The baseline: a bare `ws` relay in its own process. Sockets come in pairs (`?pair=<key>&side=0|1`)
 * and every text frame is forwarded as it is to the other socket of the pair: no authentication, no
 * parsing, no bus, no database. The same `ws` settings and heartbeat as OpenVisit's visit sockets (no
 * compression, 64 KiB frames, no client tracking; each socket pinged every 25 s, the sockets in 25
 * slices, one a second). Prints `listening <port>` when ready; stops on SIGTERM. `GET /memory` gives
 * its heap, for the memory per socket.
 */
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const HEARTBEAT_MS = 25_000;
const HEARTBEAT_SLICES = 25;

const pairs = new Map<string, [WebSocket | null, WebSocket | null]>();
const alive = new WeakMap<WebSocket, boolean>();
/** Each socket with its heartbeat slice. */
const sockets = new Map<WebSocket, number>();
let nextSlice = 0;

// `GET /memory`: the process's memory, as the bench reads the node's from its /metrics.
const server = http.createServer((req, res) => {
  if (req.url !== '/memory') return res.writeHead(404).end();
  const m = process.memoryUsage();
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed }));
});
const wss = new WebSocketServer({
  server,
  maxPayload: 64 * 1024,
  perMessageDeflate: false,
  clientTracking: false,
});

wss.on('connection', (ws, req) => {
  const url = new URL(req.url ?? '/', 'http://relay');
  const key = url.searchParams.get('pair') ?? '';
  const side = url.searchParams.get('side') === '1' ? 1 : 0;
  let pair = pairs.get(key);
  if (!pair) {
    pair = [null, null];
    pairs.set(key, pair);
  }
  pair[side] = ws;
  sockets.set(ws, nextSlice++ % HEARTBEAT_SLICES);
  alive.set(ws, true);
  const slot = pair;
  ws.on('pong', () => alive.set(ws, true));
  ws.on('message', (data, isBinary) => {
    const peer = slot[side === 0 ? 1 : 0];
    if (peer && peer.readyState === peer.OPEN) peer.send(data, { binary: isBinary });
  });
  ws.on('error', () => undefined);
  ws.on('close', () => {
    sockets.delete(ws);
    if (slot[side] === ws) slot[side] = null;
    if (!slot[0] && !slot[1]) pairs.delete(key);
  });
});

let slice = 0;
const heartbeat = setInterval(() => {
  slice = (slice + 1) % HEARTBEAT_SLICES;
  for (const [ws, own] of sockets) {
    if (own !== slice) continue;
    if (!alive.get(ws)) {
      ws.terminate();
      continue;
    }
    alive.set(ws, false);
    ws.ping();
  }
}, HEARTBEAT_MS / HEARTBEAT_SLICES);

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});

process.on('SIGTERM', () => {
  clearInterval(heartbeat);
  for (const ws of sockets.keys()) ws.terminate();
  wss.close();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
