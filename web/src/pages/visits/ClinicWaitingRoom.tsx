import { Alert, Button, Container, Group, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { socketUrl, type QueueEntry } from '../../api/visits.js';
import { appRole } from '../../auth/app-role.js';
import { useAuth } from '../../auth/AuthProvider.js';
import { ToSignIn } from '../../auth/ToSignIn.js';
import { formatNumber, formatTime, formatWhen } from '../../i18n/format.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { DataTable, type Column } from '../../ui/DataTable.js';
import { EmptyState } from '../../ui/EmptyState.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { Loading } from '../../ui/Loading.js';
import { PageHeading } from '../../ui/PageHeading.js';
import { PageLayout } from '../../ui/PageLayout.js';
import { chime, unlockChime } from '../../visits/chime.js';
import { VisitConnection, type ConnectionState } from '../../visits/connection.js';
import { useNow } from '../../visits/use-now.js';
import { useVisits } from '../../visits/use-visits.js';

const VERDICT_COLOR = { ready: 'green', 'audio-only': 'yellow', 'not-ready': 'red' } as const;

/** A short status with a coloured dot before it (the words carry the meaning; the dot helps scan). */
function Mark({ color, children }: { color: string; children: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      <span
        aria-hidden="true"
        style={{
          width: 10,
          height: 10,
          flex: 'none',
          borderRadius: '50%',
          background: `var(--mantine-color-${color}-6)`,
        }}
      />
      <Text size="sm">{children}</Text>
    </Group>
  );
}

/**
 * The waiting room as the server keeps it (`GET /api/visits/queue`), followed live: the queue socket
 * says when it changes and the list is read again. Patients who were not there before are announced
 * (an alert in a live region, and a chime). The first list is not news.
 */
function useQueue() {
  const visits = useVisits();
  const [entries, setEntries] = useState<QueueEntry[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [arrivals, setArrivals] = useState<QueueEntry[]>([]);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const known = useRef<Set<string> | null>(null);
  const latest = useRef(0);

  const load = useCallback(async () => {
    const request = ++latest.current;
    try {
      const list = await visits.queue();
      if (request !== latest.current) return;
      setFailure(null);
      setEntries(list);
      const before = known.current;
      known.current = new Set(list.map((e) => e.visitId));
      if (before) {
        const fresh = list.filter((e) => !before.has(e.visitId));
        const here = new Set(list.map((e) => e.visitId));
        setArrivals((prev) => [...prev.filter((e) => here.has(e.visitId)), ...fresh]);
        if (fresh.length > 0) void chime();
      }
    } catch (err) {
      if (request === latest.current) setFailure(err);
    }
  }, [visits]);

  useEffect(() => {
    let connection: VisitConnection | null = null;
    let stopped = false;
    void load();
    visits.watchQueue().then(
      ({ ticket, socketPath }) => {
        if (stopped) return;
        connection = new VisitConnection({
          url: socketUrl(socketPath),
          ticket,
          renewTicket: async () => (await visits.watchQueue()).ticket,
          onMessage: (m) => {
            if (m.t === 'queue') void load();
          },
          onState: (state) => {
            setConnection(state);
            // Back after a drop: what changed meanwhile was not heard.
            if (state === 'open') void load();
          },
        });
      },
      () => !stopped && setConnection('refused'),
    );
    // A click anywhere lets the chime play later (browsers start audio only after a gesture).
    const unlock = () => unlockChime();
    window.addEventListener('pointerdown', unlock, { once: true });
    window.addEventListener('keydown', unlock, { once: true });
    return () => {
      stopped = true;
      connection?.close();
      window.removeEventListener('pointerdown', unlock);
      window.removeEventListener('keydown', unlock);
    };
  }, [visits, load]);

  const dismiss = (visitId: string) => setArrivals((prev) => prev.filter((e) => e.visitId !== visitId));
  return { entries, failure, arrivals, connection, reload: load, dismiss };
}

function WaitingRoomList() {
  const { t, locale, timeZone } = useI18n();
  const visits = useVisits();
  const navigate = useNavigate();
  const now = useNow(30_000);
  const q = useQueue();
  const [admitting, setAdmitting] = useState<string | null>(null);
  const [admitFailure, setAdmitFailure] = useState<unknown>(null);

  const admit = async (e: QueueEntry) => {
    setAdmitting(e.visitId);
    setAdmitFailure(null);
    try {
      await visits.admit(e.visitId);
      void navigate(`/visits/${encodeURIComponent(e.visitId)}`);
    } catch (err) {
      setAdmitting(null);
      setAdmitFailure(err);
      void q.reload();
    }
  };

  const minutesSince = (iso: string) => Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  const columns: Column<QueueEntry>[] = [
    { key: 'patient', header: t('visit.queue.patient'), cell: (e) => <Text fw={600}>{e.patient.name}</Text> },
    {
      key: 'since',
      header: t('visit.queue.waitingSince'),
      cell: (e) => (
        <Stack gap={0}>
          <Text size="sm">{formatTime(Date.parse(e.waitingSince), locale, timeZone)}</Text>
          <Text size="xs" c="dimmed">
            {t('visit.queue.waitingFor', { minutes: formatNumber(minutesSince(e.waitingSince), locale) })}
          </Text>
        </Stack>
      ),
    },
    {
      key: 'appointment',
      header: t('visit.queue.appointment'),
      cell: (e) => (
        <Text size="sm">
          {e.startsAt ? formatWhen(e.startsAt, locale, timeZone) : t('visit.queue.onDemand')}
        </Text>
      ),
    },
    {
      key: 'intake',
      header: t('visit.queue.intake'),
      cell: (e) => (
        <Mark color={e.intakeDone ? 'green' : 'gray'}>
          {e.intakeDone ? t('visit.queue.intakeDone') : t('visit.queue.intakeMissing')}
        </Mark>
      ),
    },
    {
      key: 'device',
      header: t('visit.queue.device'),
      cell: (e) => (
        <Mark color={e.deviceCheck ? VERDICT_COLOR[e.deviceCheck] : 'gray'}>
          {e.deviceCheck ? t(`visit.queue.device.${e.deviceCheck}`) : t('visit.queue.deviceNotRun')}
        </Mark>
      ),
    },
    {
      key: 'admit',
      header: t('visit.queue.actions'),
      cell: (e) => (
        <Button
          size="sm"
          loading={admitting === e.visitId}
          disabled={admitting !== null && admitting !== e.visitId}
          onClick={() => void admit(e)}
        >
          {t('visit.queue.admit')}
          <span className="ov-visually-hidden"> {e.patient.name}</span>
        </Button>
      ),
    },
  ];

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <PageHeading title={t('visit.queue.title')} lead={t('visit.queue.lead')} />
        <Text size="sm" c="dimmed" data-testid="queue-connection">
          {q.connection === 'open'
            ? t('visit.queue.live')
            : q.connection === 'reconnecting' || q.connection === 'connecting'
              ? t('visit.connection.reconnecting')
              : t('visit.queue.notLive')}
        </Text>
      </Group>
      <div role="status" aria-live="polite" data-testid="arrivals">
        {q.arrivals.map((e) => (
          <Alert
            key={e.visitId}
            role="none"
            color="blue"
            mb="xs"
            withCloseButton
            closeButtonLabel={t('app.close')}
            onClose={() => q.dismiss(e.visitId)}
            title={t('visit.queue.arrived', { name: e.patient.name })}
          />
        ))}
      </div>
      {admitFailure !== null && <ErrorState error={admitFailure} details />}
      {q.entries === null ? (
        q.failure ? (
          <ErrorState error={q.failure} onRetry={() => void q.reload()} />
        ) : (
          <Loading label={t('app.loading')} />
        )
      ) : q.entries.length === 0 ? (
        <EmptyState>{t('visit.queue.empty')}</EmptyState>
      ) : (
        <DataTable
          caption={t('visit.queue.caption')}
          columns={columns}
          rows={q.entries}
          rowKey={(e) => e.visitId}
          minWidth={760}
        />
      )}
    </Stack>
  );
}

/** `/clinic/waiting-room`: a clinician's patients who have checked in, to admit to their video visit. */
export default function ClinicWaitingRoom() {
  const { tokens } = useAuth();
  if (!tokens) return <ToSignIn />;
  if (appRole(tokens) !== 'practitioner') return <Navigate to="/home" replace />;
  return (
    <PageLayout>
      <Container size="lg" py="md">
        <WaitingRoomList />
      </Container>
    </PageLayout>
  );
}
