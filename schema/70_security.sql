-- Row level security: a session sees only its own documents.
-- The application sets app.user_id per transaction (SET LOCAL app.user_id = '...').

ALTER TABLE app.documents ENABLE ROW LEVEL SECURITY;

CREATE POLICY documents_owner ON app.documents
    USING (owner_id = current_setting('app.user_id', true)::uuid)
    WITH CHECK (owner_id = current_setting('app.user_id', true)::uuid);
