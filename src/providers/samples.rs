//! Every built-in entry against the token answers its provider documents (`token_answers.toml`):
//! each answer is parsed with the entry's own rules and must give what the file expects. A
//! built-in without a sample fails, so a new provider comes with its documented answer.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::{Catalog, Provider, builtin_names};
use crate::http::Response;
use crate::oauth::grant::{Slot, TokenSet, parse};
use crate::oauth::{self, identity};

const ANSWERS: &str = include_str!("token_answers.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    doc: Option<String>,
    same_as: Option<String>,
    #[serde(default)]
    answer: Vec<Answer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    grant: String,
    origin: String,
    doc: Option<String>,
    status: u16,
    content_type: String,
    body: String,
    expect: Expect,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expect {
    token: Option<String>,
    access_token: Option<String>,
    token_type: Option<String>,
    refresh_token: Option<String>,
    expires_in: Option<i64>,
    refresh_expires_in: Option<i64>,
    scope: Option<String>,
    #[serde(default)]
    id_token: bool,
    #[serde(default)]
    others: BTreeMap<String, ExpectSlot>,
    #[serde(default)]
    extras: toml::Table,
    account: Option<String>,
    error: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize, Default, Debug, PartialEq, Clone)]
#[serde(deny_unknown_fields)]
struct ExpectSlot {
    access_token: Option<String>,
    token_type: Option<String>,
    refresh_token: Option<String>,
    expires_in: Option<i64>,
    refresh_expires_in: Option<i64>,
    scope: Option<String>,
}

impl Expect {
    fn main(&self) -> ExpectSlot {
        ExpectSlot {
            access_token: self.access_token.clone(),
            token_type: self.token_type.clone(),
            refresh_token: self.refresh_token.clone(),
            expires_in: self.expires_in,
            refresh_expires_in: self.refresh_expires_in,
            scope: self.scope.clone(),
        }
    }
}

impl ExpectSlot {
    /// What the file says, with the parser's default token type filled in.
    fn normalized(&self) -> ExpectSlot {
        ExpectSlot { token_type: Some(self.token_type.clone().unwrap_or_else(|| "Bearer".into())), ..self.clone() }
    }
}

fn seen(s: &Slot) -> ExpectSlot {
    ExpectSlot {
        access_token: Some(s.access_token.expose().to_string()),
        token_type: Some(s.token_type.clone()),
        refresh_token: s.refresh_token.as_ref().map(|t| t.expose().to_string()),
        expires_in: s.expires_in,
        refresh_expires_in: s.refresh_expires_in,
        scope: s.scope.clone(),
    }
}

fn load() -> BTreeMap<String, Entry> {
    toml::from_str(ANSWERS).unwrap_or_else(|e| panic!("token_answers.toml: {e}"))
}

/// The account name the entry's `response:` sources give: the part of naming that needs no request.
fn account_from_answer(p: &Provider, tokens: &TokenSet) -> Option<String> {
    let mut only_answer = p.clone();
    only_answer.account.retain(|s| s.starts_with("response:"));
    let (ui, _) = crate::output::Ui::captured(Default::default());
    let http = crate::http::Http::new(&ui, &crate::env::Env::fixed::<&str, &str>([]));
    let (values, callback) = (BTreeMap::new(), BTreeMap::new());
    identity::account_name(&identity::Sources {
        http: &http,
        provider: &only_answer,
        values: &values,
        tokens,
        claims: None,
        callback: &callback,
        follow_up: None,
    })
}

fn check(p: &Provider, a: &Answer) -> Result<(), String> {
    let resp = Response::test(a.status, &a.content_type, &a.body);
    let e = &a.expect;
    if a.grant == "error" {
        let want = e.error.as_deref().ok_or("an error answer needs expect.error")?;
        return match parse(&resp, p) {
            Ok(t) => Err(format!("parsed as a success: {t:?}")),
            Err(oauth::Error::Refused { error, description, status, .. }) => {
                if error != want {
                    return Err(format!("error {error:?}, expected {want:?}"));
                }
                if status != a.status {
                    return Err(format!("status {status}, expected {}", a.status));
                }
                match (&e.description, &description) {
                    (Some(d), Some(got)) if d != got => Err(format!("description {got:?}, expected {d:?}")),
                    (Some(d), None) => Err(format!("no description, expected {d:?}")),
                    _ => Ok(()),
                }
            }
            Err(other) => Err(format!("expected the OAuth error {want:?}, got: {other}")),
        };
    }
    if e.error.is_some() || e.description.is_some() {
        return Err(format!("a {} answer expects no error", a.grant));
    }
    let t = parse(&resp, p).map_err(|err| format!("refused: {err}"))?;
    let mut problems = Vec::new();
    if seen(&t.main) != e.main().normalized() {
        problems.push(format!("main token\n   got  {:?}\n   want {:?}", seen(&t.main), e.main().normalized()));
    }
    if t.main_name != e.token {
        problems.push(format!("main token name {:?}, expected {:?}", t.main_name, e.token));
    }
    let others: BTreeMap<&String, ExpectSlot> = t.others.iter().map(|(k, s)| (k, seen(s))).collect();
    let want_others: BTreeMap<&String, ExpectSlot> = e.others.iter().map(|(k, s)| (k, s.normalized())).collect();
    if others != want_others {
        problems.push(format!("other tokens\n   got  {others:?}\n   want {want_others:?}"));
    }
    if t.id_token.is_some() != e.id_token {
        problems.push(format!("id_token kept: {}, expected {}", t.id_token.is_some(), e.id_token));
    }
    let want_extras: BTreeMap<String, Value> =
        e.extras.iter().map(|(k, v)| (k.clone(), serde_json::to_value(v).expect("TOML values are JSON"))).collect();
    if t.extras != want_extras {
        problems.push(format!("extras\n   got  {:?}\n   want {want_extras:?}", t.extras));
    }
    let account = account_from_answer(p, &t);
    if account != e.account {
        problems.push(format!("account from the answer {account:?}, expected {:?}", e.account));
    }
    if problems.is_empty() { Ok(()) } else { Err(format!("\n  {}", problems.join("\n  "))) }
}

#[test]
fn every_builtin_parses_its_documented_token_answers() {
    let answers = load();
    let names: Vec<&str> = builtin_names().collect();
    for name in answers.keys() {
        assert!(names.contains(&name.as_str()), "token_answers.toml has {name}, which is not a built-in entry");
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for name in &names {
        let p = Catalog::builtin().get(name).unwrap().unwrap();
        let Some(mut entry) = answers.get(*name) else {
            failures.push(format!("{name}: no sample in token_answers.toml (a built-in needs its documented answer)"));
            continue;
        };
        if let Some(other) = &entry.same_as {
            assert!(entry.answer.is_empty() && entry.doc.is_none(), "{name}: same_as or answers, not both");
            entry = answers.get(other).unwrap_or_else(|| panic!("{name}: same_as {other:?} has no entry"));
        }
        if !entry.answer.iter().any(|a| a.grant == "code") {
            failures.push(format!("{name}: no successful code-exchange answer"));
        }
        for (i, a) in entry.answer.iter().enumerate() {
            assert!(matches!(a.grant.as_str(), "code" | "refresh" | "error"), "{name}: grant {:?}", a.grant);
            assert!(matches!(a.origin.as_str(), "verbatim" | "reconstructed"), "{name}: origin {:?}", a.origin);
            let doc = a.doc.as_ref().or(entry.doc.as_ref());
            assert!(doc.is_some_and(|d| d.starts_with("https://")), "{name} answer {}: the doc it follows", i + 1);
            if let Err(e) = check(&p, a) {
                failures.push(format!("{name} answer {} ({}): {e}", i + 1, a.grant));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {checked} answers:\n{}", failures.len(), failures.join("\n"));
}
