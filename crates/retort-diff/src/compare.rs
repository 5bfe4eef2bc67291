use retort_catalog::{Catalog, RenameHints};

use crate::change::Diff;

pub fn diff<'a>(old: &'a Catalog, new: &Catalog, hints: &RenameHints) -> Diff<'a> {
    let _ = (new, hints);
    Diff {
        renames: Vec::new(),
        base: std::borrow::Cow::Borrowed(old),
        changes: Vec::new(),
    }
}
