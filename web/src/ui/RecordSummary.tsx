import { Card, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { FhirClient, FhirResource } from '../api/fhir-client.js';
import { conceptText, type CodeableConcept } from '../api/fhir-text.js';
import { formatDate } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import type { MessageKey } from '../i18n/en.js';
import { EmptyState } from './EmptyState.js';
import { PatientBanner, type BannerPatient } from './PatientBanner.js';

export interface RecordSummaryData {
  patient: BannerPatient & FhirResource;
  conditions: { id?: string; code?: CodeableConcept; onsetDateTime?: string }[];
  medications: { id?: string; medicationCodeableConcept?: CodeableConcept }[];
  allergies: { id?: string; code?: CodeableConcept }[];
  /** Staff see the visits too; the patient's home leaves them out. */
  encounters?: {
    id?: string;
    type?: CodeableConcept[];
    period?: { start?: string };
    class?: { code?: string };
  }[];
}

/** The patient's summary, read through the caller's token: what the server lets them see. */
export async function loadRecordSummary(
  fhir: FhirClient,
  patientId: string,
  opts: { encounters: boolean },
): Promise<RecordSummaryData> {
  const subject = { patient: patientId, _count: '50' };
  const [patient, conditions, medications, allergies, encounters] = await Promise.all([
    fhir.read<RecordSummaryData['patient']>(`Patient/${patientId}`),
    fhir.search<FhirResource & RecordSummaryData['conditions'][number]>('Condition', {
      ...subject,
      'clinical-status': 'active',
    }),
    fhir.search<FhirResource & RecordSummaryData['medications'][number]>('MedicationRequest', {
      ...subject,
      status: 'active',
    }),
    fhir.search<FhirResource & RecordSummaryData['allergies'][number]>('AllergyIntolerance', subject),
    opts.encounters
      ? fhir.search<FhirResource & NonNullable<RecordSummaryData['encounters']>[number]>('Encounter', {
          ...subject,
          _sort: '-date',
          _count: '10',
        })
      : Promise.resolve(undefined),
  ]);
  return { patient, conditions, medications, allergies, ...(encounters ? { encounters } : {}) };
}

function Section({
  title,
  items,
}: {
  title: MessageKey;
  items: { key: string; text: string; note?: string }[];
}) {
  const { t } = useI18n();
  return (
    <Card withBorder radius="md" component="section" aria-labelledby={`section-${title}`}>
      <Title order={2} size="h4" id={`section-${title}`} mb="xs">
        {t(title)}
      </Title>
      {items.length === 0 ? (
        <EmptyState>{t('record.empty')}</EmptyState>
      ) : (
        <List spacing={4} size="sm">
          {items.map((i) => (
            <List.Item key={i.key}>
              {i.text}
              {i.note && (
                <Text span c="dimmed" size="sm">
                  {' '}
                  ({i.note})
                </Text>
              )}
            </List.Item>
          ))}
        </List>
      )}
    </Card>
  );
}

/** Banner and the record's active problems, medicines, allergies (and, for staff, recent visits). */
export function RecordSummary({ data }: { data: RecordSummaryData }) {
  const { t, locale, timeZone } = useI18n();
  const { patient, conditions, medications, allergies, encounters } = data;
  const date = (value: string) => formatDate(value.slice(0, 10), locale, timeZone);
  return (
    <Stack gap="lg">
      <PatientBanner patient={patient} />
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Section
          title="record.conditions"
          items={conditions.map((c, i) => ({
            key: c.id ?? String(i),
            text: conceptText(c.code),
            ...(c.onsetDateTime ? { note: t('record.since', { date: date(c.onsetDateTime) }) } : {}),
          }))}
        />
        <Section
          title="record.medications"
          items={medications.map((m, i) => ({
            key: m.id ?? String(i),
            text: conceptText(m.medicationCodeableConcept),
          }))}
        />
        <Section
          title="record.allergies"
          items={allergies.map((a, i) => ({ key: a.id ?? String(i), text: conceptText(a.code) }))}
        />
      </SimpleGrid>
      {encounters && (
        <Section
          title="chart.encounters"
          items={encounters.map((e, i) => ({
            key: e.id ?? String(i),
            text: conceptText(e.type?.[0]) || (e.class?.code ?? ''),
            ...(e.period?.start ? { note: date(e.period.start) } : {}),
          }))}
        />
      )}
    </Stack>
  );
}
