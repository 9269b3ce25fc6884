import { Container, Stack, Text, Title } from '@mantine/core';
import { Navigate } from 'react-router';
import type { FhirClient, FhirResource } from '../api/fhir-client.js';
import { displayName, firstName, type HumanName } from '../api/fhir-text.js';
import type { PatientWithPreferences } from '../api/preferences.js';
import { thingsToDo, type CarePlan } from '../api/things-to-do.js';
import { useQuery } from '../api/use-query.js';
import { appRole } from '../auth/app-role.js';
import { useAuth } from '../auth/AuthProvider.js';
import { ToSignIn } from '../auth/ToSignIn.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageLayout } from '../ui/PageLayout.js';
import { loadRecordSummary, RecordSummary } from '../ui/RecordSummary.js';
import { NextVisits } from '../ui/scheduling/NextVisits.js';
import { ThingsToDo } from '../ui/ThingsToDo.js';

interface RelatedPerson {
  name?: HumanName[];
  patient?: { reference?: string };
}

/** The summary and the active care plans of one patient, through the caller's token. */
async function loadHome(fhir: FhirClient, patientId: string) {
  const [summary, plans] = await Promise.all([
    loadRecordSummary(fhir, patientId, { encounters: false }),
    fhir.search<FhirResource & CarePlan>('CarePlan', { patient: patientId, status: 'active', _count: '20' }),
  ]);
  return { summary, plans };
}

/**
 * A patient's home, seen by the patient or by their caregiver (`caregiver` names them): what to do
 * next, then active problems, medicines and allergies.
 */
function PatientHome({ patientId, caregiver }: { patientId: string; caregiver?: string }) {
  const { t } = useI18n();
  const { fhir } = useAuth();
  const q = useQuery(`home/${patientId}`, () => loadHome(fhir, patientId));
  if (q.loading && !q.data) return <Loading label={t('app.loading')} />;
  if (q.error || !q.data) return <ErrorState error={q.error} onRetry={q.retry} />;
  const { summary, plans } = q.data;
  const patient = summary.patient as typeof summary.patient & PatientWithPreferences;
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>{t('home.greeting', { name: caregiver ?? firstName(patient.name) })}</Title>
        <Text c="dimmed">
          {caregiver ? t('home.caregiverLead', { name: displayName(patient.name) }) : t('home.lead')}
        </Text>
      </div>
      <ThingsToDo items={thingsToDo(patient, plans, caregiver === undefined)} />
      <NextVisits patientId={patientId} />
      <RecordSummary data={summary} />
    </Stack>
  );
}

/** A caregiver's home: the patient their RelatedPerson record says they care for. */
function CaregiverHome({ relatedPersonId }: { relatedPersonId: string }) {
  const { t } = useI18n();
  const { fhir } = useAuth();
  const q = useQuery(`caregiver/${relatedPersonId}`, () =>
    fhir.read<FhirResource & RelatedPerson>(`RelatedPerson/${relatedPersonId}`),
  );
  if (q.loading && !q.data) return <Loading label={t('app.loading')} />;
  if (q.error || !q.data) return <ErrorState error={q.error} onRetry={q.retry} />;
  const [type, patientId] = (q.data.patient?.reference ?? '').split('/');
  if (type !== 'Patient' || !patientId) return <Text>{t('home.noDependent')}</Text>;
  return <PatientHome patientId={patientId} caregiver={firstName(q.data.name)} />;
}

/**
 * Home: the patient portal for patients and caregivers; clinicians start at patient search, the
 * front desk (no Practitioner of their own) at the schedule.
 */
export default function Home() {
  const { t } = useI18n();
  const { tokens } = useAuth();
  if (!tokens) return <ToSignIn />;
  const [type, id] = (tokens.fhirUser ?? '').split('/');
  if (type === 'Practitioner') return <Navigate to="/patients" replace />;
  if (appRole(tokens) === 'front-desk') return <Navigate to="/schedule" replace />;
  return (
    <PageLayout>
      <Container size="lg" py="md">
        {type === 'Patient' && id ? (
          <PatientHome patientId={id} />
        ) : type === 'RelatedPerson' && id ? (
          <CaregiverHome relatedPersonId={id} />
        ) : (
          <Stack>
            <Title order={1}>{t('nav.home')}</Title>
            <Text>{t('home.staffLead')}</Text>
          </Stack>
        )}
      </Container>
    </PageLayout>
  );
}
