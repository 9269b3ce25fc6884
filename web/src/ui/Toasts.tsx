import { Notification } from '@mantine/core';
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/I18nProvider.js';

export type ToastTone = 'success' | 'info';

interface Toast {
  id: number;
  message: string;
  tone: ToastTone;
}

/** Shows a short message that confirms something happened; errors stay next to what failed. */
export type ShowToast = (message: string, tone?: ToastTone) => void;

const ToastContext = createContext<ShowToast>(() => undefined);

/** How long a toast stays: long enough to read twice; kept while pointed at or focused. */
const TOAST_MS = 8_000;
/** At most this many at once: the oldest gives way. */
const MAX_TOASTS = 3;

/**
 * Toasts in one polite live region that is always in the page, so screen readers announce each
 * message as it arrives without taking focus from what the user is doing.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const region = useRef<HTMLDivElement>(null);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  const nextId = useRef(0);

  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((list) => list.filter((x) => x.id !== id));
  }, []);

  const expireLater = useCallback(
    (id: number) => {
      const expire = () => {
        // Someone reading or about to press close keeps it.
        if (region.current?.matches(':hover, :focus-within'))
          timers.current.set(id, setTimeout(expire, TOAST_MS));
        else dismiss(id);
      };
      timers.current.set(id, setTimeout(expire, TOAST_MS));
    },
    [dismiss],
  );

  const show = useCallback<ShowToast>(
    (message, tone = 'success') => {
      const id = ++nextId.current;
      setToasts((list) => {
        const kept = list.slice(-(MAX_TOASTS - 1));
        for (const gone of list.slice(0, list.length - kept.length))
          clearTimeout(timers.current.get(gone.id));
        return [...kept, { id, message, tone }];
      });
      expireLater(id);
    },
    [expireLater],
  );

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((timer) => clearTimeout(timer));
  }, []);

  return (
    <ToastContext.Provider value={show}>
      {children}
      <div ref={region} className="ov-toasts" role="status" aria-live="polite" aria-label={t('toast.region')}>
        {toasts.map((toast) => (
          <Notification
            key={toast.id}
            role="none"
            color={toast.tone === 'success' ? 'green' : 'blue'}
            withBorder
            onClose={() => dismiss(toast.id)}
            closeButtonProps={{ 'aria-label': t('toast.close') }}
          >
            {toast.message}
          </Notification>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ShowToast {
  return useContext(ToastContext);
}
