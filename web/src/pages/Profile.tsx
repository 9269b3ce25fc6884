import { Button, Card, Checkbox, Container, NativeSelect, Stack, TextInput, Title } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { Navigate } from 'react-router';
import {
  preferencesOf,
  validEmail,
  validPhone,
  withPreferences,
  type Channel,
  type PatientWithPreferences,
  type Preferences,
} from '../api/preferences.js';
import { useAction } from '../api/use-action.js';
import { useQuery } from '../api/use-query.js';
import { useAuth } from '../auth/AuthProvider.js';
import { ToSignIn } from '../auth/ToSignIn.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { LOCALES, type Locale } from '../i18n/translate.js';
import { ActionStatus } from '../ui/ActionStatus.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageHeading } from '../ui/PageHeading.js';
import { PageLayout } from '../ui/PageLayout.js';

const ZONES: readonly string[] =
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];

/** The patient's contact details and preferences, kept on their Patient resource. */
export default function Profile() {
  const { t, locale, timeZone, setLocale, setTimeZone } = useI18n();
  const { fhir, tokens } = useAuth();
  const [type, id = ''] = (tokens?.fhirUser ?? '').split('/');
  const [version, setVersion] = useState(0);
  const patient = useQuery(`profile/${id}/${version}`, () =>
    fhir.read<PatientWithPreferences>(`Patient/${id}`),
  );
  const [form, setForm] = useState<Preferences | null>(null);
  const [touched, setTouched] = useState(false);
  const action = useAction();
  useEffect(() => {
    if (patient.data) setForm(preferencesOf(patient.data, { language: locale, timeZone }));
    // The form starts from the stored record; later changes of the UI language do not reset it.
  }, [patient.data]);
  if (!tokens) return <ToSignIn />;
  if (type !== 'Patient') return <Navigate to="/home" replace />;

  const emailOk = !form || validEmail(form.email);
  const phoneOk = !form || validPhone(form.phone);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    const current = patient.data;
    if (!form || !current || !emailOk || !phoneOk) return;
    const saved = await action.run(() =>
      fhir.request(`Patient/${id}`, { method: 'PUT', body: withPreferences(current, form) }),
    );
    if (!saved) return;
    setLocale(form.language as Locale);
    setTimeZone(form.timeZone);
    setVersion((v) => v + 1);
  };

  return (
    <PageLayout>
      <Container size="sm" py="md">
        <Stack gap="lg">
          <PageHeading title={t('profile.title')} lead={t('profile.lead')} />
          <ActionStatus action={action} doneText={t('profile.saved')} />
          {patient.error ? (
            <ErrorState error={patient.error} onRetry={patient.retry} />
          ) : !form ? (
            <Loading label={t('app.loading')} />
          ) : (
            <form onSubmit={(e) => void submit(e)} noValidate>
              <Stack gap="lg">
                <Card withBorder component="fieldset" aria-labelledby="contact-title">
                  <Title order={2} size="h4" id="contact-title" mb="sm">
                    {t('profile.contact')}
                  </Title>
                  <Stack gap="sm">
                    <TextInput
                      label={t('profile.email')}
                      type="email"
                      autoComplete="email"
                      value={form.email}
                      onChange={(e) => setForm({ ...form, email: e.currentTarget.value.trim() })}
                      error={touched && !emailOk ? t('profile.badEmail') : undefined}
                    />
                    <TextInput
                      label={t('profile.phone')}
                      type="tel"
                      autoComplete="tel"
                      value={form.phone}
                      onChange={(e) => setForm({ ...form, phone: e.currentTarget.value })}
                      error={touched && !phoneOk ? t('profile.badPhone') : undefined}
                    />
                  </Stack>
                </Card>
                <Card withBorder component="fieldset" aria-labelledby="prefs-title">
                  <Title order={2} size="h4" id="prefs-title" mb="sm">
                    {t('profile.preferences')}
                  </Title>
                  <Stack gap="sm">
                    <NativeSelect
                      label={t('profile.language')}
                      value={form.language}
                      onChange={(e) => setForm({ ...form, language: e.currentTarget.value })}
                      data={Object.entries(LOCALES).map(([value, label]) => ({ value, label }))}
                    />
                    <NativeSelect
                      label={t('profile.timeZone')}
                      description={t('profile.timeZoneHint')}
                      value={form.timeZone}
                      onChange={(e) => setForm({ ...form, timeZone: e.currentTarget.value })}
                      data={ZONES.includes(form.timeZone) ? [...ZONES] : [form.timeZone, ...ZONES]}
                    />
                    <Checkbox.Group
                      label={t('profile.channels')}
                      value={form.channels}
                      onChange={(v) => setForm({ ...form, channels: v as Channel[] })}
                    >
                      <Stack gap={6} mt={6}>
                        <Checkbox value="email" label={t('profile.channel.email')} />
                        <Checkbox value="sms" label={t('profile.channel.sms')} />
                      </Stack>
                    </Checkbox.Group>
                  </Stack>
                </Card>
                <div>
                  <Button type="submit" loading={action.busy}>
                    {t('profile.save')}
                  </Button>
                </div>
              </Stack>
            </form>
          )}
        </Stack>
      </Container>
    </PageLayout>
  );
}
