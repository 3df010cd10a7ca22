//! Comparing two runs of the same portfolio under two rule sets.
