-- Which chunks were retrieved as context for an assistant message.

CREATE TABLE app.message_citations (
    message_id bigint NOT NULL REFERENCES app.messages (id) ON DELETE CASCADE,
    chunk_id   bigint NOT NULL REFERENCES app.document_chunks (id) ON DELETE CASCADE,
    rank       smallint NOT NULL CHECK (rank > 0),
    score      double precision,
    PRIMARY KEY (message_id, chunk_id)
);

CREATE INDEX message_citations_chunk_id_idx ON app.message_citations (chunk_id);
