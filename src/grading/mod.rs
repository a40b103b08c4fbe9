//! Stage 5: grading. [`scoring`] turns one answer's concept matches into points, feedback and
//! flags; [`grader`] grades one student's whole submission (reading, splitting, matching,
//! scoring); [`grades`] is the result model that every report reads.

pub mod grader;
pub mod grades;
pub mod scoring;
