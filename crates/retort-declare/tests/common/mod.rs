//! Helpers shared by the tests that compare an offline catalog with an introspected one.

// Each test binary uses some of them.
#![allow(dead_code)]

use std::collections::BTreeMap;

use retort_catalog::Catalog;
use serde_json::Value;

/// Each object of a catalog as JSON, by `kind key`; `depends_on` left out (ordering data that
/// the offline loader does not derive).
pub fn objects(catalog: &Catalog) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let Value::Object(top) = serde_json::to_value(catalog).expect("catalog serializes") else {
        return out;
    };
    for (kind, list) in top {
        let Value::Array(items) = list else { continue };
        for mut item in items {
            if let Value::Object(map) = &mut item {
                map.remove("depends_on");
            }
            let key = match &item {
                Value::Object(map) => map
                    .get("name")
                    .or_else(|| map.get("id"))
                    .map(Value::to_string)
                    .unwrap_or_default(),
                _ => String::new(),
            };
            out.insert(format!("{kind} {key}"), item);
        }
    }
    out
}

/// The objects that differ, one line each.
pub fn differences(left: &Catalog, right: &Catalog) -> Vec<String> {
    let (a, b) = (objects(left), objects(right));
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let show = |v: Option<&Value>| v.map_or("(none)".to_owned(), Value::to_string);
            format!("{k}:\n    {}\n    {}", show(a.get(k)), show(b.get(k)))
        })
        .collect()
}

/// The error of loading `before` then `statement` offline, which must fail.
pub fn refused_offline(before: &str, statement: &str) -> String {
    let sql = format!("{before}\n{statement};\n");
    match retort_declare::load::load_sql("m.sql", &sql) {
        Ok(_) => panic!("{statement}: applied offline, expected an error"),
        Err(e) => e.to_string(),
    }
}
