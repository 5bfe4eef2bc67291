-- Enumerated types shared by the tables.

-- Who wrote a message. 'tool' holds the output of a function call.
CREATE TYPE app.message_role AS ENUM ('system', 'user', 'assistant', 'tool');

CREATE TYPE app.conversation_status AS ENUM ('active', 'archived', 'deleted');

-- Ingestion pipeline state of an uploaded document.
CREATE TYPE app.document_status AS ENUM ('pending', 'processing', 'ready', 'failed');
