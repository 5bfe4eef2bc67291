-- retort revision
-- revision: 9a64663dad4a
-- parent: base
-- message: users, conversations and messages
-- created: 2026-11-20 09:30:00 UTC

-- retort:up
BEGIN;

-- create schema app
CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'Chat and retrieval-augmented generation backend';

-- create extension citext
CREATE EXTENSION citext WITH SCHEMA public VERSION '1.6';
COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';

-- create extension pgcrypto
CREATE EXTENSION pgcrypto WITH SCHEMA public VERSION '1.3';
COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';

-- create extension "uuid-ossp"
CREATE EXTENSION "uuid-ossp" WITH SCHEMA public VERSION '1.1';
COMMENT ON EXTENSION "uuid-ossp" IS 'generate universally unique identifiers (UUIDs)';

-- create enum app.conversation_status
CREATE TYPE app.conversation_status AS ENUM (
    'active',
    'archived',
    'deleted'
);

-- create enum app.message_role
CREATE TYPE app.message_role AS ENUM (
    'system',
    'user',
    'assistant'
);

-- create table app.conversations
CREATE TABLE app.conversations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    title text,
    status app.conversation_status DEFAULT 'active'::app.conversation_status NOT NULL,
    archived_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT conversations_check CHECK (((archived_at IS NULL) OR (archived_at >= created_at)))
);

-- create table app.messages
CREATE TABLE app.messages (
    id bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME app.messages_id_seq START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 NO CYCLE) NOT NULL,
    conversation_id uuid NOT NULL,
    role app.message_role NOT NULL,
    content text NOT NULL,
    token_count integer,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT messages_token_count_check CHECK ((token_count >= 0))
);

-- create table app.users
CREATE TABLE app.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email public.citext NOT NULL,
    display_name character varying(100) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT users_display_name_check CHECK ((length(btrim((display_name)::text)) > 0)),
    CONSTRAINT users_email_check CHECK ((POSITION(('@'::text) IN (email)) > 1))
);
COMMENT ON TABLE app.users IS 'People who chat with the assistant and upload documents';

-- create constraint conversations_pkey on app.conversations
ALTER TABLE ONLY app.conversations ADD CONSTRAINT conversations_pkey PRIMARY KEY (id);

-- create constraint messages_conversation_id_fkey on app.messages
ALTER TABLE app.messages ADD CONSTRAINT messages_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES app.conversations (id) ON DELETE CASCADE;

-- create constraint messages_pkey on app.messages
ALTER TABLE ONLY app.messages ADD CONSTRAINT messages_pkey PRIMARY KEY (id);

-- create constraint users_email_key on app.users
ALTER TABLE ONLY app.users ADD CONSTRAINT users_email_key UNIQUE (email);

-- create constraint users_pkey on app.users
ALTER TABLE ONLY app.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);

-- create constraint conversations_user_id_fkey on app.conversations
ALTER TABLE app.conversations ADD CONSTRAINT conversations_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.users (id) ON DELETE CASCADE;

-- create index app.messages_conversation_id_idx
CREATE INDEX messages_conversation_id_idx ON app.messages USING btree (conversation_id, id);

COMMIT;

-- retort:down
\q
BEGIN;

-- drop constraint conversations_user_id_fkey on app.conversations
ALTER TABLE app.conversations DROP CONSTRAINT conversations_user_id_fkey;

-- drop constraint messages_conversation_id_fkey on app.messages
ALTER TABLE app.messages DROP CONSTRAINT messages_conversation_id_fkey;

-- drop table app.conversations
-- hazard data-loss: drops table app.conversations and every row in it
DROP TABLE app.conversations;

-- drop table app.messages
-- hazard data-loss: drops table app.messages and every row in it
DROP TABLE app.messages;

-- drop table app.users
-- hazard data-loss: drops table app.users and every row in it
DROP TABLE app.users;

-- drop enum app.conversation_status
DROP TYPE app.conversation_status;

-- drop enum app.message_role
DROP TYPE app.message_role;

-- drop extension citext
DROP EXTENSION citext;

-- drop extension pgcrypto
DROP EXTENSION pgcrypto;

-- drop extension "uuid-ossp"
DROP EXTENSION "uuid-ossp";

-- drop schema app
DROP SCHEMA app;

COMMIT;
