-- retort revision
-- revision: 6623493d4dcf
-- parent: 9a64663dad4a
-- message: documents, chunks and updated_at triggers
-- created: 2026-11-25 14:05:00 UTC
--
-- hazards:
--   access-exclusive-lock: create column app.conversations.model: locks table app.conversations
--   table-rewrite: alter column app.messages.token_count: change type: rewrites app.messages to convert column app.messages.token_count (integer to bigint)
--   access-exclusive-lock: alter column app.messages.token_count: change type: locks table app.messages
--   access-exclusive-lock: alter column app.users.display_name: change type: locks table app.users
--   access-exclusive-lock: create column app.users.is_admin: locks table app.users
--   access-exclusive-lock: create constraint messages_token_count_check on app.messages again: it depends on column app.messages.token_count: locks table app.messages while every row is checked
--   access-exclusive-lock: create constraint users_display_name_check on app.users again: it depends on column app.users.display_name: locks table app.users while every row is checked
--   index-build: create index app.conversations_user_recent_idx: builds an index on app.conversations; writes to it wait until it is done
--   index-build: create index app.messages_metadata_idx: builds an index on app.messages; writes to it wait until it is done

-- retort:up
BEGIN;
SET LOCAL check_function_bodies = off;

-- create extension pg_trgm
CREATE EXTENSION pg_trgm WITH SCHEMA public VERSION '1.6';
COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';

-- drop constraint messages_token_count_check on app.messages to create it again: it depends on column app.messages.token_count
ALTER TABLE app.messages DROP CONSTRAINT messages_token_count_check;

-- drop constraint users_display_name_check on app.users to create it again: it depends on column app.users.display_name
ALTER TABLE app.users DROP CONSTRAINT users_display_name_check;

-- create enum app.document_status
CREATE TYPE app.document_status AS ENUM (
    'pending',
    'processing',
    'ready',
    'failed'
);

-- create function app.set_updated_at()
CREATE FUNCTION app.set_updated_at() RETURNS trigger
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE COST 100
    AS $function$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$function$;
COMMENT ON FUNCTION app.set_updated_at() IS 'Trigger function: sets NEW.updated_at to now()';

-- create table app.document_chunks
CREATE TABLE app.document_chunks (
    id bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME app.document_chunks_id_seq START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 NO CYCLE) NOT NULL,
    document_id uuid NOT NULL,
    chunk_index integer NOT NULL,
    content text NOT NULL,
    content_length integer GENERATED ALWAYS AS (length(content)) STORED,
    token_count integer DEFAULT 0 NOT NULL,
    embedding real[],
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT document_chunks_chunk_index_check CHECK ((chunk_index >= 0)),
    CONSTRAINT document_chunks_token_count_check CHECK ((token_count >= 0))
);
COMMENT ON TABLE app.document_chunks IS 'Retrieval units: consecutive pieces of a document';
COMMENT ON COLUMN app.document_chunks.embedding IS 'Embedding vector of the chunk, NULL until computed';

-- create table app.documents
CREATE TABLE app.documents (
    id uuid DEFAULT public.uuid_generate_v4() NOT NULL,
    owner_id uuid NOT NULL,
    title text NOT NULL,
    source_uri text,
    mime_type character varying(100) DEFAULT 'text/plain'::character varying NOT NULL,
    checksum bytea NOT NULL,
    status app.document_status DEFAULT 'pending'::app.document_status NOT NULL,
    error text,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT documents_error_check CHECK (((status = 'failed'::app.document_status) OR (error IS NULL)))
);

-- create column app.conversations.model
-- hazard access-exclusive-lock: locks table app.conversations
ALTER TABLE app.conversations ADD COLUMN model text DEFAULT 'gpt-4o-mini'::text NOT NULL;

-- alter column app.messages.token_count: change type
-- hazard table-rewrite: rewrites app.messages to convert column app.messages.token_count (integer to bigint)
-- hazard access-exclusive-lock: locks table app.messages
ALTER TABLE app.messages ALTER COLUMN token_count TYPE bigint USING token_count::bigint;

-- alter column app.users.display_name: change type
-- hazard access-exclusive-lock: locks table app.users
ALTER TABLE app.users ALTER COLUMN display_name TYPE character varying(200) USING display_name::character varying(200);

-- create column app.users.is_admin
-- hazard access-exclusive-lock: locks table app.users
ALTER TABLE app.users ADD COLUMN is_admin boolean DEFAULT false NOT NULL;

-- create constraint document_chunks_document_id_chunk_index_key on app.document_chunks
ALTER TABLE ONLY app.document_chunks ADD CONSTRAINT document_chunks_document_id_chunk_index_key UNIQUE (document_id, chunk_index);

-- create constraint document_chunks_pkey on app.document_chunks
ALTER TABLE ONLY app.document_chunks ADD CONSTRAINT document_chunks_pkey PRIMARY KEY (id);

-- create constraint documents_owner_checksum_key on app.documents
ALTER TABLE ONLY app.documents ADD CONSTRAINT documents_owner_checksum_key UNIQUE (owner_id, checksum);

-- create constraint documents_owner_id_fkey on app.documents
ALTER TABLE app.documents ADD CONSTRAINT documents_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES app.users (id) ON DELETE CASCADE;

-- create constraint documents_pkey on app.documents
ALTER TABLE ONLY app.documents ADD CONSTRAINT documents_pkey PRIMARY KEY (id);

-- create constraint document_chunks_document_id_fkey on app.document_chunks
ALTER TABLE app.document_chunks ADD CONSTRAINT document_chunks_document_id_fkey FOREIGN KEY (document_id) REFERENCES app.documents (id) ON DELETE CASCADE;

-- create constraint messages_token_count_check on app.messages again: it depends on column app.messages.token_count
-- hazard access-exclusive-lock: locks table app.messages while every row is checked
ALTER TABLE app.messages ADD CONSTRAINT messages_token_count_check CHECK ((token_count >= 0));

-- create constraint users_display_name_check on app.users again: it depends on column app.users.display_name
-- hazard access-exclusive-lock: locks table app.users while every row is checked
ALTER TABLE app.users ADD CONSTRAINT users_display_name_check CHECK ((length(btrim((display_name)::text)) > 0));

-- create index app.conversations_user_recent_idx
-- hazard index-build: builds an index on app.conversations; writes to it wait until it is done
CREATE INDEX conversations_user_recent_idx ON app.conversations USING btree (user_id, updated_at DESC) WHERE ((status <> 'deleted'::app.conversation_status));

-- create index app.document_chunks_content_trgm_idx
CREATE INDEX document_chunks_content_trgm_idx ON app.document_chunks USING gin (content public.gin_trgm_ops);

-- create index app.documents_metadata_idx
CREATE INDEX documents_metadata_idx ON app.documents USING gin (metadata);

-- create index app.documents_queue_idx
CREATE INDEX documents_queue_idx ON app.documents USING btree (created_at) WHERE ((status = ANY (ARRAY['pending'::app.document_status, 'processing'::app.document_status])));

-- create index app.messages_metadata_idx
-- hazard index-build: builds an index on app.messages; writes to it wait until it is done
CREATE INDEX messages_metadata_idx ON app.messages USING gin (metadata pg_catalog.jsonb_path_ops);

-- create trigger conversations_set_updated_at on app.conversations
CREATE TRIGGER conversations_set_updated_at BEFORE UPDATE ON app.conversations FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();

-- create trigger documents_set_updated_at on app.documents
CREATE TRIGGER documents_set_updated_at BEFORE UPDATE ON app.documents FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();

-- create trigger users_set_updated_at on app.users
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON app.users FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();

-- comment on column app.messages.metadata
COMMENT ON COLUMN app.messages.metadata IS 'Model name, tool call ids, latency and similar details';

-- comment on column app.messages.token_count
COMMENT ON COLUMN app.messages.token_count IS 'Tokens counted by the model''s tokenizer; NULL until counted';

-- comment on column app.users.email
COMMENT ON COLUMN app.users.email IS 'Login address, unique regardless of case';

COMMIT;

-- retort:down
\q
BEGIN;

-- drop trigger conversations_set_updated_at on app.conversations
DROP TRIGGER conversations_set_updated_at ON app.conversations;

-- drop trigger users_set_updated_at on app.users
DROP TRIGGER users_set_updated_at ON app.users;

-- drop index app.conversations_user_recent_idx
DROP INDEX app.conversations_user_recent_idx;

-- drop index app.messages_metadata_idx
DROP INDEX app.messages_metadata_idx;

-- drop constraint document_chunks_document_id_fkey on app.document_chunks
ALTER TABLE app.document_chunks DROP CONSTRAINT document_chunks_document_id_fkey;

-- drop constraint messages_token_count_check on app.messages to create it again: it depends on column app.messages.token_count
ALTER TABLE app.messages DROP CONSTRAINT messages_token_count_check;

-- drop constraint users_display_name_check on app.users to create it again: it depends on column app.users.display_name
ALTER TABLE app.users DROP CONSTRAINT users_display_name_check;

-- drop column app.conversations.model
-- hazard data-loss: drops column app.conversations.model and its values
-- hazard access-exclusive-lock: locks table app.conversations
ALTER TABLE app.conversations DROP COLUMN model;

-- drop column app.users.is_admin
-- hazard data-loss: drops column app.users.is_admin and its values
-- hazard access-exclusive-lock: locks table app.users
ALTER TABLE app.users DROP COLUMN is_admin;

-- drop table app.document_chunks
-- hazard data-loss: drops table app.document_chunks and every row in it
DROP TABLE app.document_chunks;

-- drop table app.documents
-- hazard data-loss: drops table app.documents and every row in it
DROP TABLE app.documents;

-- drop function app.set_updated_at()
DROP FUNCTION app.set_updated_at();

-- drop enum app.document_status
DROP TYPE app.document_status;

-- alter column app.messages.token_count: change type
-- hazard data-loss: converting column app.messages.token_count from bigint to integer may fail or lose part of its values
-- hazard table-rewrite: rewrites app.messages to convert the column
-- hazard access-exclusive-lock: locks table app.messages
ALTER TABLE app.messages ALTER COLUMN token_count TYPE integer USING token_count::integer;

-- alter column app.users.display_name: change type
-- hazard data-loss: converting column app.users.display_name from character varying(200) to character varying(100) may fail or lose part of its values
-- hazard table-rewrite: rewrites app.users to convert the column
-- hazard access-exclusive-lock: locks table app.users
ALTER TABLE app.users ALTER COLUMN display_name TYPE character varying(100) USING display_name::character varying(100);

-- create constraint messages_token_count_check on app.messages again: it depends on column app.messages.token_count
-- hazard access-exclusive-lock: locks table app.messages while every row is checked
ALTER TABLE app.messages ADD CONSTRAINT messages_token_count_check CHECK ((token_count >= 0));

-- create constraint users_display_name_check on app.users again: it depends on column app.users.display_name
-- hazard access-exclusive-lock: locks table app.users while every row is checked
ALTER TABLE app.users ADD CONSTRAINT users_display_name_check CHECK ((length(btrim((display_name)::text)) > 0));

-- comment on column app.messages.metadata
COMMENT ON COLUMN app.messages.metadata IS NULL;

-- comment on column app.messages.token_count
COMMENT ON COLUMN app.messages.token_count IS NULL;

-- comment on column app.users.email
COMMENT ON COLUMN app.users.email IS NULL;

-- drop extension pg_trgm
DROP EXTENSION pg_trgm;

COMMIT;
