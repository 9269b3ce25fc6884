-- Appointment notices (modules/scheduling/notify/README.md): one row per message to send, written in
-- the booking's own transaction, so a notice exists iff the booking change committed. No names,
-- addresses or numbers are stored here: they are read from the Patient when the message is sent.

CREATE TABLE sched_notice (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  -- What makes a second enqueue of the same notice (a retried transaction) a no-op, and what the
  -- e-mail Message-ID and the SMS provider's idempotency token are derived from.
  idem_key text NOT NULL,
  booking_id uuid,
  offer_id uuid,
  -- FHIR Patient id
  patient_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('confirmation', 'reminder', 'changed', 'cancelled', 'waitlist-offer')),
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  due_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- A pending row is taken from then on: due_at at first, later after a retry's backoff.
  next_attempt_at timestamptz NOT NULL,
  -- A 'sending' row belongs to the worker that claimed it until then; afterwards any worker may.
  lease_until timestamptz,
  sent_at timestamptz,
  provider_message_id text,
  -- A short code (smtp-451, no-address, superseded): never a message, which could quote an address.
  last_error text CHECK (last_error ~ '^[a-z0-9-]{1,48}$'),
  -- The booking as the notice was made for it: a notice for a time that has since moved is skipped.
  booking_starts_at timestamptz,
  booking_version integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, idem_key),
  CHECK (booking_id IS NOT NULL OR offer_id IS NOT NULL)
);
-- What the worker claims: pending rows that are due, and rows whose sender's lease ran out.
CREATE INDEX sched_notice_due ON sched_notice (next_attempt_at) WHERE status = 'pending';
CREATE INDEX sched_notice_leased ON sched_notice (lease_until) WHERE status = 'sending';
-- A booking's notices, to retire its pending reminders when it moves or is cancelled.
CREATE INDEX sched_notice_booking ON sched_notice (tenant_id, booking_id) WHERE status = 'pending';

ALTER TABLE sched_notice ENABLE ROW LEVEL SECURITY;
ALTER TABLE sched_notice FORCE ROW LEVEL SECURITY;
-- The notification worker claims due notices of every tenant in one relay transaction.
CREATE POLICY sched_notice_tenant ON sched_notice
  USING (tenant_id = current_tenant() OR current_setting('openvisit.relay', true) = 'on')
  WITH CHECK (tenant_id = current_tenant() OR current_setting('openvisit.relay', true) = 'on');
GRANT SELECT, INSERT, UPDATE ON sched_notice TO openvisit_app;
