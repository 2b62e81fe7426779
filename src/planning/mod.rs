//! Planning the year: quota allocation, territory balance, capacity and recruiting.

pub mod balance;
pub mod capacity;
pub mod quota;
pub mod recruit;
pub mod round;
