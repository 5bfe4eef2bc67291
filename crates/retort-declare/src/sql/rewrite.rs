//! Statements that stock sqlparser reads once a few PostgreSQL clauses it does not know are
//! taken out of the token stream: the clauses are recorded beside the parsed statement. Tokens
//! keep their positions, so errors still point into the original text.

use sqlparser::ast::{ObjectName, Statement};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use super::forms::RetortStatement;
use super::{Parsed, RetortDialect, offset_of};

/// Function attributes sqlparser's `CreateFunction` has no field for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FunctionExtras {
    /// `CREATE PROCEDURE` (read as a function without a return type).
    pub procedure: bool,
    /// `LEAKPROOF` (`Some(true)`) or `NOT LEAKPROOF` (`Some(false)`).
    pub leakproof: Option<bool>,
    /// `COST n`, as written.
    pub cost: Option<String>,
    /// `ROWS n`, as written.
    pub rows: Option<String>,
    /// `SUPPORT name`, as written.
    pub support: Option<String>,
    /// A SQL-standard body, `BEGIN ATOMIC … END` as written (sqlparser does not read it).
    pub atomic_body: Option<String>,
}

/// Table constraint clauses sqlparser's `CreateTable` has no field for. Constraints are
/// identified by their position in `CreateTable::constraints`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableExtras {
    /// Constraints declared `NOT VALID`.
    pub not_valid: Vec<usize>,
    /// `ON DELETE SET NULL (columns)` / `SET DEFAULT (columns)`: the columns.
    pub on_delete_columns: Vec<(usize, Vec<String>)>,
    /// `WITH (storage parameters)` of a primary key or unique constraint's index, as written
    /// between the parentheses.
    pub index_with: Vec<(usize, String)>,
    /// `USING INDEX TABLESPACE name` of a primary key or unique constraint.
    pub index_tablespace: Vec<(usize, String)>,
    /// The `SEQUENCE NAME` of each identity column, in column order (`None` where a column's
    /// identity names no sequence).
    pub identity_sequence_names: Vec<Option<ObjectName>>,
}

/// `WITH [CASCADED | LOCAL] CHECK OPTION`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckOption {
    /// `WITH CHECK OPTION` or `WITH CASCADED CHECK OPTION` (the default is cascaded).
    Cascaded,
    Local,
}

/// View clauses sqlparser's `CreateView` has no field for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewExtras {
    /// `CREATE RECURSIVE VIEW`.
    pub recursive: bool,
    pub check_option: Option<CheckOption>,
    /// `WITH DATA` (`Some(true)`) or `WITH NO DATA` (`Some(false)`), materialized views only.
    pub with_data: Option<bool>,
}

fn is_word(token: &TokenWithSpan, word: &str) -> bool {
    matches!(&token.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

fn words_at(tokens: &[TokenWithSpan], at: usize, words: &[&str]) -> bool {
    tokens.len() >= at + words.len()
        && words
            .iter()
            .enumerate()
            .all(|(i, w)| is_word(&tokens[at + i], w))
}

/// Tries the rewrites; `None` when `text` is none of the statements they apply to.
pub(super) fn parse(text: &str) -> Option<Result<Parsed, ParserError>> {
    let tokens = match Tokenizer::new(&RetortDialect, text).tokenize_with_location() {
        Ok(tokens) => tokens,
        Err(e) => return Some(Err(ParserError::TokenizerError(e.to_string()))),
    };
    let tokens: Vec<TokenWithSpan> = tokens
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    if words_at(&tokens, 0, &["ALTER", "TABLE"]) {
        let written: Vec<Token> = tokens.iter().map(|t| t.token.clone()).collect();
        let (tokens, names) = match take_identity_sequence_names(tokens) {
            Ok(taken) => taken,
            Err(e) => return Some(Err(e)),
        };
        // sqlparser reads identity options in one order only.
        let tokens = reorder_identity_options(tokens);
        let unchanged = tokens.iter().map(|t| &t.token).eq(written.iter());
        if unchanged {
            return None;
        }
        let mut parser = Parser::new(&RetortDialect).with_tokens_with_locations(tokens);
        let result = super::forms::alter_table(&mut parser).and_then(|mut statement| {
            while parser.consume_token(&Token::SemiColon) {}
            let next = parser.peek_token();
            if next.token != Token::EOF {
                return parser.expected("end of statement", next);
            }
            if let RetortStatement::AlterTable(alter) = &mut statement {
                alter.identity_sequence_names = names;
            }
            Ok(statement)
        });
        return Some(result.map(|r| Parsed::Retort(Box::new(r))));
    }
    if !words_at(&tokens, 0, &["CREATE"]) {
        return None;
    }
    let mut at = 1;
    if words_at(&tokens, at, &["OR", "REPLACE"]) {
        at += 2;
    }
    if words_at(&tokens, at, &["FUNCTION"]) || words_at(&tokens, at, &["PROCEDURE"]) {
        return Some(function(text, tokens, at).map(|r| Parsed::Retort(Box::new(r))));
    }
    if words_at(&tokens, at, &["INDEX"]) || words_at(&tokens, at, &["UNIQUE", "INDEX"]) {
        return Some(index(tokens).map(|r| Parsed::Retort(Box::new(r))));
    }
    if words_at(&tokens, at, &["TRIGGER"]) || words_at(&tokens, at, &["CONSTRAINT", "TRIGGER"]) {
        return Some(trigger(tokens).map(|r| Parsed::Retort(Box::new(r))));
    }
    let mut table_at = at;
    while ["GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED"]
        .iter()
        .any(|w| words_at(&tokens, table_at, &[w]))
    {
        table_at += 1;
    }
    if words_at(&tokens, table_at, &["TABLE"]) {
        return Some(table(text, tokens).map(|r| Parsed::Retort(Box::new(r))));
    }
    while ["TEMP", "TEMPORARY", "RECURSIVE", "MATERIALIZED"]
        .iter()
        .any(|w| words_at(&tokens, at, &[w]))
    {
        at += 1;
    }
    if words_at(&tokens, at, &["VIEW"]) {
        return Some(view(tokens, at).map(|r| Parsed::Retort(Box::new(r))));
    }
    None
}

fn finish(parser: &mut Parser) -> Result<Statement, ParserError> {
    let statement = parser.parse_statement()?;
    while parser.consume_token(&Token::SemiColon) {}
    let next = parser.peek_token();
    if next.token != Token::EOF {
        return parser.expected("end of statement", next);
    }
    Ok(statement)
}

/// `CREATE [OR REPLACE] {FUNCTION | PROCEDURE}` with `[NOT] LEAKPROOF`, `COST`, `ROWS`,
/// `SUPPORT` taken out.
fn function(
    text: &str,
    mut tokens: Vec<TokenWithSpan>,
    at: usize,
) -> Result<RetortStatement, ParserError> {
    let mut extras = FunctionExtras::default();
    if is_word(&tokens[at], "PROCEDURE") {
        extras.procedure = true;
        tokens[at].token = Token::make_keyword("FUNCTION");
    }
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    let mut depth = 0usize;
    let mut after_args = false;
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        match token.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    after_args = true;
                }
            }
            _ => {}
        }
        let attributes = after_args && depth == 0 && !matches!(token.token, Token::RParen);
        if attributes && words_at(&tokens, i, &["BEGIN", "ATOMIC"]) {
            // The body runs to the statement's last token, `END`.
            let last = tokens.len() - 1;
            if !is_word(&tokens[last], "END") {
                return Err(ParserError::ParserError(format!(
                    "Expected: END of BEGIN ATOMIC, found: {}{}",
                    tokens[last], tokens[last].span.start
                )));
            }
            let start = offset_of(text, line(&tokens[i]), column(&tokens[i]));
            let end = offset_of(text, line(&tokens[last]), column(&tokens[last])) + 3;
            extras.atomic_body = Some(text[start..end.min(text.len())].to_owned());
            break;
        }
        if attributes && words_at(&tokens, i, &["RETURN"]) {
            out.extend_from_slice(&tokens[i..]);
            break;
        }
        if attributes {
            if words_at(&tokens, i, &["LEAKPROOF"]) {
                extras.leakproof = Some(true);
                i += 1;
                continue;
            }
            if words_at(&tokens, i, &["NOT", "LEAKPROOF"]) {
                extras.leakproof = Some(false);
                i += 2;
                continue;
            }
            let number = |t: Option<&TokenWithSpan>| match t.map(|t| &t.token) {
                Some(Token::Number(n, _)) => Some(n.clone()),
                _ => None,
            };
            if words_at(&tokens, i, &["COST"])
                && let Some(n) = number(tokens.get(i + 1))
            {
                extras.cost = Some(n);
                i += 2;
                continue;
            }
            if words_at(&tokens, i, &["ROWS"])
                && let Some(n) = number(tokens.get(i + 1))
            {
                extras.rows = Some(n);
                i += 2;
                continue;
            }
            if words_at(&tokens, i, &["SUPPORT"]) {
                let mut j = i + 1;
                let mut name = String::new();
                while let Some(Token::Word(w)) = tokens.get(j).map(|t| &t.token) {
                    name.push_str(&w.to_string());
                    j += 1;
                    if matches!(tokens.get(j).map(|t| &t.token), Some(Token::Period)) {
                        name.push('.');
                        j += 1;
                    } else {
                        break;
                    }
                }
                extras.support = Some(name);
                i = j;
                continue;
            }
        }
        out.push(tokens[i].clone());
        i += 1;
    }
    let mut parser = Parser::new(&RetortDialect).with_tokens_with_locations(out);
    let statement = finish(&mut parser)?;
    Ok(RetortStatement::CreateFunction {
        statement: Box::new(statement),
        extras,
    })
}

/// `CREATE [RECURSIVE] [MATERIALIZED] VIEW` with `RECURSIVE`, a trailing `WITH [..] CHECK
/// OPTION` or `WITH [NO] DATA` taken out, and `WITH (option)` given its implicit `= true`.
fn view(tokens: Vec<TokenWithSpan>, view_at: usize) -> Result<RetortStatement, ParserError> {
    let mut extras = ViewExtras::default();
    let mut tokens: Vec<TokenWithSpan> = tokens
        .into_iter()
        .enumerate()
        .filter(|(i, t)| {
            let recursive = *i < view_at && is_word(t, "RECURSIVE");
            extras.recursive |= recursive;
            !recursive
        })
        .map(|(_, t)| t)
        .collect();
    while matches!(tokens.last().map(|t| &t.token), Some(Token::SemiColon)) {
        tokens.pop();
    }
    let n = tokens.len();
    let tail = |words: &[&str]| n > words.len() && words_at(&tokens, n - words.len(), words);
    let cut = if tail(&["WITH", "CASCADED", "CHECK", "OPTION"]) {
        extras.check_option = Some(CheckOption::Cascaded);
        4
    } else if tail(&["WITH", "LOCAL", "CHECK", "OPTION"]) {
        extras.check_option = Some(CheckOption::Local);
        4
    } else if tail(&["WITH", "CHECK", "OPTION"]) {
        extras.check_option = Some(CheckOption::Cascaded);
        3
    } else if tail(&["WITH", "NO", "DATA"]) {
        extras.with_data = Some(false);
        3
    } else if tail(&["WITH", "DATA"]) {
        extras.with_data = Some(true);
        2
    } else {
        0
    };
    tokens.truncate(n - cut);
    // `WITH (security_barrier)`: an option without a value, before AS.
    let mut out = Vec::with_capacity(tokens.len());
    let mut in_options = false;
    for (i, token) in tokens.iter().enumerate() {
        out.push(token.clone());
        if is_word(token, "AS") {
            in_options = false;
        }
        if matches!(token.token, Token::LParen) && i > 0 && is_word(&tokens[i - 1], "WITH") {
            in_options = true;
        }
        if in_options
            && matches!(token.token, Token::Word(_))
            && matches!(
                tokens.get(i + 1).map(|t| &t.token),
                Some(Token::Comma | Token::RParen)
            )
            && matches!(
                tokens.get(i.wrapping_sub(1)).map(|t| &t.token),
                Some(Token::Comma | Token::LParen)
            )
        {
            out.push(TokenWithSpan::new(Token::Eq, token.span));
            out.push(TokenWithSpan::new(Token::make_keyword("true"), token.span));
        }
    }
    let mut parser = Parser::new(&RetortDialect).with_tokens_with_locations(out);
    let statement = finish(&mut parser)?;
    Ok(RetortStatement::CreateView {
        statement: Box::new(statement),
        extras,
    })
}

fn line(token: &TokenWithSpan) -> usize {
    usize::try_from(token.span.start.line).unwrap_or(usize::MAX)
}

fn column(token: &TokenWithSpan) -> usize {
    usize::try_from(token.span.start.column).unwrap_or(usize::MAX)
}

/// `CREATE [CONSTRAINT] TRIGGER … EXECUTE {FUNCTION | PROCEDURE} f(args)`: PostgreSQL passes
/// the arguments to the function as strings; sqlparser reads a signature there instead, so the
/// arguments are taken out and kept as their string values.
fn trigger(tokens: Vec<TokenWithSpan>) -> Result<RetortStatement, ParserError> {
    let mut args = Vec::new();
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        out.push(tokens[i].clone());
        let execute = is_word(&tokens[i], "EXECUTE")
            && tokens
                .get(i + 1)
                .is_some_and(|t| is_word(t, "FUNCTION") || is_word(t, "PROCEDURE"));
        i += 1;
        if !execute {
            continue;
        }
        // The function keyword and the (qualified) name.
        out.push(tokens[i].clone());
        i += 1;
        while i < tokens.len() && tokens[i].token != Token::LParen {
            out.push(tokens[i].clone());
            i += 1;
        }
        if i < tokens.len() {
            out.push(tokens[i].clone());
            i += 1;
        }
        while i < tokens.len() && tokens[i].token != Token::RParen {
            match &tokens[i].token {
                Token::Comma => {}
                Token::SingleQuotedString(s)
                | Token::EscapedStringLiteral(s)
                | Token::NationalStringLiteral(s)
                | Token::UnicodeStringLiteral(s) => args.push(s.clone()),
                Token::DollarQuotedString(d) => args.push(d.value.clone()),
                Token::Number(n, _) => args.push(n.clone()),
                Token::Word(w) => args.push(w.value.clone()),
                other => {
                    return Err(ParserError::ParserError(format!(
                        "Expected: a trigger argument (a string, number or name), found: {other}{}",
                        tokens[i].span.start
                    )));
                }
            }
            i += 1;
        }
    }
    let mut parser = Parser::new(&RetortDialect).with_tokens_with_locations(out);
    let statement = finish(&mut parser)?;
    Ok(RetortStatement::CreateTrigger {
        statement: Box::new(statement),
        args,
    })
}

/// Identity options in the order sqlparser reads them (INCREMENT, MINVALUE, MAXVALUE, START,
/// CACHE, CYCLE); PostgreSQL takes them in any order and pg_dump starts with START.
fn reorder_identity_options(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let rank = |tokens: &[TokenWithSpan], i: usize| -> Option<(u8, usize)> {
        let options: [(&[&str], u8); 9] = [
            (&["INCREMENT"], 0),
            (&["NO", "MINVALUE"], 1),
            (&["MINVALUE"], 1),
            (&["NO", "MAXVALUE"], 2),
            (&["MAXVALUE"], 2),
            (&["START"], 3),
            (&["CACHE"], 4),
            (&["NO", "CYCLE"], 5),
            (&["CYCLE"], 5),
        ];
        options
            .iter()
            .find(|(words, _)| words_at(tokens, i, words))
            .map(|(words, r)| (*r, words.len()))
    };
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let opens = i >= 2
            && tokens[i].token == Token::LParen
            && is_word(&tokens[i - 1], "IDENTITY")
            && is_word(&tokens[i - 2], "AS");
        out.push(tokens[i].clone());
        i += 1;
        if !opens {
            continue;
        }
        let Some(close) = tokens[i..].iter().position(|t| t.token == Token::RParen) else {
            continue;
        };
        let inner = &tokens[i..i + close];
        // Split into options, each starting at an option keyword.
        let mut groups: Vec<(u8, Vec<TokenWithSpan>)> = Vec::new();
        let mut j = 0;
        let mut known = true;
        while j < inner.len() {
            match rank(inner, j) {
                Some((r, len)) => {
                    groups.push((r, inner[j..j + len].to_vec()));
                    j += len;
                }
                None => match groups.last_mut() {
                    Some(group) => {
                        group.1.push(inner[j].clone());
                        j += 1;
                    }
                    None => {
                        known = false;
                        break;
                    }
                },
            }
        }
        if known {
            groups.sort_by_key(|g| g.0);
            out.extend(groups.into_iter().flat_map(|g| g.1));
        } else {
            out.extend_from_slice(inner);
        }
        i += close;
    }
    out
}

/// `CREATE [UNIQUE] INDEX … ON [ONLY] table …`: `ONLY` taken out and recorded.
fn index(tokens: Vec<TokenWithSpan>) -> Result<RetortStatement, ParserError> {
    let mut only = false;
    let mut out = Vec::with_capacity(tokens.len());
    for (i, token) in tokens.iter().enumerate() {
        if !only && i > 0 && is_word(token, "ONLY") && is_word(&tokens[i - 1], "ON") {
            only = true;
            continue;
        }
        out.push(token.clone());
    }
    let mut parser = Parser::new(&RetortDialect).with_tokens_with_locations(out);
    let statement = finish(&mut parser)?;
    Ok(RetortStatement::CreateIndex {
        statement: Box::new(statement),
        only,
    })
}

const CONSTRAINT_START: [&str; 6] = [
    "CONSTRAINT",
    "CHECK",
    "PRIMARY",
    "UNIQUE",
    "FOREIGN",
    "EXCLUDE",
];

/// The type name a column declared `col WITH OPTIONS …` (in a partition or typed table) is
/// read with: the column keeps the type it has.
pub const WITH_OPTIONS_TYPE: &str = "retort: WITH OPTIONS";

/// Takes `SEQUENCE NAME name` out of each column's `GENERATED … AS IDENTITY (…)` (not out of
/// `ALTER COLUMN … ADD GENERATED`, which reads it itself): the tokens left, and one entry for
/// each identity clause, in order.
#[allow(clippy::type_complexity)]
fn take_identity_sequence_names(
    tokens: Vec<TokenWithSpan>,
) -> Result<(Vec<TokenWithSpan>, Vec<Option<ObjectName>>), ParserError> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut names = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let identity = words_at(&tokens, i, &["AS", "IDENTITY"]);
        let column_identity = identity && {
            // `GENERATED {ALWAYS | BY DEFAULT}` before, and no `ADD` before that.
            let generated = (i >= 2 && words_at(&tokens, i - 2, &["GENERATED", "ALWAYS"]))
                .then(|| i - 2)
                .or_else(|| {
                    (i >= 3 && words_at(&tokens, i - 3, &["GENERATED", "BY", "DEFAULT"]))
                        .then(|| i - 3)
                });
            generated.is_some_and(|g| g == 0 || !is_word(&tokens[g - 1], "ADD"))
        };
        if !column_identity {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        }
        out.push(tokens[i].clone());
        out.push(tokens[i + 1].clone());
        i += 2;
        let mut name = None;
        if tokens.get(i).is_some_and(|t| t.token == Token::LParen) {
            out.push(tokens[i].clone());
            i += 1;
            while i < tokens.len() && tokens[i].token != Token::RParen {
                if words_at(&tokens, i, &["SEQUENCE", "NAME"]) {
                    let start = i + 2;
                    let mut end = start;
                    while end < tokens.len()
                        && (matches!(tokens[end].token, Token::Word(_))
                            && (end == start || tokens[end - 1].token == Token::Period)
                            || tokens[end].token == Token::Period)
                    {
                        end += 1;
                    }
                    let mut parser = Parser::new(&RetortDialect)
                        .with_tokens_with_locations(tokens[start..end].to_vec());
                    name = Some(parser.parse_object_name(false)?);
                    i = end;
                    continue;
                }
                out.push(tokens[i].clone());
                i += 1;
            }
        }
        names.push(name);
    }
    Ok((out, names))
}

/// `CREATE TABLE`: identity sequence names taken out (into [`TableExtras`]) and identity
/// options put in sqlparser's order, `WITH OPTIONS` of typed and partition tables' columns
/// replaced by the [`WITH_OPTIONS_TYPE`] marker, and the constraint clauses sqlparser does not
/// read taken out into [`TableExtras`].
fn table(text: &str, tokens: Vec<TokenWithSpan>) -> Result<RetortStatement, ParserError> {
    let (tokens, identity_sequence_names) = take_identity_sequence_names(tokens)?;
    let tokens = reorder_identity_options(tokens);
    let mut extras = TableExtras {
        identity_sequence_names,
        ..TableExtras::default()
    };
    let mut out = Vec::with_capacity(tokens.len());
    let mut depth = 0usize;
    // Inside the element list: (is this element a table constraint, constraint ordinal).
    let mut list_open = false;
    let mut list_done = false;
    let mut element_start = false;
    let mut in_constraint = false;
    let mut ordinal = 0usize;
    let mut i = 0;
    let offset = |t: &TokenWithSpan| offset_of(text, line(t), column(t));
    while i < tokens.len() {
        let token = &tokens[i];
        if !list_open && !list_done && depth == 0 && token.token == Token::LParen {
            let after_keyword = i > 0
                && [
                    "FROM", "TO", "IN", "WITH", "RANGE", "LIST", "HASH", "INHERITS",
                ]
                .iter()
                .any(|w| is_word(&tokens[i - 1], w));
            if !after_keyword {
                list_open = true;
                element_start = true;
                depth = 1;
                out.push(token.clone());
                i += 1;
                continue;
            }
        }
        if list_open && depth == 1 {
            if element_start {
                element_start = false;
                in_constraint = CONSTRAINT_START.iter().any(|w| is_word(token, w));
            }
            if words_at(&tokens, i, &["WITH", "OPTIONS"]) && !in_constraint {
                // sqlparser needs a type after the column name: a marker type stands for
                // "the type the column already has".
                out.push(TokenWithSpan {
                    token: Token::Word(sqlparser::tokenizer::Word {
                        value: WITH_OPTIONS_TYPE.to_owned(),
                        quote_style: Some('"'),
                        keyword: sqlparser::keywords::Keyword::NoKeyword,
                    }),
                    span: tokens[i].span,
                });
                i += 2;
                continue;
            }
            if in_constraint {
                if words_at(&tokens, i, &["NOT", "VALID"]) {
                    extras.not_valid.push(ordinal);
                    i += 2;
                    continue;
                }
                let set_columns = (words_at(&tokens, i, &["SET", "NULL"])
                    || words_at(&tokens, i, &["SET", "DEFAULT"]))
                    && tokens.get(i + 2).is_some_and(|t| t.token == Token::LParen)
                    && i >= 2
                    && is_word(&tokens[i - 1], "DELETE");
                if set_columns {
                    out.push(tokens[i].clone());
                    out.push(tokens[i + 1].clone());
                    let mut j = i + 3;
                    let mut columns = Vec::new();
                    while j < tokens.len() && tokens[j].token != Token::RParen {
                        if let Token::Word(w) = &tokens[j].token {
                            columns.push(w.value.clone());
                        }
                        j += 1;
                    }
                    extras.on_delete_columns.push((ordinal, columns));
                    i = j + 1;
                    continue;
                }
                if words_at(&tokens, i, &["WITH"])
                    && tokens.get(i + 1).is_some_and(|t| t.token == Token::LParen)
                {
                    let mut j = i + 2;
                    let mut inner = 1usize;
                    while j < tokens.len() {
                        match tokens[j].token {
                            Token::LParen => inner += 1,
                            Token::RParen => {
                                inner -= 1;
                                if inner == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                    if j < tokens.len() {
                        let start = offset(&tokens[i + 1]) + 1;
                        let end = offset(&tokens[j]);
                        let raw = text.get(start..end).unwrap_or_default().trim().to_owned();
                        extras.index_with.push((ordinal, raw));
                        i = j + 1;
                        continue;
                    }
                }
                if words_at(&tokens, i, &["USING", "INDEX", "TABLESPACE"])
                    && let Some(Token::Word(w)) = tokens.get(i + 3).map(|t| &t.token)
                {
                    extras.index_tablespace.push((ordinal, w.value.clone()));
                    i += 4;
                    continue;
                }
            }
            match token.token {
                Token::Comma => {
                    if in_constraint {
                        ordinal += 1;
                    }
                    element_start = true;
                }
                Token::RParen => {
                    list_open = false;
                    list_done = true;
                    depth = 0;
                    out.push(token.clone());
                    i += 1;
                    continue;
                }
                _ => {}
            }
        }
        match token.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push(token.clone());
        i += 1;
    }
    let mut parser = Parser::new(&RetortDialect).with_tokens_with_locations(out);
    let statement = finish(&mut parser)?;
    Ok(RetortStatement::CreateTable {
        statement: Box::new(statement),
        extras,
    })
}
