//! rubricate: a batch autograder for written short-answer assignments.
//!
//! The modules follow the data's path through a run:
//!
//! 1. [`rubric`]: the TOML rubric, parsed raw, then validated into the engine's types;
//! 2. [`submission`]: finding each student's files and reading them as plain text lines;
//! 3. [`answers`]: splitting a student's text into per-question answers by their labels;
//! 4. [`matching`]: finding each concept in an answer, with negation and hedging;
//! 5. [`scoring`]: turning concept matches into points, feedback and flags;
//! 6. [`grades`]: the result model that every report reads;
//! 7. [`report`]: the writers (CSV, JSON, Markdown feedback, terminal summary).
//!
//! [`grade`] grades one submission; [`run`] streams a whole folder, graded in parallel, into
//! the output folder, gathering what the class-wide reports need in a [`class::ClassTally`].

pub mod agreement;
pub mod answers;
pub mod check;
pub mod class;
pub mod examples;
pub mod explain;
pub mod fnv;
pub mod grade;
pub mod grades;
pub mod history;
pub mod ids;
pub mod lock;
pub mod matching;
pub mod overrides;
pub mod regrade;
pub mod report;
pub mod review;
pub mod roster;
pub mod rubric;
pub mod run;
pub mod scoring;
pub mod spill;
pub mod submission;
