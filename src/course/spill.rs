//! Records kept on disk rather than in memory: a run over a large class keeps each student's
//! summary line and review items in an anonymous temporary file (deleted by the OS when closed)
//! and reads them back when the class-wide reports are written, so memory does not grow with
//! the number of students.
//!
//! Records are JSON lines: the types are the report's own serde types, and the file never
//! leaves the process.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Where a record is in its spill file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset {
    at: u64,
    len: u32,
}

/// An append-only file of records of one type.
pub struct Spill<T> {
    out: BufWriter<File>,
    written: u64,
    record: PhantomData<fn() -> T>,
}

impl<T: Serialize + DeserializeOwned> Spill<T> {
    /// A new, empty spill in the system's temporary folder.
    pub fn new() -> io::Result<Spill<T>> {
        Ok(Spill {
            out: BufWriter::new(tempfile::tempfile()?),
            written: 0,
            record: PhantomData,
        })
    }

    /// Append `record`; returns where it is.
    pub fn push(&mut self, record: &T) -> io::Result<Offset> {
        let mut line = serde_json::to_vec(record)?;
        line.push(b'\n');
        self.out.write_all(&line)?;
        let at = Offset {
            at: self.written,
            len: u32::try_from(line.len()).map_err(io::Error::other)?,
        };
        self.written += line.len() as u64;
        Ok(at)
    }

    /// Stop writing; the records can now be read back.
    pub fn finish(self) -> io::Result<SpillReader<T>> {
        let file = self.out.into_inner().map_err(io::IntoInnerError::into_error)?;
        Ok(SpillReader {
            file,
            record: PhantomData,
        })
    }
}

/// The records of a finished [`Spill`].
pub struct SpillReader<T> {
    file: File,
    record: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> SpillReader<T> {
    /// Every record, in the order pushed.
    pub fn iter(&self) -> io::Result<impl Iterator<Item = io::Result<T>> + '_> {
        let mut file = &self.file;
        file.seek(SeekFrom::Start(0))?;
        Ok(BufReader::new(file).lines().map(|line| {
            let line = line?;
            serde_json::from_str(&line).map_err(io::Error::from)
        }))
    }

    /// The record at `offset` (from [`Spill::push`]).
    pub fn get(&self, offset: Offset) -> io::Result<T> {
        let mut file = &self.file;
        file.seek(SeekFrom::Start(offset.at))?;
        let mut line = vec![0; offset.len as usize];
        file.read_exact(&mut line)?;
        serde_json::from_slice(&line).map_err(io::Error::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_come_back_in_order_and_by_offset() {
        let mut spill = Spill::new().unwrap();
        let words = ["first", "line\nwith a newline", "", "ünïcödé"];
        let offsets: Vec<Offset> = words
            .iter()
            .map(|w| spill.push(&w.to_string()).unwrap())
            .collect();
        let reader = spill.finish().unwrap();
        let back: Vec<String> = reader.iter().unwrap().map(Result::unwrap).collect();
        assert_eq!(back, words);
        // Random access, in any order, and iteration again afterwards.
        for (&offset, word) in offsets.iter().zip(words).rev() {
            assert_eq!(reader.get(offset).unwrap(), word);
        }
        assert_eq!(reader.iter().unwrap().count(), 4);
    }

    #[test]
    fn an_empty_spill_reads_as_nothing() {
        let spill: Spill<u32> = Spill::new().unwrap();
        let reader = spill.finish().unwrap();
        assert_eq!(reader.iter().unwrap().count(), 0);
    }
}
