-- Video visits (modules/visits/README.md). The FHIR Encounter (id = visit id) stays the record other
-- systems read; this table holds what the waiting room and the call need fast: the lifecycle state,
-- the queue a visit waits in, and what check-in collected.
CREATE TABLE visit (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  -- The booked Appointment; NULL for an on-demand visit (joined from a service line's queue)
  appointment_id text,
  service_line text NOT NULL,
  visit_type_id text,
  patient_id text NOT NULL,
  -- The booked clinician; for an on-demand visit, the clinician who admitted it (NULL while waiting)
  practitioner_id text,
  status text NOT NULL CHECK (status IN ('planned', 'arrived', 'in-progress', 'finished', 'cancelled', 'entered-in-error')),
  -- encounter/state.ts VisitState, the source of the Encounter
  state jsonb NOT NULL,
  starts_at timestamptz,
  expected_minutes integer NOT NULL DEFAULT 20 CHECK (expected_minutes > 0),
  arrived_at timestamptz,
  admitted_at timestamptz,
  ended_at timestamptz,
  intake_response_id text,
  consent_id text,
  -- checkin/device-check.ts DeviceCheckResult, as the browser measured it
  device_check jsonb,
  next_steps_id text,
  -- Each side's satisfaction survey (QuestionnaireResponse), answered once
  patient_survey_id text,
  clinician_survey_id text,
  -- p2p: the two browsers connect directly; sfu: through the media provider (a guest joined)
  media_mode text NOT NULL DEFAULT 'p2p' CHECK (media_mode IN ('p2p', 'sfu')),
  -- The phone bridge's PIN for this visit (telephony/), by SHA-256 only
  phone_pin_hash bytea,
  phone_pin_expires_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX visit_appointment ON visit (tenant_id, appointment_id) WHERE appointment_id IS NOT NULL;
-- The waiting rooms: a clinician's booked patients, and each service line's on-demand queue.
CREATE INDEX visit_waiting_clinician ON visit (tenant_id, practitioner_id, arrived_at) WHERE status = 'arrived';
CREATE INDEX visit_waiting_line ON visit (tenant_id, service_line, arrived_at)
  WHERE status = 'arrived' AND appointment_id IS NULL;
-- Recent visit lengths per clinician, for the estimated wait.
CREATE INDEX visit_finished ON visit (tenant_id, practitioner_id, ended_at) WHERE status = 'finished';
CREATE UNIQUE INDEX visit_phone_pin ON visit (phone_pin_hash) WHERE phone_pin_hash IS NOT NULL;
CREATE INDEX visit_patient ON visit (tenant_id, patient_id, created_at);

-- One-time, expiring invitations to join a visit (caregiver, interpreter, second clinician). Only
-- the token's SHA-256 is stored: the link itself is shown once, to the one who invited.
CREATE TABLE visit_invite (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  visit_id uuid NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('caregiver', 'interpreter', 'secondary-clinician')),
  invited_by text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  -- The participant id the guest got (guest-…)
  participant_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visit (tenant_id, id)
);

-- A tenant's degradation policy (quality/policy.ts DegradationPolicy, as JSON); defaults without a row.
CREATE TABLE visit_policy (
  tenant_id integer PRIMARY KEY REFERENCES tenant (id),
  config jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['visit', 'visit_invite', 'visit_policy']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = current_tenant() OR '
      'current_setting(''openvisit.relay'', true) = ''on'') WITH CHECK (tenant_id = current_tenant() OR '
      'current_setting(''openvisit.relay'', true) = ''on'')', t || '_tenant', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I TO openvisit_app', t);
  END LOOP;
END $$;
