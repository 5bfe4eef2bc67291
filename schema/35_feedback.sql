-- Thumbs up or down on an assistant message.

CREATE TABLE app.feedback (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id bigint NOT NULL REFERENCES app.messages (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
    rating     smallint NOT NULL CHECK (rating IN (-1, 1)),
    comment    text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (message_id, user_id)
);

CREATE INDEX feedback_user_id_idx ON app.feedback (user_id);
