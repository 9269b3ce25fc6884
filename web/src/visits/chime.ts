/**
 * A short two-note chime through WebAudio, for a patient arriving in the waiting room. Never throws:
 * a browser without WebAudio, or one that blocks audio until the page is used, stays silent (the
 * alert on screen is the message; the chime only draws attention to it).
 */
let shared: AudioContext | null = null;

function context(): AudioContext | null {
  if (shared) return shared;
  const Ctor =
    window.AudioContext ??
    (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return null;
  shared = new Ctor();
  return shared;
}

/** Plays the chime (about 0.4 s); resolves whether or not anything was heard. */
export async function chime(): Promise<void> {
  try {
    const ctx = context();
    if (!ctx) return;
    // A blocked context's resume() may never settle: wait a moment, no more.
    if (ctx.state === 'suspended')
      await Promise.race([
        ctx.resume().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 300)),
      ]);
    if (ctx.state !== 'running') return;
    const t0 = ctx.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const start = t0 + i * 0.18;
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0, start);
      gain.gain.linearRampToValueAtTime(0.2, start + 0.02);
      gain.gain.linearRampToValueAtTime(0, start + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.22);
    }
  } catch {
    // Blocked or unavailable: the visible alert stands alone.
  }
}

/** Lets audio play later: call on a user gesture (a click on the page) where one is at hand. */
export function unlockChime(): void {
  try {
    void context()
      ?.resume()
      .catch(() => undefined);
  } catch {
    // As above.
  }
}
