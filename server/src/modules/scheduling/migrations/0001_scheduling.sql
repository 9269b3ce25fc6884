-- Scheduling (modules/scheduling/README.md): visit types, clinicians' availability, bookings with a
-- database guarantee against double booking, group sessions, waitlist and offers, fair assignment.
-- The FHIR resources (HealthcareService, PractitionerRole, Schedule, Appointment) stay the record
-- other systems read; these tables hold what the database must guarantee or the scheduler needs fast.

-- GiST equality on the tenant and clinician next to the time range of the exclusion constraint.
-- Trusted since PostgreSQL 13: a database owner may create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- A visit type of a service line (availability/types.ts VisitType, as JSON).
CREATE TABLE sched_visit_type (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  id text NOT NULL CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  service_line text NOT NULL,
  config jsonb NOT NULL,
  active boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

-- A clinician's availability (ClinicianAvailability, as JSON) and the FHIR resources it mirrors.
CREATE TABLE sched_clinician (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  practitioner_id text NOT NULL,
  config jsonb NOT NULL,
  practitioner_role_id text,
  schedule_id text,
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, practitioner_id)
);

-- Every booking of a clinician's time. `blocked` is the visit with its buffers: two live bookings of
-- one clinician never overlap there, whatever the application does (the exclusion constraint).
-- A group session is one booking (kind 'group') with seats in sched_seat.
CREATE TABLE sched_booking (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  kind text NOT NULL DEFAULT 'visit' CHECK (kind IN ('visit', 'group')),
  practitioner_id text NOT NULL,
  -- NULL for a group session (its patients hold seats)
  patient_id text,
  visit_type_id text NOT NULL,
  modality text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
  blocked tstzrange NOT NULL,
  -- held: kept for a waitlist offer until hold_expires_at; booked; checked-in; fulfilled; cancelled; noshow
  status text NOT NULL CHECK (status IN ('held', 'booked', 'checked-in', 'fulfilled', 'cancelled', 'noshow')),
  hold_expires_at timestamptz,
  capacity integer NOT NULL DEFAULT 1 CHECK (capacity >= 1),
  seats_taken integer NOT NULL DEFAULT 0 CHECK (seats_taken >= 0 AND seats_taken <= capacity),
  appointment_id text,
  -- The local date and ISO week (Monday) in the clinician's zone: what the caps count by
  local_date date NOT NULL,
  local_week date NOT NULL,
  booked_by text NOT NULL,
  cancel_reason text,
  rescheduled_from uuid,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT sched_booking_no_overlap EXCLUDE USING gist (
    tenant_id WITH =, practitioner_id WITH =, blocked WITH &&
  ) WHERE (status IN ('held', 'booked', 'checked-in'))
);
CREATE INDEX sched_booking_clinician ON sched_booking (tenant_id, practitioner_id, starts_at)
  WHERE status IN ('held', 'booked', 'checked-in');
CREATE INDEX sched_booking_patient ON sched_booking (tenant_id, patient_id, starts_at);
CREATE UNIQUE INDEX sched_booking_appointment ON sched_booking (tenant_id, appointment_id)
  WHERE appointment_id IS NOT NULL;
-- The no-show sweep: live bookings by start.
CREATE INDEX sched_booking_due ON sched_booking (starts_at) WHERE status = 'booked';

-- A patient's seat in a group session.
CREATE TABLE sched_seat (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  booking_id uuid NOT NULL,
  patient_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('booked', 'checked-in', 'fulfilled', 'cancelled', 'noshow')),
  appointment_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, booking_id) REFERENCES sched_booking (tenant_id, id)
);
CREATE UNIQUE INDEX sched_seat_once ON sched_seat (tenant_id, booking_id, patient_id)
  WHERE status <> 'cancelled';

-- Appointments per clinician and local day / ISO week, for the caps: one row each, incremented in
-- the booking's transaction under the row's lock, so concurrent bookings never pass a cap together.
CREATE TABLE sched_load (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  practitioner_id text NOT NULL,
  period text NOT NULL CHECK (period IN ('day', 'week')),
  starts_on date NOT NULL,
  booked integer NOT NULL DEFAULT 0 CHECK (booked >= 0),
  PRIMARY KEY (tenant_id, practitioner_id, period, starts_on)
);

-- Patients waiting for a time: a visit type, optionally a clinician, a range of days.
CREATE TABLE sched_waitlist (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  patient_id text NOT NULL,
  visit_type_id text NOT NULL,
  practitioner_id text,
  earliest timestamptz NOT NULL,
  latest timestamptz NOT NULL CHECK (latest > earliest),
  status text NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'cancelled', 'expired')),
  booking_id uuid,
  -- The FHIR Appointment (status waitlist, requestedPeriod) that records the wait
  appointment_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sched_waitlist_waiting ON sched_waitlist (tenant_id, visit_type_id, created_at)
  WHERE status = 'waiting';

-- An offer of a freed time to a waitlisted patient: the time is held (a 'held' booking) until the
-- patient accepts or the offer expires and passes on.
CREATE TABLE sched_offer (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  waitlist_id uuid NOT NULL,
  booking_id uuid NOT NULL,
  expires_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'expired')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, waitlist_id) REFERENCES sched_waitlist (tenant_id, id)
);
CREATE INDEX sched_offer_open ON sched_offer (expires_at) WHERE status = 'open';

-- Smooth weighted round-robin state of "first available" per service line (availability/).
CREATE TABLE sched_rotation (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  service_line text NOT NULL,
  state jsonb NOT NULL,
  PRIMARY KEY (tenant_id, service_line)
);

-- Tenant scheduling policy: who may cancel or reschedule how late, waitlist offer time, no-show grace.
CREATE TABLE sched_policy (
  tenant_id integer PRIMARY KEY REFERENCES tenant (id),
  config jsonb NOT NULL
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['sched_visit_type', 'sched_clinician', 'sched_booking', 'sched_seat',
    'sched_load', 'sched_waitlist', 'sched_offer', 'sched_rotation', 'sched_policy']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    -- Workers that sweep every tenant (no-shows, expired offers) declare themselves like the relay.
    EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = current_tenant() OR '
      'current_setting(''openvisit.relay'', true) = ''on'') WITH CHECK (tenant_id = current_tenant() OR '
      'current_setting(''openvisit.relay'', true) = ''on'')', t || '_tenant', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I TO openvisit_app', t);
  END LOOP;
END $$;
