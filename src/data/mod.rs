//! Reading user data: CSV bytes in, counted or typed values out. No filesystem here: callers
//! hand in readers and a name for the source to use in error messages.

pub mod binary;
pub mod fairness_csv;
pub mod scoring;
