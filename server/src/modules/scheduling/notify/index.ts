import type { Database } from '../../../platform/db/pool.js';
import type { NotifyConfig } from './config.js';
import { SmtpEmailSender } from './email/smtp.js';
import { TwilioSmsProvider } from './sms/twilio.js';
import { NotificationWorker, type NoticeLog } from './worker.js';
import type { NoticeEvent } from './types.js';

export { notifyConfigFromEnv, type NotifyConfig } from './config.js';
export { enqueueBookingNotices, enqueueOfferNotice } from './enqueue.js';
export { noticeMetrics } from './metrics.js';
export { noticeQueue, type BookingNoticeQueue } from './queue.js';
export { NotificationWorker, type NotificationWorkerOptions } from './worker.js';

/** The worker with the configured senders (a channel without settings is skipped). */
export function createNotificationWorker(
  db: Database,
  config: NotifyConfig,
  opts: { log?: NoticeLog; onOutcome?: (e: NoticeEvent) => void } = {},
): NotificationWorker {
  return new NotificationWorker({
    db,
    baseUrl: config.baseUrl,
    defaultTimeZone: config.defaultTimeZone,
    ...(config.email ? { email: new SmtpEmailSender(config.email) } : {}),
    ...(config.sms ? { sms: new TwilioSmsProvider(config.sms) } : {}),
    ...opts,
  });
}
