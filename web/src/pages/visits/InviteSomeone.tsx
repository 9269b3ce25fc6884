import { Alert, Button, Group, Modal, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/api-error.js';
import { useAction } from '../../api/use-action.js';
import { noMediaServer, type Invitation } from '../../api/visits.js';
import { formatTime } from '../../i18n/format.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { ErrorState } from '../../ui/ErrorState.js';
import type { GuestKind } from '../../visits/call.js';
import { useVisits } from '../../visits/use-visits.js';

const KINDS: readonly GuestKind[] = ['caregiver', 'interpreter', 'secondary-clinician'];

/** Whether a refusal is the visit being full (or no longer going on): a 409 business rule. */
function refusedAsFull(err: unknown): boolean {
  return err instanceof ApiError && err.status === 409;
}

/** The link, to copy (the clipboard may be refused: the link stays selectable). */
function InvitationLink({ invitation }: { invitation: Invitation }) {
  const { t, locale, timeZone } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(invitation.url);
      setCopied('yes');
    } catch {
      input.current?.select();
      setCopied('no');
    }
  };
  return (
    <Stack gap="xs">
      <Group align="flex-end" gap="xs" wrap="nowrap">
        <TextInput
          ref={input}
          label={t('visit.invite.link')}
          value={invitation.url}
          readOnly
          onFocus={(e) => e.currentTarget.select()}
          style={{ flex: 1, minWidth: 0 }}
          data-testid="invite-link"
        />
        <Button onClick={() => void copy()}>{t('visit.invite.copy')}</Button>
      </Group>
      <Text size="sm" role="status" aria-live="polite">
        {copied === 'yes' ? t('visit.invite.copied') : copied === 'no' ? t('visit.invite.copyFailed') : ''}
      </Text>
      <Text size="sm">
        {t('visit.invite.expires', { time: formatTime(Date.parse(invitation.expiresAt), locale, timeZone) })}
      </Text>
    </Stack>
  );
}

/**
 * "Invite someone": the patient or the clinician picks a caregiver, an interpreter or a second
 * clinician and gets a one-time link to send them, with when it expires. A service without a media
 * server (501) cannot have more than two in a visit, and says so plainly.
 */
export function InviteSomeone({ visitId }: { visitId: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="default" onClick={() => setOpen(true)}>
        {t('visit.invite.open')}
      </Button>
      {open && <InviteDialog visitId={visitId} onClose={() => setOpen(false)} />}
    </>
  );
}

function InviteDialog({ visitId, onClose }: { visitId: string; onClose(): void }) {
  const { t } = useI18n();
  const visits = useVisits();
  const action = useAction();
  const [kind, setKind] = useState<GuestKind | ''>('');
  const [tried, setTried] = useState(false);
  const [invitation, setInvitation] = useState<Invitation | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!kind) return;
    await action.run(async () => setInvitation(await visits.invite(visitId, kind)));
  };
  const failure = action.failure;
  return (
    <Modal
      opened
      onClose={onClose}
      title={t('visit.invite.title')}
      closeButtonProps={{ 'aria-label': t('app.close') }}
    >
      {invitation ? (
        <Stack gap="md">
          <div>
            <Text fw={600}>{t('visit.invite.for', { who: t(`visit.role.${invitation.role}`) })}</Text>
            <Text>{t('visit.invite.sendIt')}</Text>
          </div>
          <InvitationLink invitation={invitation} />
          <Group justify="flex-end" gap="sm">
            <Button
              variant="default"
              onClick={() => {
                setInvitation(null);
                setKind('');
                setTried(false);
              }}
            >
              {t('visit.invite.another')}
            </Button>
            <Button onClick={onClose}>{t('visit.invite.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack gap="md">
            <Text>{t('visit.invite.lead')}</Text>
            <Radio.Group
              label={t('visit.invite.who')}
              value={kind}
              onChange={(v) => setKind(v as GuestKind)}
              error={tried && !kind ? t('visit.invite.pickOne') : undefined}
              required
            >
              <Stack gap="xs" mt="xs">
                {KINDS.map((k) => (
                  <Radio key={k} value={k} label={t(`visit.invite.kind.${k}`)} />
                ))}
              </Stack>
            </Radio.Group>
            {failure !== null &&
              (noMediaServer(failure) ? (
                <Alert color="gray" role="alert" title={t('visit.invite.unavailable')} />
              ) : refusedAsFull(failure) ? (
                <Alert color="yellow" role="alert" title={t('visit.invite.refused')} />
              ) : (
                <ErrorState error={failure} />
              ))}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={onClose}>
                {t('visit.invite.cancel')}
              </Button>
              <Button type="submit" loading={action.busy} disabled={noMediaServer(failure)}>
                {t('visit.invite.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
