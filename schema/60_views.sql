-- Read models.

-- One row per conversation with message and token counts, for the conversation list.
CREATE VIEW app.conversation_summaries AS
SELECT c.id,
       c.user_id,
       c.title,
       c.status,
       count(m.id) AS message_count,
       coalesce(sum(m.token_count), 0) AS total_tokens,
       max(m.created_at) AS last_message_at
FROM app.conversations c
LEFT JOIN app.messages m ON m.conversation_id = c.id
GROUP BY c.id;

COMMENT ON VIEW app.conversation_summaries IS 'Conversations with message count, tokens used and last activity';
