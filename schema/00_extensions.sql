-- Extensions and the application schema.
--
-- pgcrypto: digest() for document checksums.
-- uuid-ossp: uuid_generate_v4() for ids that are handed out before insert.
-- citext: case-insensitive e-mail addresses.
-- pg_trgm: trigram search over document chunks.

CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE SCHEMA app;

COMMENT ON SCHEMA app IS 'Chat and retrieval-augmented generation backend';
