/**
 * Media setup time of real browser visits: two Chromium pages per visit (the clinician, who offers,
 * and the patient) join a visit in progress through the visit socket, negotiate P2P WebRTC with fake
 * camera and microphone through `signal` messages (protocol.ts), and each measures from its `hello`
 * to the first decoded frame of the other side's video. The page script is plain JavaScript in a
 * string (tsx would wrap a function passed to `page.evaluate` in a helper the page does not have).
 */
import http from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import type { VisitTickets } from '../../server/src/modules/visits/tickets/visit-tickets.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../../server/test/browser/support/chromium.js';
import type { BrowserVisit } from './data.js';

/** What one page measured (ms from its hello). */
export interface PageTiming {
  welcomeMs: number;
  /** The peer connection reached `connected`. */
  connectedMs: number;
  /** The first decoded frame of the remote video. */
  firstFrameMs: number;
  candidate: string;
}

export interface BrowserVisitResult {
  clinician: PageTiming;
  patient: PageTiming;
  /** Both sides see each other: the later of the two first frames. */
  setupMs: number;
}

/**
 * In the page: open the socket, hello with the ticket, P2P WebRTC through `signal` (the clinician
 * offers once the patient is there; candidates trickle, queued until the remote description is
 * set), then poll getStats every 20 ms until inbound video has decoded a frame. Reports the setup
 * time to the server (`media ready`) as the app would. The socket and the peer connection stay open
 * (on `window.__bench`) so the other side can finish; closing the context ends them.
 */
const JOIN = `async ({ wsUrl, ticket, boundMs }) => {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
  const bounded = (promise, what) => Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(what + ' (waited ' + boundMs + ' ms)')), boundMs)),
  ]);
  const ws = new WebSocket(wsUrl);
  await bounded(new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', () => reject(new Error('the socket did not open')), { once: true });
  }), 'socket open');
  const t0 = performance.now();
  const result = { welcomeMs: -1, connectedMs: -1, firstFrameMs: -1, candidate: '' };
  const send = (m) => ws.send(JSON.stringify(m));
  let pc = null;
  let offerer = false;
  let offered = false;
  let remoteSet = false;
  const pending = [];
  const failures = [];
  let closedWith = null;
  ws.addEventListener('close', (e) => { closedWith = e.code + ' ' + e.reason; });
  const welcome = new Promise((resolve) => {
    ws.addEventListener('message', async (event) => {
      const m = JSON.parse(event.data);
      try {
        if (m.t === 'welcome') {
          result.welcomeMs = performance.now() - t0;
          offerer = m.offerer;
          pc = new RTCPeerConnection({ iceServers: m.iceServers });
          for (const track of stream.getTracks()) pc.addTrack(track, stream);
          pc.addEventListener('icecandidate', (e) => { if (e.candidate) send({ t: 'signal', data: { candidate: e.candidate.toJSON() } }); });
          pc.addEventListener('connectionstatechange', () => {
            if (pc.connectionState === 'connected' && result.connectedMs < 0) result.connectedMs = performance.now() - t0;
          });
          resolve(m);
        } else if (m.t === 'peer' && m.state === 'joined' && pc && offerer && !offered) {
          offered = true;
          await pc.setLocalDescription(await pc.createOffer());
          send({ t: 'signal', data: { description: pc.localDescription.toJSON() } });
        } else if (m.t === 'signal' && pc) {
          const d = m.data;
          if (d.description) {
            await pc.setRemoteDescription(d.description);
            remoteSet = true;
            for (const c of pending.splice(0)) await pc.addIceCandidate(c);
            if (d.description.type === 'offer') {
              await pc.setLocalDescription(await pc.createAnswer());
              send({ t: 'signal', data: { description: pc.localDescription.toJSON() } });
            }
          } else if (d.candidate) {
            if (remoteSet) await pc.addIceCandidate(d.candidate);
            else pending.push(d.candidate);
          }
        } else if (m.t === 'error') {
          failures.push(m.code + ': ' + m.message);
        }
      } catch (err) {
        failures.push(String(err));
      }
    });
  });
  send({ t: 'hello', ticket });
  await bounded(welcome, 'welcome');
  window.__bench = { ws, pc, stream };
  const frame = await bounded(new Promise((resolve, reject) => {
    const poll = async () => {
      if (failures.length) return reject(new Error(failures.join('; ')));
      if (closedWith) return reject(new Error('socket closed: ' + closedWith));
      const stats = await pc.getStats();
      for (const r of stats.values()) {
        if (r.type === 'inbound-rtp' && r.kind === 'video' && r.framesDecoded > 0) {
          for (const s of stats.values())
            if (s.type === 'transport' && s.selectedCandidatePairId) {
              const pair = stats.get(s.selectedCandidatePairId);
              const local = pair && stats.get(pair.localCandidateId);
              if (local) result.candidate = local.candidateType + '/' + local.protocol;
            }
          return resolve(performance.now() - t0);
        }
      }
      setTimeout(poll, 20);
    };
    poll();
  }), 'first remote video frame');
  result.firstFrameMs = frame;
  send({ t: 'media', event: 'ready', setupMs: Math.round(frame) });
  return result;
}`;

/** Fake camera and microphone, granted without a prompt; ICE over loopback allowed. */
const MEDIA_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

const BOUND_MS = 30_000;

/**
 * A blank page on loopback (a potentially trustworthy origin, so getUserMedia works): the pages run
 * there and open the visit socket of the node (another origin; the socket checks tickets, not origins).
 */
async function blankPageServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      '<!doctype html><html lang="en"><meta charset="utf-8"><title>OpenVisit bench</title><body></body></html>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs the visits one after the other, each in a fresh browser context; returns each visit's times. */
export async function browserVisits(opts: {
  visits: BrowserVisit[];
  wsUrl: string;
  tenantId: number;
  tickets: VisitTickets;
  log: (line: string) => void;
  /** Where each visit's times go as it finishes (kept when a later visit fails). */
  results: BrowserVisitResult[];
}): Promise<void> {
  const page = await blankPageServer();
  let browser: Browser | null = null;
  const { results } = opts;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, ...MEDIA_ARGS],
      timeout: 30_000,
    });
    for (const [i, v] of opts.visits.entries()) {
      const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
      try {
        context.setDefaultTimeout(BOUND_MS + 10_000);
        const [clinicianPage, patientPage] = [await context.newPage(), await context.newPage()];
        const errors: string[] = [];
        for (const p of [clinicianPage, patientPage]) p.on('pageerror', (e) => errors.push(e.message));
        await Promise.all([clinicianPage.goto(page.url), patientPage.goto(page.url)]);
        const join = (p: typeof clinicianPage, role: 'clinician' | 'patient') => {
          const ticket = opts.tickets.issue(
            {
              kind: 'join',
              tenantId: opts.tenantId,
              visitId: v.visitId,
              participantId: role,
              role,
              account: `bench-browser-${role}`,
            },
            Date.now(),
          );
          return p.evaluate(
            `(${JOIN})(${JSON.stringify({ wsUrl: opts.wsUrl, ticket, boundMs: BOUND_MS })})`,
          ) as Promise<PageTiming>;
        };
        const [clinician, patient] = await Promise.all([
          join(clinicianPage, 'clinician'),
          join(patientPage, 'patient'),
        ]);
        if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
        const r = { clinician, patient, setupMs: Math.max(clinician.firstFrameMs, patient.firstFrameMs) };
        results.push(r);
        opts.log(
          `  visit ${String(i + 1).padStart(2)}: ${r.setupMs.toFixed(0)} ms (clinician: welcome ${clinician.welcomeMs.toFixed(0)}, connected ${clinician.connectedMs.toFixed(0)}, frame ${clinician.firstFrameMs.toFixed(0)}; patient: welcome ${patient.welcomeMs.toFixed(0)}, connected ${patient.connectedMs.toFixed(0)}, frame ${patient.firstFrameMs.toFixed(0)}; ${clinician.candidate})`,
        );
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser?.close();
    await page.close();
  }
}
