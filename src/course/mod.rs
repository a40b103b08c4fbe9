//! The course's workflow around the engine: one `grade` run over a class and what it carries
//! from run to run.
//!
//! - [`run`]: the run, streamed from the submissions folder to the output folder, graded in
//!   parallel and written in id order;
//! - [`class`] and [`spill`]: what the class-wide reports need, gathered one student at a time
//!   and kept in temporary files rather than memory;
//! - [`roster`]: who should have submitted, and which file is whose;
//! - [`overrides`]: a TA's manual scores, applied after grading on every run;
//! - [`decisions`]: a TA's scores for whole answer groups, applied before overrides;
//! - [`score_csv`]: the CSV files a TA writes scores in (overrides, decisions);
//! - [`regrade`] and [`history`]: what changed since the previous run, and its files kept;
//! - [`review`]: the review queue, most doubtful answers first;
//! - [`groups`]: answer groups, the class's answers to one question that say the same thing;
//! - [`run_folder`]: each run written whole into its own folder, then switched in at once;
//! - [`lock`]: one run at a time per output folder;
//! - [`fault`]: crash points for the tests that kill a run part way.

pub mod class;
pub mod decisions;
pub mod fault;
pub mod groups;
pub mod history;
pub mod lock;
pub mod overrides;
pub mod regrade;
pub mod review;
pub mod roster;
pub mod run;
pub mod run_folder;
pub mod score_csv;
pub mod spill;
