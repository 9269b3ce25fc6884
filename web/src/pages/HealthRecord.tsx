import { Badge, Container, Stack, Tabs } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate } from 'react-router';
import type { Attachment } from '../api/attachment.js';
import type { FhirResource } from '../api/fhir-client.js';
import { conceptText, type CodeableConcept } from '../api/fhir-text.js';
import { flagOf, rangeText, valueText, type Observation } from '../api/observation-text.js';
import { useQuery, type QueryState } from '../api/use-query.js';
import { useAuth } from '../auth/AuthProvider.js';
import { formatDate } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import type { MessageKey } from '../i18n/en.js';
import { keyOr } from '../i18n/optional-key.js';
import { DataTable } from '../ui/DataTable.js';
import { DocumentButton } from '../ui/DocumentButton.js';
import { EmptyState } from '../ui/EmptyState.js';
import { DownloadRecord } from '../ui/DownloadRecord.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageHeading } from '../ui/PageHeading.js';
import { PageLayout } from '../ui/PageLayout.js';
import { loadRecordSummary, RecordSummary } from '../ui/RecordSummary.js';

interface Immunization {
  id?: string;
  vaccineCode?: CodeableConcept;
  occurrenceDateTime?: string;
}

interface DocumentReference {
  id?: string;
  type?: CodeableConcept;
  date?: string;
  author?: { display?: string }[];
  description?: string;
  content?: { attachment?: Attachment }[];
}

/** Loading, error or empty states around a part of the record; `children` when there is something. */
function Part<T>({
  q,
  empty,
  children,
}: {
  q: QueryState<T[]>;
  empty: MessageKey;
  children: (data: T[]) => ReactNode;
}) {
  const { t } = useI18n();
  if (q.loading && !q.data) return <Loading label={t('app.loading')} />;
  if (q.error || !q.data) return <ErrorState error={q.error} onRetry={q.retry} />;
  if (q.data.length === 0) return <EmptyState>{t(empty)}</EmptyState>;
  return <>{children(q.data)}</>;
}

/** The patient's whole record, by part: overview, results, immunizations, documents. */
export default function HealthRecord() {
  const { t, locale, timeZone } = useI18n();
  const { fhir, tokens } = useAuth();
  const [type, id = ''] = (tokens?.fhirUser ?? '').split('/');
  const subject = { patient: id, _sort: '-date', _count: '100' };
  const overview = useQuery(`record/${id}`, () => loadRecordSummary(fhir, id, { encounters: true }));
  const results = useQuery(`results/${id}`, () =>
    fhir.search<FhirResource & Observation>('Observation', { ...subject, category: 'laboratory' }),
  );
  const immunizations = useQuery(`imm/${id}`, () =>
    fhir.search<FhirResource & Immunization>('Immunization', subject),
  );
  const documents = useQuery(`docs/${id}`, () =>
    fhir.search<FhirResource & DocumentReference>('DocumentReference', subject),
  );
  if (!tokens) return <Navigate to="/" replace />;
  if (type !== 'Patient') return <Navigate to="/home" replace />;
  const date = (v: string | undefined) => (v ? formatDate(v.slice(0, 10), locale, timeZone) : '');

  return (
    <PageLayout>
      <Container size="lg" py="md">
        <Stack gap="md">
          <PageHeading title={t('record.title')} lead={t('record.lead')} />
          <DownloadRecord patientId={id} />
          <Tabs defaultValue="overview" keepMounted={false}>
            <Tabs.List aria-label={t('record.tabs')}>
              <Tabs.Tab value="overview">{t('record.overview')}</Tabs.Tab>
              <Tabs.Tab value="results">{t('record.results')}</Tabs.Tab>
              <Tabs.Tab value="immunizations">{t('record.immunizations')}</Tabs.Tab>
              <Tabs.Tab value="documents">{t('record.documents')}</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="overview" pt="md">
              {overview.loading && !overview.data ? (
                <Loading label={t('app.loading')} />
              ) : overview.error || !overview.data ? (
                <ErrorState error={overview.error} onRetry={overview.retry} />
              ) : (
                <RecordSummary data={overview.data} />
              )}
            </Tabs.Panel>
            <Tabs.Panel value="results" pt="md">
              <Part q={results} empty="record.empty">
                {(list) => (
                  <DataTable
                    caption={t('record.results')}
                    rows={list}
                    rowKey={(o, i) => o.id ?? String(i)}
                    columns={[
                      { key: 'test', header: t('record.test'), cell: (o) => conceptText(o.code) },
                      {
                        key: 'value',
                        header: t('record.value'),
                        cell: (o) => {
                          const flag = flagOf(o);
                          return (
                            <>
                              {valueText(o, locale, conceptText)}{' '}
                              {flag && flag !== 'N' && (
                                <Badge color={flag === 'A' ? 'yellow' : 'red'} variant="light">
                                  {t(keyOr('record.flag', flag))}
                                </Badge>
                              )}
                            </>
                          );
                        },
                      },
                      { key: 'range', header: t('record.range'), cell: (o) => rangeText(o, locale) },
                      {
                        key: 'date',
                        header: t('record.date'),
                        cell: (o) => date(o.effectiveDateTime ?? o.issued),
                      },
                    ]}
                  />
                )}
              </Part>
            </Tabs.Panel>
            <Tabs.Panel value="immunizations" pt="md">
              <Part q={immunizations} empty="record.empty">
                {(list) => (
                  <DataTable
                    caption={t('record.immunizations')}
                    minWidth={320}
                    rows={list}
                    rowKey={(im, i) => im.id ?? String(i)}
                    columns={[
                      {
                        key: 'vaccine',
                        header: t('record.vaccine'),
                        cell: (im) => conceptText(im.vaccineCode),
                      },
                      { key: 'date', header: t('record.date'), cell: (im) => date(im.occurrenceDateTime) },
                    ]}
                  />
                )}
              </Part>
            </Tabs.Panel>
            <Tabs.Panel value="documents" pt="md">
              <Part q={documents} empty="record.empty">
                {(list) => (
                  <DataTable
                    caption={t('record.documents')}
                    minWidth={480}
                    rows={list}
                    rowKey={(d, i) => d.id ?? String(i)}
                    columns={[
                      {
                        key: 'document',
                        header: t('record.document'),
                        cell: (d) => {
                          const attachment = d.content?.[0]?.attachment;
                          const name =
                            d.description || conceptText(d.type) || attachment?.title || t('record.document');
                          return attachment ? <DocumentButton attachment={attachment} name={name} /> : name;
                        },
                      },
                      {
                        key: 'author',
                        header: t('record.author'),
                        cell: (d) =>
                          d.author
                            ?.map((a) => a.display)
                            .filter(Boolean)
                            .join(', '),
                      },
                      { key: 'date', header: t('record.date'), cell: (d) => date(d.date) },
                    ]}
                  />
                )}
              </Part>
            </Tabs.Panel>
          </Tabs>
        </Stack>
      </Container>
    </PageLayout>
  );
}
