import { Button, Group, Modal, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider.js';
import { useAuth } from './AuthProvider.js';
import { activityHeld } from './activity-hold.js';
import { activityRenews, idlePhase, type IdlePhase } from './idle-clock.js';

const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * The tenant's idle timeout in the browser: activity renews the session (about once a minute), as
 * does a video visit in progress (activity-hold.ts); a dialog warns in the last minute, and at the
 * end the app signs out (here and on the server).
 */
export function IdleGuard() {
  const { t } = useI18n();
  const auth = useAuth();
  const tokens = auth.tokens;
  const [state, setState] = useState<{ phase: IdlePhase; secondsLeft: number }>({
    phase: 'active',
    secondsLeft: 0,
  });
  const renewing = useRef(false);

  useEffect(() => {
    if (!tokens) return;
    const deadline = tokens.renewedAt + tokens.idleMs;
    const renew = () => {
      if (renewing.current) return;
      renewing.current = true;
      void auth.renew().finally(() => (renewing.current = false));
    };
    const onActivity = () => {
      const now = Date.now();
      // In the last minute only the dialog's button keeps the session: a stray key press must not.
      if (idlePhase(deadline, tokens.idleMs, now).phase !== 'active') return;
      if (activityRenews(tokens.renewedAt, tokens.idleMs, now)) renew();
    };
    const tick = () => {
      // A live video visit is use of the session, whether or not anyone touches the keyboard.
      if (activityHeld() && activityRenews(tokens.renewedAt, tokens.idleMs, Date.now())) renew();
      const next = idlePhase(deadline, tokens.idleMs, Date.now());
      // Only the warning shows seconds: while active, nothing changes and nothing re-renders.
      setState((prev) =>
        prev.phase === next.phase && (next.phase === 'active' || prev.secondsLeft === next.secondsLeft)
          ? prev
          : next,
      );
      if (next.phase === 'expired') void auth.signOut('idle');
    };
    tick();
    const timer = setInterval(tick, 1000);
    for (const e of ACTIVITY) window.addEventListener(e, onActivity, { passive: true, capture: true });
    return () => {
      clearInterval(timer);
      for (const e of ACTIVITY) window.removeEventListener(e, onActivity, { capture: true });
    };
  }, [auth, tokens]);

  return (
    <Modal
      opened={tokens !== null && state.phase === 'warning'}
      onClose={() => void auth.renew()}
      title={t('idle.title')}
      centered
      withCloseButton={false}
      closeOnClickOutside={false}
    >
      <Text role="timer" aria-live="off">
        {t('idle.body', { seconds: state.secondsLeft })}
      </Text>
      <Group justify="flex-end" mt="md">
        <Button variant="outline" onClick={() => void auth.signOut()}>
          {t('nav.signOut')}
        </Button>
        <Button onClick={() => void auth.renew()} data-autofocus>
          {t('idle.stay')}
        </Button>
      </Group>
    </Modal>
  );
}
