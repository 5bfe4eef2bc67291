-- Uploaded documents, split into chunks for retrieval.

CREATE TABLE app.documents (
    id         uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
    owner_id   uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
    title      text NOT NULL,
    source_uri text,
    mime_type  varchar(100) NOT NULL DEFAULT 'text/plain',
    checksum   bytea NOT NULL,
    status     app.document_status NOT NULL DEFAULT 'pending',
    error      text,
    metadata   jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- The same file uploaded twice by one user is one document.
    CONSTRAINT documents_owner_checksum_key UNIQUE (owner_id, checksum),
    CONSTRAINT documents_error_check CHECK (status = 'failed' OR error IS NULL)
);

-- The ingestion worker's queue.
CREATE INDEX documents_queue_idx
    ON app.documents (created_at)
    WHERE status IN ('pending', 'processing');

CREATE INDEX documents_metadata_idx ON app.documents USING gin (metadata);

CREATE TABLE app.document_chunks (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id    uuid NOT NULL REFERENCES app.documents (id) ON DELETE CASCADE,
    chunk_index    integer NOT NULL CHECK (chunk_index >= 0),
    content        text NOT NULL,
    content_length integer GENERATED ALWAYS AS (length(content)) STORED,
    token_count    integer NOT NULL DEFAULT 0 CHECK (token_count >= 0),
    embedding      real[],
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (document_id, chunk_index)
);

-- Keyword search next to the embedding search.
CREATE INDEX document_chunks_content_trgm_idx
    ON app.document_chunks USING gin (content gin_trgm_ops);

COMMENT ON TABLE app.document_chunks IS 'Retrieval units: consecutive pieces of a document';
COMMENT ON COLUMN app.document_chunks.embedding IS 'Embedding vector of the chunk, NULL until computed';
