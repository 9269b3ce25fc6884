import { Tabs } from '@mantine/core';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/I18nProvider.js';
import { DocumentsPart, ImmunizationsPart, type RecordParts } from './RecordParts.js';
import { ResultsPart } from './ResultsPart.js';

/**
 * A record's lists as tabs, after a first tab of the page's own (the portal's overview, the
 * chart's timeline). Panels mount when chosen; the lists are read up front (`useRecordParts`).
 */
export function RecordTabs({
  parts,
  first,
}: {
  parts: RecordParts;
  first: { value: string; label: string; panel: ReactNode };
}) {
  const { t } = useI18n();
  return (
    <Tabs defaultValue={first.value} keepMounted={false}>
      <Tabs.List aria-label={t('record.tabs')}>
        <Tabs.Tab value={first.value}>{first.label}</Tabs.Tab>
        <Tabs.Tab value="results">{t('record.results')}</Tabs.Tab>
        <Tabs.Tab value="immunizations">{t('record.immunizations')}</Tabs.Tab>
        <Tabs.Tab value="documents">{t('record.documents')}</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value={first.value} pt="md">
        {first.panel}
      </Tabs.Panel>
      <Tabs.Panel value="results" pt="md">
        <ResultsPart q={parts.results} />
      </Tabs.Panel>
      <Tabs.Panel value="immunizations" pt="md">
        <ImmunizationsPart q={parts.immunizations} />
      </Tabs.Panel>
      <Tabs.Panel value="documents" pt="md">
        <DocumentsPart q={parts.documents} />
      </Tabs.Panel>
    </Tabs>
  );
}
