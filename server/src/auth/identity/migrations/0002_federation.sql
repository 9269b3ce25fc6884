-- Staff sign-in federated to an external OpenID Connect provider (auth/federation/README.md).

-- Redirects in flight to the provider, keyed by the SHA-256 of their `state`; the payload (the
-- sign-in interaction, nonce and PKCE verifier) is sealed. Taken exactly once by the callback.
CREATE TABLE auth_federation_request (
  state_hash bytea PRIMARY KEY,
  tenant_id integer NOT NULL REFERENCES tenant (id),
  payload text NOT NULL,
  expires_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, DELETE ON auth_federation_request TO openvisit_app;

-- 'federated': the provider vouched for the account and for its second factor; the interaction
-- finishes when the browser returns to it.
ALTER TABLE auth_interaction_state DROP CONSTRAINT auth_interaction_state_stage_check;
ALTER TABLE auth_interaction_state ADD CONSTRAINT auth_interaction_state_stage_check
  CHECK (stage IN ('mfa-enroll', 'mfa-verify', 'federated'));
-- Whether the first factor was the provider (the sign-in's `amr` says so).
ALTER TABLE auth_interaction_state ADD COLUMN via_federation boolean NOT NULL DEFAULT false;
