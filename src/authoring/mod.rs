//! Tools for rubric authors and students, computed on the engine; their printouts live in
//! [`crate::report`] (`*_table`, `*_printout`).
//!
//! - [`examples`]: a rubric's worked examples graded and compared (`rubricate test`);
//! - [`agreement`]: the autograder against human grades (`rubricate agree`);
//! - [`explain`]: everything the engine saw in one answer (`rubricate explain`);
//! - [`draft`]: a first rubric drafted from an answer key (`rubricate draft`);
//! - [`check`]: a student's self-check of one answer file (`rubricate check`);
//! - [`suggest`]: phrases to add to a rubric, from a TA's decisions on answer groups
//!   (`rubricate suggest`).

pub mod agreement;
pub mod check;
pub mod draft;
pub mod examples;
pub mod explain;
pub mod suggest;
