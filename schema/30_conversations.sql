-- Conversations and their messages.

CREATE TABLE app.conversations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
    title       text,
    status      app.conversation_status NOT NULL DEFAULT 'active',
    model       text NOT NULL DEFAULT 'gpt-4o-mini',
    archived_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (archived_at IS NULL OR archived_at >= created_at)
);

-- The sidebar: a user's conversations, most recent first, without deleted ones.
CREATE INDEX conversations_user_recent_idx
    ON app.conversations (user_id, updated_at DESC)
    WHERE status <> 'deleted';

CREATE TABLE app.messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id uuid NOT NULL REFERENCES app.conversations (id) ON DELETE CASCADE,
    role            app.message_role NOT NULL,
    content         text NOT NULL,
    token_count     bigint CHECK (token_count >= 0),
    metadata        jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX messages_conversation_id_idx ON app.messages (conversation_id, id);
CREATE INDEX messages_metadata_idx ON app.messages USING gin (metadata jsonb_path_ops);

COMMENT ON COLUMN app.messages.token_count IS 'Tokens counted by the model''s tokenizer; NULL until counted';
COMMENT ON COLUMN app.messages.metadata IS 'Model name, tool call ids, latency and similar details';
