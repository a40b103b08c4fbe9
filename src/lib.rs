//! rubricate: a batch autograder for written short-answer assignments.
//!
//! The folders are the architecture. The engine follows the data's path through a run, one
//! folder per stage; it computes values and never formats them:
//!
//! 1. [`rubric`]: the TOML rubric, parsed raw, then validated into the engine's types;
//! 2. [`submission`]: finding each student's files and reading them as plain text lines;
//! 3. [`answers`]: splitting a student's text into per-question answers by their labels;
//! 4. [`matching`]: finding each concept in an answer, with negation and hedging;
//! 5. [`grading`]: scoring the matches into points, feedback and flags, grading one
//!    submission, and the result model every report reads.
//!
//! Around the engine:
//!
//! - [`course`]: the course's workflow around a run: the streamed, parallel run over a folder,
//!   the class-wide tally and its spill files, roster, overrides, regrade diffs, history of
//!   runs, each run written into its own folder and switched in at once, the review queue and
//!   the output folder's lock;
//! - [`authoring`]: tools for rubric authors and students that compute on the engine: rubric
//!   examples, agreement with human grades, `explain`, a student's self-check;
//! - [`report`]: the writers only (CSV, JSON, Markdown, HTML, Canvas, Gradescope, JUnit,
//!   GitHub, terminal printouts), formatting what the others computed.
//!
//! [`ids`] is the vocabulary every stage shares: question and student ids, and exact points.

pub mod answers;
pub mod authoring;
pub mod course;
pub mod grading;
pub mod ids;
pub mod matching;
pub mod report;
pub mod rubric;
pub mod submission;
