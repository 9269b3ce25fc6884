import { Anchor, Container, Stack, Text } from '@mantine/core';
import { Fragment, type ReactNode } from 'react';
import { Link, Navigate } from 'react-router';
import { appRole, keepsSchedules } from '../../auth/app-role.js';
import { useAuth } from '../../auth/AuthProvider.js';
import { ToSignIn } from '../../auth/ToSignIn.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { ErrorState } from '../ErrorState.js';
import { Loading } from '../Loading.js';
import { PageHeading } from '../PageHeading.js';
import { PageLayout } from '../PageLayout.js';
import { ClinicianSelect } from './ClinicianSelect.js';
import { useScheduleOwner } from './schedule-owner.js';

/**
 * A staff page about one clinician's schedule (hours, group sessions): signed-in staff only, a link
 * back to that clinician's schedule, the front desk's clinician picker, then the page's own part,
 * keyed by the clinician so it starts afresh when another is picked.
 */
export function ClinicianPage({
  title,
  lead,
  back,
  children,
}: {
  title: string;
  lead: string;
  back: string;
  children(practitioner: string): ReactNode;
}) {
  const { t } = useI18n();
  const { tokens } = useAuth();
  const owner = useScheduleOwner();
  if (!tokens) return <ToSignIn />;
  if (!keepsSchedules(appRole(tokens))) return <Navigate to="/home" replace />;
  const practitioner = owner.practitioner;
  return (
    <PageLayout>
      <Container size="md" py="md">
        <Stack gap="lg">
          <PageHeading title={title} lead={lead} />
          <Anchor
            component={Link}
            to={`/schedule${practitioner ? `?practitioner=${encodeURIComponent(practitioner)}` : ''}`}
          >
            {back}
          </Anchor>
          {owner.loading ? (
            <Loading label={t('app.loading')} />
          ) : owner.error ? (
            <ErrorState error={owner.error} onRetry={owner.retry} />
          ) : (
            <>
              {owner.clinicians.length > 0 && practitioner && (
                <ClinicianSelect clinicians={owner.clinicians} value={practitioner} onChange={owner.choose} />
              )}
              {practitioner ? (
                <Fragment key={practitioner}>{children(practitioner)}</Fragment>
              ) : (
                <Text>{t('sched.noClinician')}</Text>
              )}
            </>
          )}
        </Stack>
      </Container>
    </PageLayout>
  );
}
