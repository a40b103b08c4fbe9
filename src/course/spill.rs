//! Records kept on disk rather than in memory: a run over a large class keeps each student's
//! summary line and review items in an anonymous temporary file (deleted by the OS when closed)
//! and reads them back when the class-wide reports are written, so memory does not grow with
//! the number of students.
//!
//! Records are JSON lines: the types are the report's own serde types, and the file never
//! leaves the process.

use std::cmp::Ordering;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Where a record is in its spill file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

/// A record of a fixed size, as [`SortedRuns`] keeps it on disk.
pub trait FixedRecord: Copy {
    /// Its size in bytes.
    const LEN: usize;
    /// Append its bytes to `out`.
    fn put(&self, out: &mut Vec<u8>);
    /// Read it back from the `LEN` bytes [`put`](Self::put) wrote.
    fn take(bytes: &[u8]) -> Self;
}

impl FixedRecord for Offset {
    const LEN: usize = 12;

    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.at.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
    }

    fn take(bytes: &[u8]) -> Offset {
        let (at, len) = bytes.split_at(8);
        Offset {
            at: u64::from_le_bytes(at.try_into().expect("8 bytes")),
            len: u32::from_le_bytes(len[..4].try_into().expect("4 bytes")),
        }
    }
}

/// How many records [`SortedRuns`] sorts in memory at a time.
const RUN_RECORDS: usize = 1 << 16;
/// How many records a reader of one run holds at a time.
const READ_RECORDS: usize = 1 << 10;

/// Records sorted without holding them all: an external merge sort. Records are sorted in
/// runs of a fixed number in memory, each run is written to an anonymous temporary file, and
/// reading merges the runs. The sort is stable: records that compare equal come back in the
/// order they were pushed, so memory stays flat in their number while the order is the one a
/// stable in-memory sort gives.
pub struct SortedRuns<K> {
    run: Vec<K>,
    order: fn(&K, &K) -> Ordering,
    out: BufWriter<File>,
    /// Per run written, its end (in records).
    run_ends: Vec<u64>,
    written: u64,
}

impl<K: FixedRecord> SortedRuns<K> {
    pub fn new(order: fn(&K, &K) -> Ordering) -> io::Result<SortedRuns<K>> {
        Ok(SortedRuns {
            run: Vec::new(),
            order,
            out: BufWriter::new(tempfile::tempfile()?),
            run_ends: Vec::new(),
            written: 0,
        })
    }

    pub fn push(&mut self, record: K) -> io::Result<()> {
        self.run.push(record);
        if self.run.len() == RUN_RECORDS {
            self.write_run()?;
        }
        Ok(())
    }

    fn write_run(&mut self) -> io::Result<()> {
        let order = self.order;
        self.run.sort_by(order);
        let mut bytes = Vec::with_capacity(self.run.len() * K::LEN);
        for record in &self.run {
            record.put(&mut bytes);
        }
        self.out.write_all(&bytes)?;
        self.written += self.run.len() as u64;
        self.run_ends.push(self.written);
        self.run.clear();
        Ok(())
    }

    /// Stop pushing; the records can now be read in order.
    pub fn finish(mut self) -> io::Result<SortedRunsReader<K>> {
        // The last run stays in memory: a small class never reads its records back from disk.
        let order = self.order;
        self.run.sort_by(order);
        let file = self.out.into_inner().map_err(io::IntoInnerError::into_error)?;
        Ok(SortedRunsReader {
            file,
            order,
            run_ends: self.run_ends,
            last: self.run,
        })
    }
}

/// The records of a finished [`SortedRuns`].
pub struct SortedRunsReader<K> {
    file: File,
    order: fn(&K, &K) -> Ordering,
    run_ends: Vec<u64>,
    last: Vec<K>,
}

/// Where a reader is in one run on disk.
struct RunCursor<K> {
    next: u64,
    end: u64,
    buffer: std::collections::VecDeque<K>,
}

impl<K: FixedRecord> SortedRunsReader<K> {
    /// How many records were pushed.
    pub fn len(&self) -> usize {
        self.run_ends.last().copied().unwrap_or(0) as usize + self.last.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every record, in order (equal records in the order pushed).
    pub fn iter(&self) -> impl Iterator<Item = io::Result<K>> + '_ {
        let mut starts = vec![0];
        starts.extend_from_slice(&self.run_ends);
        let mut cursors: Vec<RunCursor<K>> = starts
            .windows(2)
            .map(|w| RunCursor {
                next: w[0],
                end: w[1],
                buffer: Default::default(),
            })
            .collect();
        let mut last = self.last.iter().copied().peekable();
        let mut failed = false;
        std::iter::from_fn(move || {
            if failed {
                return None;
            }
            // The head of every run; the earliest run wins a tie, which keeps the sort stable
            // (runs hold records in the order pushed). Runs are few (one per 65,536 records),
            // so a scan of the heads costs less than keeping a heap in order.
            let mut best: Option<(usize, K)> = None;
            for (run, cursor) in cursors.iter_mut().enumerate() {
                if cursor.buffer.is_empty() && cursor.next < cursor.end {
                    if let Err(e) = self.refill(cursor) {
                        failed = true;
                        return Some(Err(e));
                    }
                }
                if let Some(&head) = cursor.buffer.front() {
                    if best.is_none_or(|(_, b)| (self.order)(&head, &b) == Ordering::Less) {
                        best = Some((run, head));
                    }
                }
            }
            match (best, last.peek()) {
                (Some((_, b)), Some(l)) if (self.order)(l, &b) == Ordering::Less => last.next().map(Ok),
                (Some((run, b)), _) => {
                    cursors[run].buffer.pop_front();
                    Some(Ok(b))
                }
                (None, _) => last.next().map(Ok),
            }
        })
    }

    fn refill(&self, cursor: &mut RunCursor<K>) -> io::Result<()> {
        let count = (cursor.end - cursor.next).min(READ_RECORDS as u64);
        let mut bytes = vec![0; count as usize * K::LEN];
        let mut file = &self.file;
        file.seek(SeekFrom::Start(cursor.next * K::LEN as u64))?;
        file.read_exact(&mut bytes)?;
        cursor.buffer.extend(bytes.chunks_exact(K::LEN).map(K::take));
        cursor.next += count;
        Ok(())
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

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Pair(u32, u32);

    impl FixedRecord for Pair {
        const LEN: usize = 8;
        fn put(&self, out: &mut Vec<u8>) {
            out.extend_from_slice(&self.0.to_le_bytes());
            out.extend_from_slice(&self.1.to_le_bytes());
        }
        fn take(bytes: &[u8]) -> Pair {
            Pair(
                u32::from_le_bytes(bytes[..4].try_into().unwrap()),
                u32::from_le_bytes(bytes[4..8].try_into().unwrap()),
            )
        }
    }

    fn by_first(a: &Pair, b: &Pair) -> Ordering {
        b.0.cmp(&a.0)
    }

    #[test]
    fn sorted_runs_give_the_stable_sort_of_what_was_pushed() {
        // Several runs on disk plus the one left in memory, with many equal keys: the order must
        // be exactly a stable in-memory sort's (the second field records the push order).
        for count in [0, 1, 5, RUN_RECORDS, RUN_RECORDS + 1, 3 * RUN_RECORDS + 777] {
            let mut runs = SortedRuns::new(by_first).unwrap();
            let mut all = Vec::new();
            let mut seed = 12345u32;
            for i in 0..count as u32 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let record = Pair((seed >> 16) % 97, i);
                runs.push(record).unwrap();
                all.push(record);
            }
            let reader = runs.finish().unwrap();
            all.sort_by(by_first);
            assert_eq!(reader.len(), count);
            for _pass in 0..2 {
                let back: Vec<Pair> = reader.iter().map(Result::unwrap).collect();
                assert!(back == all, "{count} records came back out of order");
            }
        }
    }

    #[test]
    fn offsets_survive_their_fixed_size_form() {
        let offset = Offset {
            at: u64::MAX - 3,
            len: 77,
        };
        let mut bytes = Vec::new();
        offset.put(&mut bytes);
        assert_eq!(bytes.len(), Offset::LEN);
        assert_eq!(Offset::take(&bytes), offset);
    }
}
