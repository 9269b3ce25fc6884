import { Button, Card, Checkbox, Container, Group, Radio, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Navigate } from 'react-router';
import {
  denyConsent,
  describeConsent,
  HIDEABLE_FROM,
  SENSITIVE_KINDS,
  type ConsentResource,
} from '../api/consent.js';
import { useAction } from '../api/use-action.js';
import { useQuery } from '../api/use-query.js';
import { useAuth } from '../auth/AuthProvider.js';
import { ToSignIn } from '../auth/ToSignIn.js';
import { formatDate } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { keyOr } from '../i18n/optional-key.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ActionStatus } from '../ui/ActionStatus.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageHeading } from '../ui/PageHeading.js';
import { PageLayout } from '../ui/PageLayout.js';

/** The patient's privacy choices as FHIR Consent resources, which the access policy enforces. */
export default function Sharing() {
  const { t, locale, timeZone } = useI18n();
  const { fhir, tokens } = useAuth();
  const [type, id = ''] = (tokens?.fhirUser ?? '').split('/');
  const [version, setVersion] = useState(0);
  const consents = useQuery(`consents/${id}/${version}`, () =>
    fhir.search<ConsentResource>('Consent', { patient: id, status: 'active', _count: '100' }),
  );
  const [kind, setKind] = useState<string>('PSY');
  const [roles, setRoles] = useState<string[]>([]);
  const [pickWhom, setPickWhom] = useState(false);
  const action = useAction();
  if (!tokens) return <ToSignIn />;
  if (type !== 'Patient') return <Navigate to="/home" replace />;

  const run = (fn: () => Promise<unknown>) =>
    action.run(fn).then((ok) => {
      if (ok) setVersion((v) => v + 1);
      return ok;
    });
  const add = (e: FormEvent) => {
    e.preventDefault();
    setPickWhom(roles.length === 0);
    if (roles.length === 0) return;
    void run(() =>
      fhir.request('Consent', { method: 'POST', body: denyConsent(id, kind, roles, new Date()) }),
    ).then((ok) => ok && setRoles([]));
  };
  const withdraw = (c: ConsentResource) =>
    void run(() =>
      fhir.request(`Consent/${c.id ?? ''}`, { method: 'PUT', body: { ...c, status: 'inactive' } }),
    );

  const listed = (consents.data ?? []).flatMap((c) => {
    const d = describeConsent(c);
    return d ? [{ consent: c, ...d }] : [];
  });

  return (
    <PageLayout>
      <Container size="md" py="md">
        <Stack gap="lg">
          <PageHeading title={t('sharing.title')} lead={t('sharing.lead')} />
          <ActionStatus action={action} doneText={t('sharing.saved')} />
          <Card withBorder component="section" aria-labelledby="current-title">
            <Title order={2} size="h4" id="current-title" mb="sm">
              {t('sharing.current')}
            </Title>
            {consents.loading && !consents.data ? (
              <Loading label={t('app.loading')} />
            ) : consents.error ? (
              <ErrorState error={consents.error} onRetry={consents.retry} />
            ) : listed.length === 0 ? (
              <EmptyState>{t('sharing.none')}</EmptyState>
            ) : (
              <Stack gap="sm">
                {listed.map(({ consent, kinds, roles: from }) => (
                  <Group key={consent.id} justify="space-between" wrap="wrap">
                    <div>
                      <Text fw={600}>
                        {t('sharing.hidden', {
                          what: kinds.map((k) => t(keyOr('sharing.label', k))).join(', '),
                          whom:
                            from.length === 0
                              ? t('sharing.everyone')
                              : from.map((r) => t(keyOr('role', r))).join(', '),
                        })}
                      </Text>
                      {consent.dateTime && (
                        <Text size="sm" c="dimmed">
                          {t('sharing.since', { date: formatDate(consent.dateTime, locale, timeZone) })}
                        </Text>
                      )}
                    </div>
                    <Button
                      variant="outline"
                      size="sm"
                      disabled={action.busy}
                      onClick={() => withdraw(consent)}
                    >
                      {t('sharing.stop')}
                    </Button>
                  </Group>
                ))}
              </Stack>
            )}
          </Card>
          <Card withBorder component="section" aria-labelledby="add-title">
            <Title order={2} size="h4" id="add-title" mb="sm">
              {t('sharing.add')}
            </Title>
            <form onSubmit={add} noValidate>
              <Stack gap="md">
                <Radio.Group label={t('sharing.what')} value={kind} onChange={setKind}>
                  <Stack gap={6} mt={6}>
                    {SENSITIVE_KINDS.map((k) => (
                      <Radio key={k} value={k} label={t(keyOr('sharing.label', k))} />
                    ))}
                  </Stack>
                </Radio.Group>
                <Checkbox.Group
                  label={t('sharing.whom')}
                  value={roles}
                  onChange={setRoles}
                  error={pickWhom ? t('sharing.pickWhom') : undefined}
                >
                  <Stack gap={6} mt={6}>
                    {HIDEABLE_FROM.map((r) => (
                      <Checkbox key={r} value={r} label={t(keyOr('role', r))} />
                    ))}
                  </Stack>
                </Checkbox.Group>
                <div>
                  <Button type="submit" loading={action.busy}>
                    {t('sharing.save')}
                  </Button>
                </div>
              </Stack>
            </form>
          </Card>
        </Stack>
      </Container>
    </PageLayout>
  );
}
