//! Stage 5: grading. [`scoring`] turns one answer's concept matches into points, feedback and
//! flags; [`grader`] grades one student's whole submission (reading, splitting, matching,
//! scoring), grading one answer pasted under several labels by the share of it that answers
//! each ([`pasted`]); [`grades`] is the result model that every report reads.

pub mod grader;
pub mod grades;
pub mod pasted;
pub mod scoring;
