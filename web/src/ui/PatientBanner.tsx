import { Badge, Group, Paper, Text, Title } from '@mantine/core';
import { displayName, medicalRecordNumber, type HumanName, type Identifier } from '../api/fhir-text.js';
import { ageOn, formatDate } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';

export interface BannerPatient {
  id?: string;
  name?: HumanName[];
  birthDate?: string;
  gender?: string;
  identifier?: Identifier[];
}

const GENDERS = ['male', 'female', 'other', 'unknown'] as const;

/** Who the page is about: name, birth date and age, gender, record number. */
export function PatientBanner({
  patient,
  headingLevel = 2,
}: {
  patient: BannerPatient;
  headingLevel?: 1 | 2;
}) {
  const { t, locale, timeZone } = useI18n();
  const age = patient.birthDate ? ageOn(patient.birthDate, new Date()) : null;
  const gender = GENDERS.find((g) => g === patient.gender) ?? 'unknown';
  const mrn = medicalRecordNumber(patient.identifier);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={displayName(patient.name)}>
      <Title order={headingLevel} size="h3">
        {displayName(patient.name)}
      </Title>
      <Group gap="md" mt="xs" wrap="wrap">
        {patient.birthDate && (
          <Text size="sm">{t('banner.born', { date: formatDate(patient.birthDate, locale, timeZone) })}</Text>
        )}
        {age !== null && <Text size="sm">{t('banner.age', { age })}</Text>}
        <Badge variant="light" color="gray">
          {t(`banner.gender.${gender}`)}
        </Badge>
        {mrn && <Text size="sm">{t('banner.mrn', { mrn })}</Text>}
      </Group>
    </Paper>
  );
}
