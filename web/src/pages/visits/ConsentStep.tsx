import { Button, Checkbox, Paper, Stack, Text, Title } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { TELEHEALTH_CONSENT_VERSION } from '../../../../server/src/modules/visits/checkin/consent.js';
import { useI18n } from '../../i18n/I18nProvider.js';

/** The consent's paragraphs, in order; their text is in the catalogs (checkin.*.ts). */
const PARAGRAPHS = [
  'checkin.consent.p1',
  'checkin.consent.p2',
  'checkin.consent.p3',
  'checkin.consent.p4',
  'checkin.consent.p5',
  'checkin.consent.p6',
  'checkin.consent.p7',
  'checkin.consent.p8',
] as const;

/**
 * The telehealth consent in plain language, its version, a box to tick and "I agree". `onAgree`
 * gets the version read (TELEHEALTH_CONSENT_VERSION), which the server records in the Consent.
 */
export function ConsentStep({
  onAgree,
  busy = false,
  headingLevel = 2,
}: {
  onAgree: (consent: { version: string }) => void;
  busy?: boolean;
  headingLevel?: 2 | 3;
}) {
  const { t } = useI18n();
  const [checked, setChecked] = useState(false);
  const [tried, setTried] = useState(false);
  const box = useRef<HTMLInputElement>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (checked) onAgree({ version: TELEHEALTH_CONSENT_VERSION });
    else box.current?.focus();
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="consent-title">
      <Stack gap="md">
        <Title order={headingLevel} id="consent-title">
          {t('checkin.consent.title')}
        </Title>
        <Paper withBorder p="md" component="section" aria-labelledby="consent-title">
          <Stack gap="sm">
            {PARAGRAPHS.map((key) => (
              <Text key={key}>{t(key)}</Text>
            ))}
            <Text size="sm" c="dimmed">
              {t('checkin.consent.version', { version: TELEHEALTH_CONSENT_VERSION })}
            </Text>
          </Stack>
        </Paper>
        <Checkbox
          ref={box}
          label={t('checkin.consent.checkbox')}
          checked={checked}
          required
          onChange={(e) => setChecked(e.currentTarget.checked)}
          error={tried && !checked ? t('checkin.consent.mustAgree') : undefined}
        />
        <div>
          <Button type="submit" loading={busy}>
            {t('checkin.consent.agree')}
          </Button>
        </div>
      </Stack>
    </form>
  );
}
