//! Objects know their own key; maps of them serialize as lists.
//!
//! A `BTreeMap<QualifiedName, Table>` keeps output order stable, but JSON object keys must be
//! strings. Every catalog object carries its own name, so maps serialize as a list in key order
//! and deserialize by re-keying each element (a duplicate key is an error).

use std::collections::BTreeMap;

use crate::ident::{FunctionId, Ident, QualifiedName};
use crate::model::*;

/// An object that carries the key it is stored under.
pub trait Keyed {
    type Key: Ord + Clone + std::fmt::Debug;
    fn key(&self) -> Self::Key;
}

macro_rules! keyed {
    ($ty:ty, $key:ty, |$s:ident| $e:expr) => {
        impl Keyed for $ty {
            type Key = $key;
            fn key(&self) -> $key {
                let $s = self;
                $e
            }
        }
    };
}

keyed!(Schema, Ident, |s| s.name.clone());
keyed!(Extension, Ident, |s| s.name.clone());
keyed!(Collation, QualifiedName, |s| s.name.clone());
keyed!(EnumType, QualifiedName, |s| s.name.clone());
keyed!(Domain, QualifiedName, |s| s.name.clone());
keyed!(DomainCheck, Ident, |s| s.name.clone());
keyed!(CompositeType, QualifiedName, |s| s.name.clone());
keyed!(Sequence, QualifiedName, |s| s.name.clone());
keyed!(Table, QualifiedName, |s| s.name.clone());
keyed!(Constraint, Ident, |s| s.name.clone());
keyed!(Policy, Ident, |s| s.name.clone());
keyed!(Index, QualifiedName, |s| s.name.clone());
keyed!(View, QualifiedName, |s| s.name.clone());
keyed!(Function, FunctionId, |s| s.id.clone());
keyed!(Trigger, TriggerId, |s| s.id.clone());

/// `#[serde(with = "list")]` for `BTreeMap<K, V>` where `V: Keyed<Key = K>`.
pub mod list {
    use super::{BTreeMap, Keyed};
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<K, V, S>(map: &BTreeMap<K, V>, serializer: S) -> Result<S::Ok, S::Error>
    where
        V: Serialize,
        S: Serializer,
    {
        serializer.collect_seq(map.values())
    }

    pub fn deserialize<'de, V, D>(deserializer: D) -> Result<BTreeMap<V::Key, V>, D::Error>
    where
        V: Keyed + Deserialize<'de>,
        D: Deserializer<'de>,
    {
        let items = Vec::<V>::deserialize(deserializer)?;
        let mut map = BTreeMap::new();
        for item in items {
            let key = item.key();
            if map.contains_key(&key) {
                return Err(D::Error::custom(format!("duplicate object {key:?}")));
            }
            map.insert(key, item);
        }
        Ok(map)
    }
}
