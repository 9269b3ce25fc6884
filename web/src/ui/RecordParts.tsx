import type { ReactNode } from 'react';
import type { Attachment } from '../api/attachment.js';
import type { FhirResource } from '../api/fhir-client.js';
import { conceptText, type CodeableConcept } from '../api/fhir-text.js';
import type { Observation } from '../api/observation-text.js';
import { useQuery, type QueryState } from '../api/use-query.js';
import { useAuth } from '../auth/AuthProvider.js';
import { formatDate } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import type { MessageKey } from '../i18n/en.js';
import { DataTable } from './DataTable.js';
import { DocumentButton } from './DocumentButton.js';
import { EmptyState } from './EmptyState.js';
import { ErrorState } from './ErrorState.js';
import { Loading } from './Loading.js';

export interface Immunization {
  id?: string;
  vaccineCode?: CodeableConcept;
  occurrenceDateTime?: string;
}

export interface DocumentReference {
  id?: string;
  type?: CodeableConcept;
  date?: string;
  author?: { display?: string }[];
  description?: string;
  content?: { attachment?: Attachment }[];
}

/** Loading, error or empty states around a part of the record; `children` when there is something. */
export function Part<T>({
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

export interface RecordParts {
  results: QueryState<(FhirResource & Observation)[]>;
  immunizations: QueryState<(FhirResource & Immunization)[]>;
  documents: QueryState<(FhirResource & DocumentReference)[]>;
}

/**
 * The lists of a patient's record that the portal and the chart show as tabs, read in parallel
 * through the caller's token (newest first); a new `version` reads them again (after break-glass).
 */
export function useRecordParts(patientId: string, version = ''): RecordParts {
  const { fhir } = useAuth();
  const subject = { patient: patientId, _sort: '-date', _count: '100' };
  return {
    results: useQuery(`results/${patientId}/${version}`, () =>
      fhir.search<FhirResource & Observation>('Observation', { ...subject, category: 'laboratory' }),
    ),
    immunizations: useQuery(`imm/${patientId}/${version}`, () =>
      fhir.search<FhirResource & Immunization>('Immunization', subject),
    ),
    documents: useQuery(`docs/${patientId}/${version}`, () =>
      fhir.search<FhirResource & DocumentReference>('DocumentReference', subject),
    ),
  };
}

export function useDate(): (v: string | undefined) => string {
  const { locale, timeZone } = useI18n();
  return (v) => (v ? formatDate(v.slice(0, 10), locale, timeZone) : '');
}

export function ImmunizationsPart({ q }: { q: RecordParts['immunizations'] }) {
  const { t } = useI18n();
  const date = useDate();
  return (
    <Part q={q} empty="record.empty">
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
  );
}

/** Documents: each opens with the user's token (`DocumentButton`). */
export function DocumentsPart({ q }: { q: RecordParts['documents'] }) {
  const { t } = useI18n();
  const date = useDate();
  return (
    <Part q={q} empty="record.empty">
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
  );
}
