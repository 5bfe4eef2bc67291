-- Accounts.

CREATE TABLE app.users (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email        citext NOT NULL UNIQUE,
    display_name varchar(200) NOT NULL,
    is_admin     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_check CHECK (position('@' in email) > 1),
    CONSTRAINT users_display_name_check CHECK (length(btrim(display_name)) > 0)
);

COMMENT ON TABLE app.users IS 'People who chat with the assistant and upload documents';
COMMENT ON COLUMN app.users.email IS 'Login address, unique regardless of case';
