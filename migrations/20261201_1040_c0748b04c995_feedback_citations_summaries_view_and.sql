-- retort revision
-- revision: c0748b04c995
-- parent: 6623493d4dcf
-- message: feedback, citations, summaries view and row level security
-- created: 2026-12-01 10:40:00 UTC

-- retort:up
BEGIN;
SET LOCAL check_function_bodies = off;

-- add values to enum app.message_role
ALTER TYPE app.message_role ADD VALUE 'tool';

-- create function app.conversation_token_total(conversation uuid)
CREATE FUNCTION app.conversation_token_total(conversation uuid) RETURNS bigint
    LANGUAGE sql STABLE PARALLEL UNSAFE COST 100
    AS $function$
    SELECT coalesce(sum(token_count), 0)::bigint
    FROM app.messages
    WHERE conversation_id = conversation;
$function$;

-- create table app.feedback
CREATE TABLE app.feedback (
    id bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME app.feedback_id_seq START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 NO CYCLE) NOT NULL,
    message_id bigint NOT NULL,
    user_id uuid NOT NULL,
    rating smallint NOT NULL,
    comment text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT feedback_rating_check CHECK ((rating = ANY (ARRAY['-1'::integer, 1])))
);

-- create table app.message_citations
CREATE TABLE app.message_citations (
    message_id bigint NOT NULL,
    chunk_id bigint NOT NULL,
    rank smallint NOT NULL,
    score double precision,
    CONSTRAINT message_citations_rank_check CHECK ((rank > 0))
);

-- alter table app.documents
ALTER TABLE app.documents ENABLE ROW LEVEL SECURITY;

-- create constraint feedback_message_id_fkey on app.feedback
ALTER TABLE app.feedback ADD CONSTRAINT feedback_message_id_fkey FOREIGN KEY (message_id) REFERENCES app.messages (id) ON DELETE CASCADE;

-- create constraint feedback_message_id_user_id_key on app.feedback
ALTER TABLE ONLY app.feedback ADD CONSTRAINT feedback_message_id_user_id_key UNIQUE (message_id, user_id);

-- create constraint feedback_pkey on app.feedback
ALTER TABLE ONLY app.feedback ADD CONSTRAINT feedback_pkey PRIMARY KEY (id);

-- create constraint feedback_user_id_fkey on app.feedback
ALTER TABLE app.feedback ADD CONSTRAINT feedback_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.users (id) ON DELETE CASCADE;

-- create constraint message_citations_chunk_id_fkey on app.message_citations
ALTER TABLE app.message_citations ADD CONSTRAINT message_citations_chunk_id_fkey FOREIGN KEY (chunk_id) REFERENCES app.document_chunks (id) ON DELETE CASCADE;

-- create constraint message_citations_message_id_fkey on app.message_citations
ALTER TABLE app.message_citations ADD CONSTRAINT message_citations_message_id_fkey FOREIGN KEY (message_id) REFERENCES app.messages (id) ON DELETE CASCADE;

-- create constraint message_citations_pkey on app.message_citations
ALTER TABLE ONLY app.message_citations ADD CONSTRAINT message_citations_pkey PRIMARY KEY (message_id, chunk_id);

-- create index app.feedback_user_id_idx
CREATE INDEX feedback_user_id_idx ON app.feedback USING btree (user_id);

-- create index app.message_citations_chunk_id_idx
CREATE INDEX message_citations_chunk_id_idx ON app.message_citations USING btree (chunk_id);

-- create view app.conversation_summaries
CREATE VIEW app.conversation_summaries AS
 SELECT c.id,
    c.user_id,
    c.title,
    c.status,
    count(m.id) AS message_count,
    COALESCE(sum(m.token_count), (0)::numeric) AS total_tokens,
    max(m.created_at) AS last_message_at
   FROM (app.conversations c
     LEFT JOIN app.messages m ON ((m.conversation_id = c.id)))
  GROUP BY c.id;
COMMENT ON VIEW app.conversation_summaries IS 'Conversations with message count, tokens used and last activity';

-- create policy documents_owner on app.documents
CREATE POLICY documents_owner ON app.documents AS PERMISSIVE FOR ALL TO PUBLIC USING ((owner_id = (current_setting('app.user_id'::text, true))::uuid)) WITH CHECK ((owner_id = (current_setting('app.user_id'::text, true))::uuid));

COMMIT;

-- retort:down
\q
BEGIN;

-- drop policy documents_owner on app.documents
DROP POLICY documents_owner ON app.documents;

-- drop view app.conversation_summaries
DROP VIEW app.conversation_summaries;

-- drop table app.feedback
-- hazard data-loss: drops table app.feedback and every row in it
DROP TABLE app.feedback;

-- drop table app.message_citations
-- hazard data-loss: drops table app.message_citations and every row in it
DROP TABLE app.message_citations;

-- drop function app.conversation_token_total(conversation uuid)
DROP FUNCTION app.conversation_token_total(conversation uuid);

-- rename enum app.message_role out of the way to replace it: values 'tool' are removed
ALTER TYPE app.message_role RENAME TO message_role__retort_old;

-- create enum app.message_role again: values 'tool' are removed
CREATE TYPE app.message_role AS ENUM (
    'system',
    'user',
    'assistant'
);

-- alter table app.documents
ALTER TABLE app.documents DISABLE ROW LEVEL SECURITY;

-- convert column app.messages.role to the new app.message_role
-- hazard table-rewrite: rewrites app.messages to convert column app.messages.role (app.message_role to app.message_role)
-- hazard access-exclusive-lock: locks table app.messages
ALTER TABLE app.messages ALTER COLUMN role TYPE app.message_role USING role::text::app.message_role;

-- drop the old enum app.message_role
-- hazard data-loss: removes values 'tool' of app.message_role; converting a row that holds one fails
DROP TYPE app.message_role__retort_old;

COMMIT;
