-- Functions and triggers.

-- Keeps updated_at current on every UPDATE.
CREATE FUNCTION app.set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER users_set_updated_at
    BEFORE UPDATE ON app.users
    FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();

CREATE TRIGGER conversations_set_updated_at
    BEFORE UPDATE ON app.conversations
    FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();

CREATE TRIGGER documents_set_updated_at
    BEFORE UPDATE ON app.documents
    FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();

-- Total tokens spent in one conversation, for usage limits.
CREATE FUNCTION app.conversation_token_total(conversation uuid) RETURNS bigint
    LANGUAGE sql STABLE
AS $$
    SELECT coalesce(sum(token_count), 0)::bigint
    FROM app.messages
    WHERE conversation_id = conversation;
$$;

COMMENT ON FUNCTION app.set_updated_at() IS 'Trigger function: sets NEW.updated_at to now()';
