import { Anchor, AppShell, Box, Button, Group, NativeSelect, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { appRole, booksOwnVisits, keepsSchedules } from '../auth/app-role.js';
import { useAuth } from '../auth/AuthProvider.js';
import { IdleGuard } from '../auth/IdleGuard.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { LOCALES, type Locale } from '../i18n/translate.js';
import { ServiceBanner } from './ServiceBanner.js';

/** Every page's frame: skip link, header (name, navigation, language, sign-out) and the main region. */
export function PageLayout({ children }: { children: ReactNode }) {
  const { t, locale, setLocale } = useI18n();
  const auth = useAuth();
  const role = auth.tokens ? appRole(auth.tokens) : null;
  const nav = auth.tokens && (
    <nav aria-label={t('nav.main')}>
      <Group gap="md" wrap="nowrap">
        {role === 'practitioner' ? (
          <Anchor component={NavLink} to="/patients">
            {t('nav.patients')}
          </Anchor>
        ) : role !== 'front-desk' ? (
          <Anchor component={NavLink} to="/home">
            {t('nav.home')}
          </Anchor>
        ) : null}
        {role === 'practitioner' && (
          <Anchor component={NavLink} to="/clinic/waiting-room">
            {t('visit.nav.waitingRoom')}
          </Anchor>
        )}
        {role && keepsSchedules(role) && (
          <Anchor component={NavLink} to="/schedule">
            {t('nav.schedule')}
          </Anchor>
        )}
        {role && booksOwnVisits(role) && (
          <Anchor component={NavLink} to="/appointments">
            {t('nav.appointments')}
          </Anchor>
        )}
        {auth.tokens.fhirUser?.startsWith('Patient/') && (
          <>
            <Anchor component={NavLink} to="/record" end>
              {t('nav.record')}
            </Anchor>
            <Anchor component={NavLink} to="/record/access">
              {t('nav.access')}
            </Anchor>
            <Anchor component={NavLink} to="/sharing">
              {t('nav.sharing')}
            </Anchor>
            <Anchor component={NavLink} to="/profile">
              {t('nav.profile')}
            </Anchor>
          </>
        )}
      </Group>
    </nav>
  );
  return (
    <AppShell header={{ height: { base: auth.tokens ? 96 : 56, sm: 64 } }} padding="md">
      <a className="ov-skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <AppShell.Header px="md">
        <Group h={{ base: 56, sm: 64 }} justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="lg" wrap="nowrap">
            <Text component="span" fw={700} size="lg">
              {t('app.name')}
            </Text>
            <Box visibleFrom="sm">{nav}</Box>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <NativeSelect
              aria-label={t('nav.language')}
              value={locale}
              onChange={(e) => setLocale(e.currentTarget.value as Locale)}
              data={Object.entries(LOCALES).map(([value, label]) => ({ value, label }))}
              size="sm"
            />
            {auth.tokens && (
              <Button variant="outline" size="sm" onClick={() => void auth.signOut()}>
                {t('nav.signOut')}
              </Button>
            )}
          </Group>
        </Group>
        {nav && (
          <Box hiddenFrom="sm" h={40} style={{ overflowX: 'auto', whiteSpace: 'nowrap' }}>
            {nav}
          </Box>
        )}
      </AppShell.Header>
      {auth.tokens && <IdleGuard />}
      <AppShell.Main id="main" tabIndex={-1}>
        <ServiceBanner />
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
