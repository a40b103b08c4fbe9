//! Stage 4: matching. Finds a rubric's patterns in an answer and decides the stance of each
//! match (asserted, negated, hedged), within the part of the answer a concept is scoped to.

pub mod concept;
pub mod cues;
pub mod echo;
pub mod fnv;
pub mod forms;
pub mod keywords;
pub mod lexicon;
pub mod pattern;
pub mod prefilter;
pub mod subjects;
pub mod text;
pub mod thesaurus;

pub use concept::{match_answer, AnswerMatches, ConceptMatch, Found};
