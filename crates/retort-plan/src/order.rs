//! Ordering: a petgraph dependency graph over the steps, sorted with a stable tie-break.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::{DiGraph, NodeIndex};

use crate::PlanError;
use crate::node::{Node, Slot};
use retort_catalog::ObjectId;

/// The steps in an order that respects every edge; among steps ready at the same time, the
/// smallest (segment, rank, object, position) goes first, so the order is a function of the
/// steps alone.
pub(crate) fn order(nodes: &[Node]) -> Result<Vec<usize>, PlanError> {
    let mut graph: DiGraph<usize, ()> = DiGraph::with_capacity(nodes.len(), nodes.len() * 2);
    let idx: Vec<NodeIndex> = (0..nodes.len()).map(|i| graph.add_node(i)).collect();

    let mut providers: BTreeMap<&ObjectId, Vec<usize>> = BTreeMap::new();
    let mut releasers: BTreeMap<&ObjectId, Vec<usize>> = BTreeMap::new();
    let mut freers: BTreeMap<&Slot, Vec<usize>> = BTreeMap::new();
    for (i, n) in nodes.iter().enumerate() {
        for p in &n.provides {
            providers.entry(p).or_default().push(i);
        }
        for r in &n.releases {
            releasers.entry(r).or_default().push(i);
        }
        for s in &n.frees {
            freers.entry(s).or_default().push(i);
        }
    }
    let mut edges: BTreeSet<(usize, usize)> = BTreeSet::new();
    let renames: Vec<usize> = (0..nodes.len()).filter(|i| nodes[*i].is_rename).collect();
    for (i, n) in nodes.iter().enumerate() {
        for x in &n.needs {
            for &p in providers.get(x).into_iter().flatten() {
                if p != i {
                    edges.insert((p, i));
                }
            }
        }
        for x in &n.touches {
            for &r in releasers.get(x).into_iter().flatten() {
                if r != i {
                    edges.insert((r, i));
                }
            }
        }
        for x in &n.touches_after_drops {
            for &r in releasers.get(x).into_iter().flatten() {
                if r != i && nodes[r].is_drop {
                    edges.insert((r, i));
                }
            }
        }
        for s in &n.takes {
            for &f in freers.get(s).into_iter().flatten() {
                if f != i {
                    edges.insert((f, i));
                }
            }
        }
        // Renames run first, in their own order: every other statement names objects by
        // their new names.
        if n.is_rename {
            if let Some(&next) = renames.iter().find(|&&r| r > i) {
                edges.insert((i, next));
            }
        } else {
            for &r in &renames {
                edges.insert((r, i));
            }
        }
    }
    for (a, b) in edges {
        graph.add_edge(idx[a], idx[b], ());
    }

    // Kahn's algorithm with an ordered ready set.
    let key = |i: usize| {
        let n = &nodes[i];
        (n.seg, n.rank, n.step.cause.object.clone(), i)
    };
    let mut indegree: Vec<usize> = idx
        .iter()
        .map(|&v| {
            graph
                .neighbors_directed(v, petgraph::Direction::Incoming)
                .count()
        })
        .collect();
    let mut ready: BTreeSet<_> = (0..nodes.len())
        .filter(|&i| indegree[i] == 0)
        .map(key)
        .collect();
    let mut out = Vec::with_capacity(nodes.len());
    while let Some(first) = ready.pop_first() {
        let i = first.3;
        out.push(i);
        for next in graph.neighbors_directed(idx[i], petgraph::Direction::Outgoing) {
            let j = graph[next];
            indegree[j] -= 1;
            if indegree[j] == 0 {
                ready.insert(key(j));
            }
        }
    }
    if out.len() == nodes.len() {
        return Ok(out);
    }
    let mut members: Vec<String> = petgraph::algo::tarjan_scc(&graph)
        .into_iter()
        .filter(|scc| scc.len() > 1)
        .flatten()
        .map(|v| nodes[graph[v]].step.cause.summary.clone())
        .collect();
    members.sort();
    members.dedup();
    Err(PlanError::Cycle { members })
}
