/**
 * Work that is activity without a key press: a live video visit. While something holds, the idle
 * timeout treats the session as in use (IdleGuard renews it as it would on a click); when the call
 * ends the hold is released and the ordinary timeout resumes from there.
 */
let holders = 0;

/** Takes a hold; the returned function releases it (once). */
export function holdActivity(): () => void {
  holders++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holders--;
  };
}

export function activityHeld(): boolean {
  return holders > 0;
}
