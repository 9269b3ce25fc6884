import { Anchor, Badge, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { conceptText } from '../api/fhir-text.js';
import { flagOf, rangeText, valueText, type Observation } from '../api/observation-text.js';
import { groupResults, type ResultGroup } from '../api/result-groups.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { keyOr } from '../i18n/optional-key.js';
import { DataTable } from './DataTable.js';
import { Part, useDate, type RecordParts } from './RecordParts.js';
import { Sparkline } from './Sparkline.js';

/** A result's value in the user's locale, with its high/low/abnormal flag in words. */
function ResultValue({ o }: { o: Observation }) {
  const { t, locale } = useI18n();
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
}

/** The trend of a test in words and as a line: how many results, from which value to which. */
function Trend({
  group,
  width,
  height,
}: {
  group: ResultGroup<Observation>;
  width?: number;
  height?: number;
}) {
  const { t, locale } = useI18n();
  const first = group.series[0];
  const last = group.series[group.series.length - 1];
  if (!first || !last || group.series.length < 2) return null;
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 4 });
  const label = t('record.trendLabel', {
    count: String(group.series.length),
    first: number.format(first.value),
    last: number.format(last.value),
  });
  return <Sparkline values={group.series.map((p) => p.value)} label={label} {...{ width, height }} />;
}

/** Every result of one test, newest first, with its trend. */
function ResultHistory({ group, onClose }: { group: ResultGroup<Observation>; onClose: () => void }) {
  const { t, locale } = useI18n();
  const date = useDate();
  return (
    <Modal
      opened
      onClose={onClose}
      title={conceptText(group.latest.code)}
      size="lg"
      closeButtonProps={{ 'aria-label': t('app.close') }}
    >
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          {t('record.historyLead')}
        </Text>
        <Trend group={group} width={480} height={96} />
        <DataTable
          caption={t('record.history')}
          minWidth={320}
          rows={group.history}
          rowKey={(o, i) => o.id ?? String(i)}
          columns={[
            { key: 'value', header: t('record.value'), cell: (o) => <ResultValue o={o} /> },
            { key: 'range', header: t('record.range'), cell: (o) => rangeText(o, locale) },
            { key: 'date', header: t('record.date'), cell: (o) => date(o.effectiveDateTime ?? o.issued) },
          ]}
        />
      </Stack>
    </Modal>
  );
}

/**
 * Lab results one row per test: the latest value with its reference range and flag, and the trend;
 * a test with earlier results opens its whole history.
 */
export function ResultsPart({ q }: { q: RecordParts['results'] }) {
  const { t, locale } = useI18n();
  const date = useDate();
  const [open, setOpen] = useState<ResultGroup<Observation> | null>(null);
  return (
    <Part q={q} empty="record.empty">
      {(list) => (
        <>
          <DataTable
            caption={t('record.results')}
            minWidth={640}
            rows={groupResults(list)}
            rowKey={(g) => g.key}
            columns={[
              {
                key: 'test',
                header: t('record.test'),
                cell: (g) =>
                  g.history.length > 1 ? (
                    <Anchor component="button" type="button" ta="start" onClick={() => setOpen(g)}>
                      {conceptText(g.latest.code)}
                    </Anchor>
                  ) : (
                    conceptText(g.latest.code)
                  ),
              },
              { key: 'value', header: t('record.latest'), cell: (g) => <ResultValue o={g.latest} /> },
              { key: 'range', header: t('record.range'), cell: (g) => rangeText(g.latest, locale) },
              {
                key: 'date',
                header: t('record.date'),
                cell: (g) => date(g.latest.effectiveDateTime ?? g.latest.issued),
              },
              { key: 'trend', header: t('record.trend'), cell: (g) => <Trend group={g} /> },
            ]}
          />
          {open && <ResultHistory group={open} onClose={() => setOpen(null)} />}
        </>
      )}
    </Part>
  );
}
