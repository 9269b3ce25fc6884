-- Identity and authorization (auth/identity/README.md): accounts, OAuth clients, OpenID Connect
-- artifacts, signing keys, SMART launch contexts and token revocations.
--
-- Bearer values (tokens, codes, session and grant ids) are never stored as such: rows are keyed by
-- their SHA-256 (`*_hash` columns), and artifact payloads are sealed with the envelope keyring, so a
-- copy of the database yields no usable credential.

-- Per-tenant sign-in policy. Sessions end after `idle_timeout_seconds` without use and after
-- `session_lifetime_seconds` in any case.
CREATE TABLE auth_tenant_policy (
  tenant_id integer PRIMARY KEY REFERENCES tenant (id),
  idle_timeout_seconds integer NOT NULL DEFAULT 900 CHECK (idle_timeout_seconds BETWEEN 60 AND 86400),
  session_lifetime_seconds integer NOT NULL DEFAULT 43200
    CHECK (session_lifetime_seconds BETWEEN 300 AND 2592000),
  -- Staff sign-in federated to an external OpenID Connect provider: {issuer, clientId, clientSecret (sealed)}
  federation text
);

CREATE TABLE auth_account (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  username text NOT NULL CHECK (username = lower(username) AND length(username) BETWEEN 1 AND 254),
  -- argon2id PHC string; NULL for an account that signs in only through federation
  password_hash text,
  roles text[] NOT NULL CHECK (cardinality(roles) > 0),
  -- The FHIR resource the account is (`Patient/…`, `Practitioner/…`, `RelatedPerson/…`)
  fhir_user text CHECK (fhir_user ~ '^(Patient|Practitioner|RelatedPerson|Person)/[A-Za-z0-9.-]{1,64}$'),
  locale text,
  -- TOTP secret sealed with the envelope keyring; the last accepted time step (replay guard)
  mfa_secret text,
  mfa_confirmed boolean NOT NULL DEFAULT false,
  mfa_last_step bigint,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  disabled boolean NOT NULL DEFAULT false,
  -- `issuer|sub` of a federated identity
  external_subject text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, username)
);
CREATE UNIQUE INDEX auth_account_external ON auth_account (tenant_id, external_subject)
  WHERE external_subject IS NOT NULL;
ALTER TABLE auth_account ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth_account FORCE ROW LEVEL SECURITY;
CREATE POLICY auth_account_tenant ON auth_account
  USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON auth_account TO openvisit_app;

ALTER TABLE auth_tenant_policy ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth_tenant_policy FORCE ROW LEVEL SECURITY;
CREATE POLICY auth_tenant_policy_tenant ON auth_tenant_policy
  USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON auth_tenant_policy TO openvisit_app;

-- OAuth clients. Looked up by client_id at the token endpoint, before any tenant is known, so this
-- directory has no row policy; each client serves exactly one tenant. Metadata is sealed (secrets).
CREATE TABLE auth_client (
  client_id text PRIMARY KEY CHECK (client_id ~ '^[A-Za-z0-9._~-]{3,128}$'),
  tenant_id integer NOT NULL REFERENCES tenant (id),
  kind text NOT NULL CHECK (kind IN ('public', 'confidential', 'backend')),
  metadata text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE, DELETE ON auth_client TO openvisit_app;

-- oidc-provider's artifacts (sessions, interactions, grants, codes, refresh tokens, replay guards).
CREATE TABLE oidc_artifact (
  model text NOT NULL,
  id_hash bytea NOT NULL,
  payload text NOT NULL,
  grant_hash bytea,
  -- the account the artifact belongs to: signing out ends every session, grant and token of it
  sub_hash bytea,
  uid_hash bytea,
  user_code_hash bytea,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id_hash)
);
CREATE INDEX oidc_artifact_grant ON oidc_artifact (grant_hash) WHERE grant_hash IS NOT NULL;
CREATE INDEX oidc_artifact_sub ON oidc_artifact (sub_hash) WHERE sub_hash IS NOT NULL;
CREATE INDEX oidc_artifact_uid ON oidc_artifact (model, uid_hash) WHERE uid_hash IS NOT NULL;
CREATE INDEX oidc_artifact_expiry ON oidc_artifact (expires_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON oidc_artifact TO openvisit_app;

-- Token signing keys (private JWK sealed). The newest unretired key signs; retired keys stay in the
-- JWKS until every token they signed has expired.
CREATE TABLE auth_signing_key (
  kid text PRIMARY KEY,
  alg text NOT NULL,
  private_jwk text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);
GRANT SELECT, INSERT, UPDATE ON auth_signing_key TO openvisit_app;

-- SMART launch context: an EHR launch's `launch` value, and the context each grant carries.
CREATE TABLE auth_launch (
  launch_hash bytea PRIMARY KEY,
  tenant_id integer NOT NULL REFERENCES tenant (id),
  patient text,
  encounter text,
  expires_at timestamptz NOT NULL
);
CREATE TABLE auth_grant_context (
  grant_hash bytea PRIMARY KEY,
  tenant_id integer NOT NULL REFERENCES tenant (id),
  patient text,
  encounter text,
  expires_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE ON auth_launch, auth_grant_context TO openvisit_app;

-- Sign-in steps between the password and the second factor, per interaction.
CREATE TABLE auth_interaction_state (
  uid_hash bytea PRIMARY KEY,
  tenant_id integer NOT NULL REFERENCES tenant (id),
  account_id uuid NOT NULL,
  stage text NOT NULL CHECK (stage IN ('mfa-enroll', 'mfa-verify')),
  expires_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE ON auth_interaction_state TO openvisit_app;

-- Revoked access: a grant (all tokens of it), or an account (all its tokens issued before
-- `not_before`). Every node keeps these in memory and polls for new rows by `seq`.
CREATE TABLE auth_revocation (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('grant', 'subject')),
  value text NOT NULL,
  not_before timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX auth_revocation_expiry ON auth_revocation (expires_at);
GRANT SELECT, INSERT, DELETE ON auth_revocation TO openvisit_app;

-- Break-glass: a clinician's time-limited access to one patient outside a care relationship.
CREATE TABLE auth_break_glass (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  account_id uuid NOT NULL,
  patient text NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 10 AND 1000),
  started_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, account_id, patient, started_at)
);
ALTER TABLE auth_break_glass ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth_break_glass FORCE ROW LEVEL SECURITY;
CREATE POLICY auth_break_glass_tenant ON auth_break_glass
  USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT ON auth_break_glass TO openvisit_app;

INSERT INTO instance_secret (name, value)
VALUES ('oidc-cookie', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
