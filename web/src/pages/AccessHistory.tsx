import { Badge, Button, Container, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Navigate } from 'react-router';
import { describeAccess, type AccessSummary } from '../../../server/src/auth/audit/events/plain-language.js';
import type { AuditEvent } from '../../../server/src/auth/audit/events/types.js';
import type { Bundle, FhirClient, FhirResource } from '../api/fhir-client.js';
import { displayName, type HumanName } from '../api/fhir-text.js';
import { useQuery } from '../api/use-query.js';
import { useAuth } from '../auth/AuthProvider.js';
import { ToSignIn } from '../auth/ToSignIn.js';
import { formatDate } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { keyOr } from '../i18n/optional-key.js';
import { DataTable } from '../ui/DataTable.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageHeading } from '../ui/PageHeading.js';
import { PageLayout } from '../ui/PageLayout.js';

type AuditBundle = Bundle<AuditEvent & FhirResource>;

interface Page {
  rows: (AccessSummary & { id: string })[];
  next: string | undefined;
  /** Display names of the people named by reference. */
  names: Map<string, string>;
}

const PERSON = /^(Practitioner|RelatedPerson|Patient)\/[A-Za-z0-9\-.]{1,64}$/;

async function namesOf(
  fhir: FhirClient,
  refs: string[],
  known: Map<string, string>,
): Promise<Map<string, string>> {
  const names = new Map(known);
  const wanted = [...new Set(refs)].filter((r) => PERSON.test(r) && !names.has(r));
  // A name that cannot be read (not permitted, deleted) is shown by role only.
  await Promise.all(
    wanted.map((ref) =>
      fhir.read<{ resourceType: string; name?: HumanName[] }>(ref).then(
        (r) => names.set(ref, displayName(r.name)),
        () => names.set(ref, ''),
      ),
    ),
  );
  return names;
}

async function loadPage(fhir: FhirClient, bundle: AuditBundle, known: Map<string, string>): Promise<Page> {
  const rows = (bundle.entry ?? []).flatMap((e) =>
    e.resource ? [{ ...describeAccess(e.resource), id: e.resource.id ?? '' }] : [],
  );
  return {
    rows,
    next: bundle.link?.find((l) => l.relation === 'next')?.url,
    names: await namesOf(
      fhir,
      rows.map((r) => r.who),
      known,
    ),
  };
}

/** "Who accessed my record": the audit log of the patient's own record, in plain language. */
export default function AccessHistory() {
  const { t, locale, timeZone } = useI18n();
  const { fhir, tokens } = useAuth();
  const self = tokens?.fhirUser ?? '';
  const [more, setMore] = useState<Page[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const first = useQuery(`access/${self}`, async () =>
    loadPage(
      fhir,
      await fhir.searchBundle<AuditEvent & FhirResource>('AuditEvent', { patient: self, _count: '25' }),
      new Map(),
    ),
  );
  if (!tokens) return <ToSignIn />;
  if (!self.startsWith('Patient/')) return <Navigate to="/home" replace />;

  const pages = first.data ? [first.data, ...more] : [];
  const last = pages[pages.length - 1];
  const names = last?.names ?? new Map<string, string>();
  const rows = pages.flatMap((p) => p.rows);

  const showMore = async () => {
    if (!last?.next) return;
    setLoadingMore(true);
    try {
      const bundle = await fhir.follow<AuditEvent & FhirResource>(last.next);
      const page = await loadPage(fhir, bundle, last.names);
      setMore((m) => [...m, page]);
    } finally {
      setLoadingMore(false);
    }
  };

  const whoText = (r: AccessSummary) => {
    if (r.who === self) return t('access.you');
    const name = names.get(r.who);
    if (name) return name;
    return PERSON.test(r.who) || r.who === '' ? t('access.someone') : r.who;
  };
  const roleText = (r: AccessSummary) =>
    r.role
      .split(',')
      .filter(Boolean)
      .map((role) => t(keyOr('role', role)))
      .join(', ') || t('role.service');
  const whatText = (r: AccessSummary) => {
    const types = r.what.split(',').filter(Boolean);
    const what =
      types.length === 0 ? t('access.what.other') : types.map((w) => t(keyOr('access.what', w))).join(', ');
    return t('access.line', { action: t(keyOr('access.action', r.action)), what });
  };

  return (
    <PageLayout>
      <Container size="lg" py="md">
        <Stack gap="md">
          <PageHeading title={t('access.title')} lead={t('access.lead')} />
          {first.loading && !first.data ? (
            <Loading label={t('app.loading')} />
          ) : first.error ? (
            <ErrorState error={first.error} onRetry={first.retry} />
          ) : rows.length === 0 ? (
            <EmptyState>{t('access.empty')}</EmptyState>
          ) : (
            <DataTable
              caption={t('access.title')}
              minWidth={640}
              rows={rows}
              rowKey={(r) => r.id}
              columns={[
                {
                  key: 'when',
                  header: t('access.when'),
                  cell: (r) => (r.when ? formatDate(r.when, locale, timeZone) : ''),
                },
                {
                  key: 'who',
                  header: t('access.who'),
                  cell: (r) => (
                    <>
                      <Text size="sm" fw={600}>
                        {whoText(r)}
                      </Text>
                      <Text size="sm" c="dimmed">
                        {roleText(r)}
                      </Text>
                    </>
                  ),
                },
                {
                  key: 'what',
                  header: t('access.what'),
                  cell: (r) => (
                    <Group gap="xs">
                      <span>{whatText(r)}</span>
                      {r.breakGlass && <Badge color="red">{t('access.breakGlass')}</Badge>}
                      {r.outcome === 'denied' && <Badge color="gray">{t('access.denied')}</Badge>}
                    </Group>
                  ),
                },
                { key: 'why', header: t('access.why'), cell: (r) => t(keyOr('purpose', r.why)) },
              ]}
            />
          )}
          {last?.next && (
            <div>
              <Button variant="outline" loading={loadingMore} onClick={() => void showMore()}>
                {t('access.more')}
              </Button>
            </div>
          )}
        </Stack>
      </Container>
    </PageLayout>
  );
}
