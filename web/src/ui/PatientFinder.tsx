import { Button, Group, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import type { FhirResource } from '../api/fhir-client.js';
import { medicalRecordNumber, type HumanName, type Identifier } from '../api/fhir-text.js';
import { useQuery } from '../api/use-query.js';
import { useAuth } from '../auth/AuthProvider.js';
import { formatDate } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { DataTable, type Column } from './DataTable.js';
import { EmptyState } from './EmptyState.js';
import { ErrorState } from './ErrorState.js';
import { Loading } from './Loading.js';

export type FoundPatient = FhirResource & {
  name?: HumanName[];
  birthDate?: string;
  identifier?: Identifier[];
};

/**
 * Patient search by name, birth date and record number, among the patients the server lets the
 * caller reach; the results in a table whose name cell (and an optional last column) the page
 * chooses: a link to the chart, a "book" button.
 */
export function PatientFinder({
  formLabel,
  nameCell,
  action,
  needCriteria,
  none,
}: {
  formLabel: string;
  nameCell(p: FoundPatient): ReactNode;
  action?: Column<FoundPatient>;
  needCriteria: string;
  none: string;
}) {
  const { t, locale, timeZone } = useI18n();
  const { fhir } = useAuth();
  const [form, setForm] = useState({ name: '', birthDate: '', identifier: '' });
  const [criteria, setCriteria] = useState<Record<string, string> | null>(null);
  const [missing, setMissing] = useState(false);
  const results = useQuery(`patient-finder/${criteria ? JSON.stringify(criteria) : ''}`, async () =>
    criteria ? fhir.search<FoundPatient>('Patient', { ...criteria, _count: '50' }) : [],
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next: Record<string, string> = {};
    if (form.name.trim()) next.name = form.name.trim();
    if (form.birthDate) next.birthdate = form.birthDate;
    if (form.identifier.trim()) next.identifier = form.identifier.trim();
    setMissing(Object.keys(next).length === 0);
    if (Object.keys(next).length > 0) setCriteria(next);
  };

  return (
    <>
      <form onSubmit={submit} aria-label={formLabel} noValidate>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={t('search.name')}
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
            autoComplete="off"
          />
          <TextInput
            label={t('search.birthDate')}
            type="date"
            value={form.birthDate}
            onChange={(e) => setForm({ ...form, birthDate: e.currentTarget.value })}
          />
          <TextInput
            label={t('search.identifier')}
            value={form.identifier}
            onChange={(e) => setForm({ ...form, identifier: e.currentTarget.value })}
            autoComplete="off"
          />
          <Button type="submit">{t('search.submit')}</Button>
        </Group>
        {missing && (
          <Text role="alert" c="red.8" size="sm" mt="xs">
            {needCriteria}
          </Text>
        )}
      </form>
      {criteria && (
        <section aria-labelledby="results-title">
          <Title order={2} size="h4" id="results-title" mb="xs">
            {t('search.results')}
          </Title>
          {results.loading ? (
            <Loading label={t('app.loading')} />
          ) : results.error ? (
            <ErrorState error={results.error} onRetry={results.retry} />
          ) : (results.data ?? []).length === 0 ? (
            <EmptyState>{none}</EmptyState>
          ) : (
            <DataTable
              caption={t('search.results')}
              minWidth={480}
              rows={results.data ?? []}
              rowKey={(p, i) => p.id ?? String(i)}
              columns={[
                { key: 'name', header: t('search.name'), cell: nameCell },
                {
                  key: 'birthDate',
                  header: t('search.birthDate'),
                  cell: (p) => (p.birthDate ? formatDate(p.birthDate, locale, timeZone) : ''),
                },
                {
                  key: 'identifier',
                  header: t('search.identifier'),
                  cell: (p) => medicalRecordNumber(p.identifier) ?? '',
                },
                ...(action ? [action] : []),
              ]}
            />
          )}
        </section>
      )}
    </>
  );
}
