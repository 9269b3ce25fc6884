import { Anchor, Modal, Text } from '@mantine/core';
import { useState } from 'react';
import { loadAttachment, type Attachment } from '../api/attachment.js';
import { useAction } from '../api/use-action.js';
import { useAuth } from '../auth/AuthProvider.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { ErrorState } from './ErrorState.js';

/**
 * Opens a document with the user's token: text is shown in a dialog, anything else is saved as a
 * file (the app never renders a document's HTML or script).
 */
export function DocumentButton({ attachment, name }: { attachment: Attachment; name: string }) {
  const { t } = useI18n();
  const { fhir, session } = useAuth();
  const action = useAction();
  const [text, setText] = useState<string | null>(null);

  const open = () =>
    action.run(async () => {
      const content = await loadAttachment(fhir, session.endpointsBase, attachment);
      if (content.text !== undefined) return setText(content.text);
      const url = URL.createObjectURL(new Blob([content.bytes], { type: content.mediaType }));
      const a = document.createElement('a');
      a.href = url;
      a.download = attachment.title ?? name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });

  return (
    <>
      <Anchor component="button" type="button" ta="start" disabled={action.busy} onClick={() => void open()}>
        {name}
      </Anchor>
      {action.failure !== null && <ErrorState error={action.failure} onRetry={() => void open()} />}
      <Modal
        opened={text !== null}
        onClose={() => setText(null)}
        title={name}
        size="lg"
        closeButtonProps={{ 'aria-label': t('app.close') }}
      >
        <Text style={{ whiteSpace: 'pre-wrap' }}>{text}</Text>
      </Modal>
    </>
  );
}
