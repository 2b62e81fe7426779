//! fuerza: plan, pay and diagnose a sales force from plain-text files.
//!
//! Data flows one way: `cli` → `plan` / `data` (load and validate) → engine
//! (`credit`, `comp`) → `report` → `output`. The engine never reads files,
//! the clock or the environment.

pub mod calendar;
pub mod chart;
pub mod cli;
pub mod comp;
pub mod credit;
pub mod data;
pub mod diag;
pub mod fmath;
pub mod funnel;
pub mod gen;
pub mod output;
pub mod plan;
pub mod planning;
pub mod report;
pub mod sim;
pub mod units;
